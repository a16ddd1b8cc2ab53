"""The sticky notes on a map: cards in cells, emotion cards, and the action plans that grow
out of opportunities."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from maps.models.choices import CARD_TEXT_MAX, NAME_MAX, Channel, Lane, WorkRole
from maps.models.journey_map import JourneyMap, PublicManager, Stage, renumber


class CrossMapError(ValidationError):
    pass


class LaneChangeRefused(ValidationError):
    """A card would lose what hangs from it in the lane it was moved to."""


def check_stage_in_map(item) -> None:
    """A card or emotion card never points at a stage of another map."""
    if item.stage_id and item.journey_map_id and item.stage.journey_map_id != item.journey_map_id:
        raise CrossMapError(_("That stage belongs to another map."))


class Card(models.Model):
    """A sticky note in one cell of the board: a stage (column) and a lane (row), or in the
    map's unsorted area (no stage, lane UNSORTED) until it is sorted."""

    # Derived from the stage; kept on the row so a whole board loads without joins.
    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.CASCADE, related_name="cards", editable=False
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("stage"),
        on_delete=models.CASCADE,
        related_name="cards",
        null=True,
        blank=True,
    )
    lane = models.CharField(_("lane"), max_length=20, choices=Lane.choices)
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("text"), max_length=CARD_TEXT_MAX)
    # Touchpoints only.
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    channel_other = models.CharField(_("other channel"), max_length=60, blank=True)
    is_direct = models.BooleanField(
        _("run by us"), default=True, help_text=_("Direct touchpoint (ours) or a third party's.")
    )
    is_mot = models.BooleanField(_("moment of truth"), default=False)
    # Opportunities only: how the team prioritises them.
    votes = models.PositiveIntegerField(_("votes"), default=0)
    # The texts of duplicates merged into this card (maps/sorting.py), kept to be read.
    joined = models.JSONField(_("merged texts"), default=list, blank=True, editable=False)
    # Bumped on every edit: a save made on an older version is refused, not applied.
    version = models.PositiveIntegerField(default=1)
    updated_by_name = models.CharField(max_length=NAME_MAX, blank=True, editable=False)
    # Set by the browser's add form, so a retried request never creates the card twice.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Private writing: who alone sees this card until the reveal ("p<participant>" or
    # "u<user>", see workshops.access.author_key); empty once it is public.
    private_to = models.CharField(max_length=24, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["stage__position", "lane", "position", "id"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_mot=False) | Q(lane="touchpoint"),
                name="card_mot_only_on_touchpoints",
                violation_error_message=_("Only touchpoints can be moments of truth."),
            ),
            models.CheckConstraint(
                condition=Q(channel="") | Q(lane="touchpoint"),
                name="card_channel_only_on_touchpoints",
                violation_error_message=_("Only touchpoints have a channel."),
            ),
            models.CheckConstraint(
                condition=Q(stage__isnull=True, lane="unsorted")
                | Q(stage__isnull=False) & ~Q(lane="unsorted"),
                name="card_unsorted_has_no_stage",
                violation_error_message=_("A card has a stage and a lane, or neither."),
            ),
        ]
        indexes = [models.Index(fields=["stage", "lane", "position"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_touchpoint(self) -> bool:
        return self.lane == Lane.TOUCHPOINT

    @property
    def feeds_insights(self) -> bool:
        """Whether the curve panel's insights read this card: touchpoints, and strengths."""
        return self.lane in (Lane.TOUCHPOINT, Lane.STRENGTH)

    @property
    def takes_plans(self) -> bool:
        """New action plans hang from opportunities and from MOT touchpoints."""
        return self.lane == Lane.OPPORTUNITY or (self.is_touchpoint and self.is_mot)

    @property
    def channel_label(self) -> str:
        if self.channel == Channel.OTHER and self.channel_other:
            return self.channel_other
        return self.get_channel_display()

    def clean(self) -> None:
        super().clean()
        check_stage_in_map(self)

    def save(self, *args, **kwargs):
        # Guard every path (board, admin, commands): a card never sits in another map's stage.
        if self.stage_id and not self.journey_map_id:
            self.journey_map_id = self.stage.journey_map_id
        self.clean()
        if not self.is_touchpoint:
            self.is_mot = False
            self.channel = ""
        super().save(*args, **kwargs)

    def cell_ids(self, stage: Stage | None, lane: str) -> list[int]:
        """The other cards of a cell of this card's map, in order (`stage` None: the
        unsorted area)."""
        return list(
            Card.objects.filter(journey_map_id=self.journey_map_id, stage=stage, lane=lane)
            .exclude(pk=self.pk)
            .order_by("position", "id")
            .values_list("pk", flat=True)
        )

    def held_back_from(self, lane: str) -> list[str]:
        """What hangs from this card that a card of `lane` cannot hold, each part named and
        counted: a touchpoint with two emotion cards cannot silently become a thought."""
        if lane == self.lane:
            return []
        held = []
        if lane != Lane.TOUCHPOINT:
            if self.is_mot:
                held.append(gettext("its MOT flag"))
            feelings = EmotionCard.all_objects.filter(touchpoint=self)
            shown = feelings.filter(private_to="").count()
            if shown:
                words = ngettext("%(n)d emotion card", "%(n)d emotion cards", shown)
                held.append(words % {"n": shown})
            if feelings.exclude(private_to="").exists():
                # Private writing: they must not be lost, but their number is nobody's yet.
                held.append(gettext("emotion cards not revealed yet"))
            figures = getattr(self, "figures", None)
            if figures is not None and not figures.is_empty:
                held.append(gettext("the figures from the records"))
        if lane not in (Lane.TOUCHPOINT, Lane.OPPORTUNITY):
            plans = self.action_plans.count()
            if plans:
                words = ngettext("%(n)d action plan", "%(n)d action plans", plans)
                held.append(words % {"n": plans})
        if self.votes:
            held.append(ngettext("%(n)d dot", "%(n)d dots", self.votes) % {"n": self.votes})
        return held

    def lane_change_refusal(self, lane: str) -> str:
        """Why this card cannot move to `lane`, in words; empty when it can."""
        held = self.held_back_from(lane)
        if not held:
            return ""
        return gettext(
            "%(lane)s cannot hold what hangs from this card: %(held)s. Take that off first, "
            "or leave the card in its lane."
        ) % {"lane": self.journey_map.lane_name(lane), "held": ", ".join(held)}

    def move_to(self, stage: Stage | None, position: int, lane: str | None = None) -> None:
        """Move to `position` (clamped) in `stage` and `lane` (by default its own), or into
        the unsorted area (no stage, lane UNSORTED); both cells stay densely ordered. A new
        lane bumps the version: an editor open on the card was showing the old one's fields."""
        lane = lane or self.lane
        if (stage is None) != (lane == Lane.UNSORTED):
            raise ValidationError(_("A card has a stage and a lane, or neither."))
        if stage is not None and stage.journey_map_id != self.journey_map_id:
            raise CrossMapError(_("A card cannot move to a stage of another map."))
        refusal = self.lane_change_refusal(lane)
        if refusal:
            raise LaneChangeRefused(refusal)
        with transaction.atomic():
            old_stage, old_lane = self.stage, self.lane
            target = self.cell_ids(stage, lane)
            position = max(0, min(position, len(target)))
            target.insert(position, self.pk)
            if stage != old_stage or lane != old_lane:
                moved = {"stage": stage}
                if lane != old_lane:
                    self.version += 1
                    moved.update(lane=lane, version=self.version)
                    if lane != Lane.TOUCHPOINT:
                        moved["channel"] = self.channel = ""
                        figures = getattr(self, "figures", None)
                        if figures is not None:  # an empty row (a full one refused the move)
                            figures.delete()
                Card.objects.filter(pk=self.pk).update(**moved)
                # Emotion cards follow their touchpoint into the new stage.
                EmotionCard.all_objects.filter(touchpoint=self).update(stage=stage)
                renumber(Card, self.cell_ids(old_stage, old_lane))
            renumber(Card, target)
            self.stage, self.lane, self.position = stage, lane, position

    @classmethod
    def renumber_cell(cls, journey_map_id: int, stage_id: int | None, lane: str) -> None:
        ids = cls.objects.filter(journey_map_id=journey_map_id, stage_id=stage_id, lane=lane)
        renumber(cls, list(ids.order_by("position", "id").values_list("pk", flat=True)))

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            rest = self.cell_ids(self.stage, self.lane)
            result = super().delete(*args, **kwargs)
            renumber(Card, rest)
        return result


class EmotionCard(models.Model):
    """One participant's reading of how the persona feels, −2…+2."""

    SCORE_MIN, SCORE_MAX = -2, 2
    # Faces a plain text font (DejaVu Sans) also has: on paper they print as text, not as the
    # colour emoji font's pictures (a Type 3 font, blurred and unsearchable); 🙂 and 🙁 did.
    EMOJI = {-2: "😠", -1: "😟", 0: "😐", 1: "😊", 2: "😄"}

    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.CASCADE, related_name="emotion_cards", editable=False
    )
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="emotion_cards")
    touchpoint = models.ForeignKey(
        Card,
        verbose_name=_("touchpoint"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emotion_cards",
        limit_choices_to={"lane": Lane.TOUCHPOINT},
    )
    score = models.SmallIntegerField(_("score"))
    words = models.CharField(_("words"), max_length=200, blank=True)
    author_name = models.CharField(_("author"), max_length=NAME_MAX, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who felt it, as far as the author let it be known: the curve splits by these.
    author_role = models.CharField(_("role"), max_length=20, choices=WorkRole.choices, blank=True)
    author_company = models.CharField(_("company"), max_length=NAME_MAX, blank=True)
    # The scoring round it was written in; a later round's cards on the same touchpoint
    # (or stage) replace the earlier ones in the curve, which are kept to show the change.
    round = models.PositiveSmallIntegerField(_("scoring round"), default=1)
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    private_to = models.CharField(max_length=24, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PublicManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("emotion card")
        verbose_name_plural = _("emotion cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=-2) & Q(score__lte=2),
                name="emotion_score_between_minus2_and_2",
                violation_error_message=_("An emotion score is between −2 and +2."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} {self.score:+d} {self.words}".strip()

    @property
    def emoji(self) -> str:
        return self.EMOJI.get(self.score, "")

    def clean(self) -> None:
        super().clean()
        if self.touchpoint_id:
            if self.touchpoint.lane != Lane.TOUCHPOINT:
                raise ValidationError(_("Emotion cards attach to touchpoints only."))
            self.stage_id = self.touchpoint.stage_id
        check_stage_in_map(self)

    def save(self, *args, **kwargs):
        if self.touchpoint_id and not self.stage_id:
            self.stage_id = self.touchpoint.stage_id
        if self.stage_id and not self.journey_map_id:
            self.journey_map_id = self.stage.journey_map_id
        self.clean()
        super().save(*args, **kwargs)


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")

    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.CASCADE, related_name="action_plans", editable=False
    )
    # What the plan answers: an opportunity, or a MOT touchpoint itself (DOMAIN.md: plans for
    # the moments that decide the verdict). A touchpoint unflagged later keeps its plans.
    opportunity = models.ForeignKey(
        Card,
        verbose_name=_("opportunity or MOT"),
        on_delete=models.CASCADE,
        related_name="action_plans",
        limit_choices_to={"lane__in": [Lane.OPPORTUNITY, Lane.TOUCHPOINT]},
    )
    what = models.CharField(_("what"), max_length=CARD_TEXT_MAX)
    owner = models.CharField(_("owner"), max_length=NAME_MAX, blank=True)
    # Where reminders go, when a mail server is configured (optional).
    owner_email = models.EmailField(_("owner's e-mail"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.TODO
    )
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # What came of it, in words and optionally a number ("누적 문의 80건", 80).
    result = models.TextField(_("result"), max_length=1000, blank=True)
    result_number = models.DecimalField(
        _("result as a number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The owner's link (/p/<token>/): this plan alone, without an account; rotatable.
    owner_token = models.CharField(max_length=64, unique=True, null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def answers(self) -> str:
        """What the plan hangs from, as lists show it: the opportunity, or "★ MOT · …"."""
        card = self.opportunity
        return f"★ MOT · {card.text}" if card.is_touchpoint else card.text

    def clean(self) -> None:
        super().clean()
        if self.opportunity_id:
            if self.opportunity.lane not in (Lane.OPPORTUNITY, Lane.TOUCHPOINT):
                raise ValidationError(_("Action plans come from opportunities or MOTs."))
            if self.journey_map_id and self.opportunity.journey_map_id != self.journey_map_id:
                raise CrossMapError(_("That opportunity belongs to another map."))

    def save(self, *args, **kwargs):
        if self.opportunity_id and not self.journey_map_id:
            self.journey_map_id = self.opportunity.journey_map_id
        self.clean()
        super().save(*args, **kwargs)

    @property
    def is_complete(self) -> bool:
        """A plan says who and by when: without both it is marked on every page."""
        return bool(self.owner and self.due_date)

    def is_overdue(self, today) -> bool:
        return (
            self.status != self.Status.DONE and self.due_date is not None and self.due_date < today
        )

    def new_owner_token(self) -> str:
        """A new owner's link: 192 random bits; the old link stops working at once."""
        self.owner_token = secrets.token_urlsafe(24)
        self.save(update_fields=["owner_token", "updated_at"])
        return self.owner_token
