"""The people in a workshop without an account, the dots they put on cards, and the slips
they may take back."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maps.models import NAME_MAX, Card, JourneyMap, WorkRole
from workshops.models.workshop import Team, Workshop

# A participant's board re-reads itself about every 50 s (static/js/live.js), a hidden tab at
# least once a minute: seen within this many seconds is "online now".
ONLINE_WITHIN = 150
SEEN_EVERY = 45


class Participant(models.Model):
    """Someone in the room without an account: known by the session of their browser."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, related_name="participants"
    )
    display_name = models.CharField(_("your name"), max_length=NAME_MAX)
    organisation = models.CharField(_("company or department"), max_length=NAME_MAX, blank=True)
    # What they do at work, if they say: the curve can be split by it (maps/perspectives.py).
    role = models.CharField(_("your role"), max_length=20, choices=WorkRole.choices, blank=True)
    # "다 했어요" for the agenda step of this index: a new step makes everyone not ready.
    ready_step = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When their board last asked the server anything (it re-reads itself every ~50 s while
    # open): the console's "online now". Bookkeeping like a last login, not an edit of the room.
    seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.display_name

    @property
    def label(self) -> str:
        if self.organisation:
            return f"{self.display_name} ({self.organisation})"
        return self.display_name

    def seen(self) -> None:
        """Their board is open now; written at most every SEEN_EVERY seconds."""
        now = timezone.now()
        if self.seen_at is None or (now - self.seen_at).total_seconds() > SEEN_EVERY:
            Participant.objects.filter(pk=self.pk).update(seen_at=now)
            self.seen_at = now

    @property
    def is_online(self) -> bool:
        return self.seen_at is not None and (timezone.now() - self.seen_at).total_seconds() < (
            ONLINE_WITHIN
        )


class Dot(models.Model):
    """One dot a voter put on a card in one round of dot voting. A voter's dots are numbered
    1..N (`slot`): the unique constraint makes an (N+1)th dot impossible even when two
    requests race."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="dots")
    round = models.PositiveIntegerField()
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="dots")
    voter = models.CharField(max_length=24)
    slot = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "round", "voter", "slot"], name="one_dot_per_slot"
            )
        ]


class Undo(models.Model):
    """How to take back one person's delete, move or merge of cards, for a short while
    (workshops/undo.py): the rows it changed, as they were before."""

    journey_map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="+")
    author_key = models.CharField(max_length=24)  # as Dot.voter: "p<participant>", "u<user>"
    label = models.CharField(max_length=200)
    # Django's serializers' JSON of the rows, in the order they are saved back.
    rows = models.TextField()
    # Card id → (version, stage, lane) just after the action: a card changed since by someone
    # else is not put back over their change.
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
