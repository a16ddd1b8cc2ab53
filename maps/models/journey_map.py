"""A map, its persona, its stages and its saved versions."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Avg, Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maps import presets
from maps.models.choices import (
    BACKSTAGE_LANES,
    FRONT_LANES,
    LANE_ORDER,
    NAME_MAX,
    TYPE_LANES,
    Lane,
    MapType,
)


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
    # Lanes added from the catalogue (choices.CATALOGUE_LANES); the board places them.
    extra_lanes = models.JSONField(_("added lanes"), default=list, blank=True)
    # Lanes the map names itself: {"custom1": "경쟁사 비교", …} (choices.CUSTOM_LANES).
    custom_lanes = models.JSONField(_("own lanes"), default=dict, blank=True)
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
    # The map this one carries on (a workshop started from it): its open plans show here as
    # last time's, the same rows, so their owners go on updating them where they are.
    continues = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="continued_by",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Maps are revisited at least twice a year: the next review is six months after the last
    # (or after the map was made) unless someone set a date.
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True, editable=False)
    review_on = models.DateField(
        _("next review"),
        null=True,
        blank=True,
        help_text=_("Empty: six months after the last review."),
    )
    # Emotion cards written now belong to this round (a facilitator opens the next one).
    scoring_round = models.PositiveSmallIntegerField(_("scoring round"), default=1, editable=False)
    # Opportunity scores are being given privately (a workshop's scoring activity): the
    # board shows how many scored, not the means, until they are revealed.
    scores_hidden = models.BooleanField(default=False, editable=False)
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

    def get_absolute_url(self) -> str:
        return reverse("maps:board", args=[self.pk])

    def bump(self) -> int:
        """Count one more change of this map (inside the change's transaction); the new seq.
        One statement that also reads the new value (RETURNING: PostgreSQL, SQLite ≥ 3.35):
        every edit of every map runs it."""
        table = connection.ops.quote_name(JourneyMap._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET seq = seq + 1, updated_at = %s WHERE id = %s RETURNING seq",
                [timezone.now(), self.pk],
            )
            self.seq = cursor.fetchone()[0]
        return self.seq

    REVIEW_EVERY = datetime.timedelta(days=182)

    @property
    def next_review(self) -> datetime.date:
        if self.review_on:
            return self.review_on
        since = self.reviewed_on or timezone.localdate(self.created_at)
        return since + self.REVIEW_EVERY

    def due_for_review(self, today: datetime.date) -> bool:
        return self.next_review <= today

    def lanes_of_type(self, map_type: str) -> list[Lane]:
        """The lanes a map type brings: a blueprint's evidence and backstage lanes, a day in
        the life's lane for what happens outside the business."""
        backstage = BACKSTAGE_LANES if map_type == MapType.BLUEPRINT else []
        return [*TYPE_LANES.get(map_type, []), *backstage]

    def hidden_by_type(self, map_type: str) -> tuple[int, list[Lane]]:
        """How many cards would drop out of sight if the map became `map_type`, and from
        which lanes."""
        kept = self.lanes_of_type(map_type)
        lost = [lane for lane in self.lanes_of_type(self.map_type) if lane not in kept]
        return (self.cards.filter(lane__in=lost).count() if lost else 0), lost

    @property
    def lanes(self) -> list[Lane]:
        """The rows of this map's board: the usual five, those it added from the catalogue
        in their places, and a blueprint's backstage lanes."""
        own = {*FRONT_LANES, *self.extra_lanes, *self.custom_lanes}
        own.update(TYPE_LANES.get(self.map_type, []))
        front = [lane for lane in LANE_ORDER if lane in own]
        return front + BACKSTAGE_LANES if self.map_type == MapType.BLUEPRINT else front

    def lane_name(self, lane: str) -> str:
        """A lane as this map calls it: its own name for an own lane."""
        return self.custom_lanes.get(lane) or str(Lane(lane).label)

    def cards_in_lanes(self, lanes) -> int:
        """How many cards (private ones too) sit in `lanes`: turning them off hides that many."""
        return self.cards.model.all_objects.filter(journey_map=self, lane__in=lanes).count()

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
            renumber(Stage, ids)
            self.position = position

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            journey_map = self.journey_map
            result = super().delete(*args, **kwargs)
            renumber(Stage, list(journey_map.stages.values_list("id", flat=True)))
        return result


def renumber(model: type[models.Model], ids: list[int]) -> None:
    """Give the rows of `ids` the positions 0..n-1 in that order, touching only changed ones."""
    current = dict(model.objects.filter(pk__in=ids).values_list("pk", "position"))
    changed = [model(pk=pk, position=i) for i, pk in enumerate(ids) if current.get(pk) != i]
    if changed:
        model.objects.bulk_update(changed, ["position"])


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
