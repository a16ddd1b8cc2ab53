"""The customer journey map: persona, map, stages, cards, emotion cards, action plans.

Every term follows ../shared/DOMAIN.md. Ordering rules (dense positions) and the rule that
nothing points across maps live here, so the board, the admin and management commands
all go through them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Avg, Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maps import presets

CARD_TEXT_MAX = 500
NAME_MAX = 100
# What one map may hold. Far above a real workshop (a busy one: ~300 cards), low enough that
# one person cannot make every screen in the room slow: the board, the import, the PDF.
MAX_STAGES, MAX_CARDS, MAX_EMOTION_CARDS = 30, 2000, 5000


class Persona(models.Model):
    """The customer a map follows. One persona can serve several maps."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    profile = models.TextField(
        _("profile"), max_length=1000, blank=True, help_text=_("Age, job, situation.")
    )
    goals = models.TextField(_("goals"), max_length=1000, blank=True)
    needs = models.TextField(_("needs"), max_length=1000, blank=True)
    frustrations = models.TextField(_("frustrations"), max_length=1000, blank=True)
    quote = models.CharField(_("quote"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("persona")
        verbose_name_plural = _("personas")

    def __str__(self) -> str:
        return self.name


class MapType(models.TextChoices):
    CURRENT = "current", _("Current state")
    FUTURE = "future", _("Future state")
    DAY_IN_LIFE = "day_in_life", _("Day in the life")
    BLUEPRINT = "blueprint", _("Service blueprint")


class Lane(models.TextChoices):
    ACTION = "action", _("Customer actions")
    TOUCHPOINT = "touchpoint", _("Touchpoints")
    THOUGHT = "thought", _("Thoughts")
    PAIN_POINT = "pain_point", _("Pain points")
    OPPORTUNITY = "opportunity", _("Opportunities")
    # Backstage lanes, only on service-blueprint maps.
    STAFF = "staff", _("Staff actions")
    SYSTEM = "system", _("Systems")
    POLICY = "policy", _("Policies")


FRONT_LANES = [Lane.ACTION, Lane.TOUCHPOINT, Lane.THOUGHT, Lane.PAIN_POINT, Lane.OPPORTUNITY]
BACKSTAGE_LANES = [Lane.STAFF, Lane.SYSTEM, Lane.POLICY]


class Channel(models.TextChoices):
    AD = "ad", _("Advertising")
    SOCIAL = "social", _("Social media")
    WEBSITE = "website", _("Website")
    APP = "app", _("App")
    EMAIL = "email", _("E-mail")
    STORE = "store", _("Store")
    CALL_CENTRE = "call_centre", _("Call centre")
    CHAT = "chat", _("Chat")
    DELIVERY = "delivery", _("Delivery")
    REVIEW_SITE = "review_site", _("Review site")
    WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class JourneyMapQuerySet(models.QuerySet):
    def create_from_preset(self, *, title: str, preset: str = "blank", **fields) -> JourneyMap:
        """A new map with the stages of one of the presets of DOMAIN.md (or none)."""
        with transaction.atomic():
            journey_map = self.create(title=title, **fields)
            Stage.objects.bulk_create(
                Stage(journey_map=journey_map, name=str(name), position=i)
                for i, name in enumerate(presets.stage_names(preset))
            )
        return journey_map


def new_view_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


class JourneyMap(models.Model):
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(
        _("topic"), max_length=300, blank=True, help_text=_("The business problem or team goal.")
    )
    map_type = models.CharField(
        _("map type"), max_length=20, choices=MapType.choices, default=MapType.CURRENT
    )
    persona = models.ForeignKey(
        Persona,
        verbose_name=_("persona"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journey_maps",
    )
    situation = models.TextField(
        _("scenario"), max_length=1000, blank=True, help_text=_("The situation the persona is in.")
    )
    expectations = models.TextField(_("expectations"), max_length=1000, blank=True)
    start_point = models.CharField(_("start point"), max_length=300, blank=True)
    end_point = models.CharField(_("end point"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped in the transaction of every change; pushes carry it so clients notice a gap.
    seq = models.PositiveBigIntegerField(default=0, editable=False)
    # The read-only link of this one map (/v/m/<token>/), for a manager who needs no more.
    view_token = models.CharField(
        max_length=64, unique=True, null=True, default=new_view_token, editable=False
    )

    objects = JourneyMapQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("journey map")
        verbose_name_plural = _("journey maps")

    def __str__(self) -> str:
        return self.title

    def bump(self) -> int:
        """Count one more change of this map (inside the change's transaction); the new seq."""
        JourneyMap.objects.filter(pk=self.pk).update(seq=F("seq") + 1, updated_at=timezone.now())
        self.seq = JourneyMap.objects.values_list("seq", flat=True).get(pk=self.pk)
        return self.seq

    def hidden_backstage_cards(self, map_type: str) -> int:
        """How many cards would drop out of sight if the map became `map_type`."""
        if map_type == MapType.BLUEPRINT:
            return 0
        return self.cards.filter(lane__in=BACKSTAGE_LANES).count()

    @property
    def lanes(self) -> list[Lane]:
        if self.map_type == MapType.BLUEPRINT:
            return FRONT_LANES + BACKSTAGE_LANES
        return list(FRONT_LANES)

    def room_for(self, model, limit: int) -> bool:
        """Whether one more row of `model` (private ones counted) fits under `limit`."""
        manager = getattr(model, "all_objects", model.objects)
        return manager.filter(journey_map=self).count() < limit

    def ranked(self, lane: str) -> list:
        """The lane's cards by dots (most first), then in board order: a vote's result."""
        return list(
            self.cards.filter(lane=lane)
            .select_related("stage")
            .order_by("-votes", "stage__position", "position", "id")
        )

    def add_stage(self, name: str, *, position: int | None = None) -> Stage:
        with transaction.atomic():
            ids = list(self.stages.values_list("id", flat=True))
            stage = Stage.objects.create(journey_map=self, name=name, position=len(ids))
            if position is not None:
                stage.move_to(position)
        return stage


class PublicManager(models.Manager):
    """What everyone sees. Cards written during private writing belong to their author alone
    until the facilitator reveals them (workshops); `all_objects` includes them. Being the
    default manager, this also filters `journey_map.cards`, the exports and the admin."""

    def get_queryset(self):
        return super().get_queryset().filter(private_to="")


# Joins through a relation do not go through its manager: aggregates filter by hand.
PUBLIC_EMOTIONS = Q(emotion_cards__private_to="")


class StageQuerySet(models.QuerySet):
    def with_emotion_summary(self) -> StageQuerySet:
        """Count, mean, min and max of each stage's emotion cards, in the same query.
        Ordered explicitly: Django leaves Meta.ordering out of queries that group rows."""
        return self.order_by("position", "id").annotate(
            emotion_count=Count("emotion_cards", filter=PUBLIC_EMOTIONS),
            emotion_mean=Avg("emotion_cards__score", filter=PUBLIC_EMOTIONS),
            emotion_min=Min("emotion_cards__score", filter=PUBLIC_EMOTIONS),
            emotion_max=Max("emotion_cards__score", filter=PUBLIC_EMOTIONS),
        )


class Stage(models.Model):
    journey_map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("stage name"), max_length=60)
    position = models.PositiveIntegerField(default=0)

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return self.name

    def move_to(self, position: int) -> None:
        """Put this stage at `position` (clamped) and renumber the map's stages densely."""
        with transaction.atomic():
            ids = [i for i in self.journey_map.stages.values_list("id", flat=True) if i != self.pk]
            position = max(0, min(position, len(ids)))
            ids.insert(position, self.pk)
            _renumber(Stage, ids)
            self.position = position

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            journey_map = self.journey_map
            result = super().delete(*args, **kwargs)
            _renumber(Stage, list(journey_map.stages.values_list("id", flat=True)))
        return result


def _renumber(model: type[models.Model], ids: list[int]) -> None:
    """Give the rows of `ids` the positions 0..n-1 in that order, touching only changed ones."""
    current = dict(model.objects.filter(pk__in=ids).values_list("pk", "position"))
    changed = [model(pk=pk, position=i) for i, pk in enumerate(ids) if current.get(pk) != i]
    if changed:
        model.objects.bulk_update(changed, ["position"])


class CrossMapError(ValidationError):
    pass


def check_stage_in_map(item) -> None:
    """A card or emotion card never points at a stage of another map."""
    if item.stage_id and item.journey_map_id and item.stage.journey_map_id != item.journey_map_id:
        raise CrossMapError(_("That stage belongs to another map."))


class Card(models.Model):
    """A sticky note in one cell of the board: a stage (column) and a lane (row)."""

    # Derived from the stage; kept on the row so a whole board loads without joins.
    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.CASCADE, related_name="cards", editable=False
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="cards"
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
        ]
        indexes = [models.Index(fields=["stage", "lane", "position"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_touchpoint(self) -> bool:
        return self.lane == Lane.TOUCHPOINT

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

    def cell_ids(self, stage: Stage | None = None, lane: str | None = None) -> list[int]:
        return list(
            Card.objects.filter(stage=stage or self.stage, lane=lane or self.lane)
            .exclude(pk=self.pk)
            .order_by("position", "id")
            .values_list("pk", flat=True)
        )

    def move_to(self, stage: Stage, position: int) -> None:
        """Move to `position` (clamped) in `stage`, same lane; both cells stay densely ordered."""
        if stage.journey_map_id != self.journey_map_id:
            raise CrossMapError(_("A card cannot move to a stage of another map."))
        with transaction.atomic():
            old_stage = self.stage
            target = self.cell_ids(stage)
            position = max(0, min(position, len(target)))
            target.insert(position, self.pk)
            if stage.pk != old_stage.pk:
                Card.objects.filter(pk=self.pk).update(stage=stage)
                # Emotion cards follow their touchpoint into the new stage.
                EmotionCard.all_objects.filter(touchpoint=self).update(stage=stage)
                _renumber(Card, self.cell_ids(old_stage))
            _renumber(Card, target)
            self.stage = stage
            self.position = position

    @classmethod
    def renumber_cell(cls, stage_id: int, lane: str) -> None:
        ids = cls.objects.filter(stage_id=stage_id, lane=lane).order_by("position", "id")
        _renumber(cls, list(ids.values_list("pk", flat=True)))

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            rest = self.cell_ids()
            result = super().delete(*args, **kwargs)
            _renumber(Card, rest)
        return result


class EmotionCard(models.Model):
    """One participant's reading of how the persona feels, −2…+2."""

    SCORE_MIN, SCORE_MAX = -2, 2
    EMOJI = {-2: "😠", -1: "🙁", 0: "😐", 1: "🙂", 2: "😄"}

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
    opportunity = models.ForeignKey(
        Card,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="action_plans",
        limit_choices_to={"lane": Lane.OPPORTUNITY},
    )
    what = models.CharField(_("what"), max_length=CARD_TEXT_MAX)
    owner = models.CharField(_("owner"), max_length=NAME_MAX, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.TODO
    )
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.what[:60]

    def clean(self) -> None:
        super().clean()
        if self.opportunity_id:
            if self.opportunity.lane != Lane.OPPORTUNITY:
                raise ValidationError(_("Action plans come from opportunities."))
            if self.journey_map_id and self.opportunity.journey_map_id != self.journey_map_id:
                raise CrossMapError(_("That opportunity belongs to another map."))

    def save(self, *args, **kwargs):
        if self.opportunity_id and not self.journey_map_id:
            self.journey_map_id = self.opportunity.journey_map_id
        self.clean()
        super().save(*args, **kwargs)


class MapVersion(models.Model):
    """A frozen copy of a map with its date: teams revisit a map twice a year and want to see
    what moved. It holds the map's JSON export (maps/portable.py), so it needs no copies of
    the rows and survives any later edit or deletion of the cards."""

    journey_map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("label"), max_length=100, blank=True)
    data = models.JSONField(editable=False)
    created_by_name = models.CharField(max_length=NAME_MAX, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved version")
        verbose_name_plural = _("saved versions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        when = timezone.localtime(self.created_at).strftime("%Y-%m-%d") if self.created_at else ""
        return f"{self.label} ({when})" if self.label else when
