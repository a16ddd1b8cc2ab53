"""The MOT ledger: every time a touchpoint is flagged or unflagged as a Moment of Truth, who did
it, when, how it was chosen, and where the touchpoint stood then (its dots, its emotion mean).
Kept when the touchpoint or its map is gone, so teams' choices can be read across maps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from maps.models.cards import Card, EmotionCard
from maps.models.choices import CARD_TEXT_MAX, NAME_MAX
from maps.models.journey_map import JourneyMap


class MotEvent(models.Model):
    class How(models.TextChoices):
        HAND = "hand", _("by hand")
        CANDIDATE = "candidate", _("a confirmed candidate")
        VOTE = "vote", _("dot vote")

    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.SET_NULL, null=True, related_name="mot_events"
    )
    touchpoint = models.ForeignKey(
        Card, on_delete=models.SET_NULL, null=True, related_name="mot_events"
    )
    map_title = models.CharField(max_length=200)
    text = models.CharField(max_length=CARD_TEXT_MAX)
    channel = models.CharField(max_length=20, blank=True)
    stage_name = models.CharField(max_length=60)
    flagged = models.BooleanField()
    how = models.CharField(max_length=10, choices=How.choices)
    by_name = models.CharField(max_length=NAME_MAX, blank=True)
    dots = models.PositiveIntegerField(default=0)
    emotion_mean = models.FloatField(null=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    @classmethod
    def record(cls, touchpoints, *, flagged: bool, how: str, by_name: str = "") -> None:
        """One event per touchpoint (their stage and map loaded), in two queries; the emotion
        mean counts what the curve counts (the latest scoring round on each touchpoint)."""
        touchpoints = list(touchpoints)
        latest: dict[int, tuple[int, list[int]]] = {}  # the curve's rule: latest round only
        for touchpoint, score, round_ in EmotionCard.objects.filter(
            touchpoint__in=touchpoints
        ).values_list("touchpoint", "score", "round"):
            top, scores = latest.get(touchpoint, (0, []))
            if round_ > top:
                latest[touchpoint] = (round_, [score])
            elif round_ == top:
                scores.append(score)
        means = {pk: sum(s) / len(s) for pk, (_round, s) in latest.items()}
        cls.objects.bulk_create(
            cls(
                journey_map_id=card.journey_map_id,
                touchpoint=card,
                map_title=card.journey_map.title,
                text=card.text,
                channel=card.channel,
                stage_name=card.stage.name,
                flagged=flagged,
                how=how,
                by_name=by_name,
                dots=card.votes,
                emotion_mean=means.get(card.pk),
            )
            for card in touchpoints
        )


class MotMatch(models.Model):
    """A facilitator's word on one match of the ledger (touchpoints of the same channel and
    wording on several maps): confirmed as one touchpoint, or split, map by map, because the
    same words meant different things."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        SPLIT = "split", _("split")

    channel = models.CharField(max_length=20, blank=True)
    text_key = models.CharField(max_length=CARD_TEXT_MAX)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    by_name = models.CharField(max_length=NAME_MAX, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "text_key"], name="one_decision_per_match")
        ]
