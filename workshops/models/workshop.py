"""A workshop: one facilitator, several teams with a map each, people who join without an
account, and an agenda whose clock the server keeps (DOMAIN.md, "The workshop format")."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maps import importing
from maps.models import (
    BACKSTAGE_LANES,
    CATALOGUE_LANES,
    CUSTOM_LANES,
    NAME_MAX,
    Card,
    EmotionCard,
    JourneyMap,
    Lane,
)

# Read aloud in a room: no 0/O and no 1/I, which people confuse.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
# Join links and codes stop working this many days after the workshop's date.
JOIN_DAYS = 3
# People in one workshop at once: a room of 40 is large; this keeps one link from flooding it.
MAX_PARTICIPANTS = 200


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What people type: lower case, spaces and dashes are fine."""
    return "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())[: CODE_LENGTH * 2]


class Area(models.TextChoices):
    """What a participant can write to; each agenda step opens some of them."""

    SETUP = "setup", _("Topic, persona, scenario, start and end points")
    STAGES = "stages", _("Stages")
    ACTION = "action", _("Customer actions")
    TOUCHPOINT = "touchpoint", _("Touchpoints and MOTs")
    # Flagging MOTs (not writing touchpoints): open while the team reads its map and plans too.
    MOT = "mot", _("MOT selection")
    EMOTION = "emotion", _("Emotion cards")
    THOUGHT = "thought", _("Thoughts")
    PAIN_POINT = "pain_point", _("Pain points")
    OPPORTUNITY = "opportunity", _("Opportunities")
    PLAN = "plan", _("Action plans")
    BACKSTAGE = "backstage", _("Blueprint lanes (evidence, backstage)")
    MORE_LANES = "more_lanes", _("Added lanes (goals, strengths…)")

    @classmethod
    def for_lane(cls, lane: str) -> Area:
        if lane in (*BACKSTAGE_LANES, Lane.PHYSICAL):
            return cls.BACKSTAGE
        more = (*CATALOGUE_LANES, *CUSTOM_LANES, Lane.OUTSIDE)
        return cls.MORE_LANES if lane in more else cls(lane)

    @classmethod
    def opening(cls, lane: str) -> list[Area]:
        """The areas any of which opens `lane`; the unsorted area opens with any lane of cards."""
        if lane == Lane.UNSORTED:
            skip = (cls.SETUP, cls.STAGES, cls.MOT, cls.EMOTION, cls.PLAN)
            return [area for area in cls if area not in skip]
        return [cls.for_lane(lane)]


class Workshop(models.Model):
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), default=datetime.date.today)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    join_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    join_code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    view_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The calendar of the workshop's action plans (/cal/<token>.ics), made when first asked for.
    calendar_token = models.CharField(max_length=64, unique=True, null=True, editable=False)
    locked = models.BooleanField(_("board locked"), default=False)
    # Participants may read (not change) the other teams' maps while the gallery is open.
    gallery_open = models.BooleanField(_("gallery open"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The agenda clock. Running: it ends at `clock_ends_at`. Paused: `clock_left` seconds are
    # left. Both are rows, so a restarted server shows the same time.
    step_index = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    clock_running = models.BooleanField(default=False, editable=False)
    clock_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    clock_left = models.IntegerField(default=0, editable=False)
    # Private writing: new cards in these areas are seen by their author alone until
    # `reveal()`, so nobody anchors on the first emotion card they see.
    private_areas = models.JSONField(default=list, blank=True, editable=False)
    # Anonymous private writing: emotion cards written privately now keep no name, ever.
    private_anonymous = models.BooleanField(default=False, editable=False)
    # Dot voting on one lane (touchpoints or opportunities). Each vote is a new round, so
    # earlier rounds' dots stay on record without counting.
    vote_lane = models.CharField(max_length=20, blank=True, editable=False)
    vote_dots = models.PositiveSmallIntegerField(default=3, editable=False)
    vote_open = models.BooleanField(default=False, editable=False)
    vote_round = models.PositiveIntegerField(default=0, editable=False)
    # Felt by whom (docs/touchpoint-data.md): the round every team's map scores in, and two
    # choices of the facilitator.
    scoring_round = models.PositiveSmallIntegerField(default=1, editable=False)
    anonymous_keeps_role = models.BooleanField(
        _("cards written without a name keep the author's role"), default=False
    )
    show_room_mean = models.BooleanField(
        _("each team sees its stages against the room's mean"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:console", args=[self.pk])

    @classmethod
    def create(
        cls,
        *,
        title: str,
        date,
        teams: list[str],
        preset: str,
        facilitator,
        agenda: list[dict] | None = None,
        source: dict | None = None,
        map_type: str = "",
        continues: int | None = None,
    ) -> Workshop:
        """A workshop with one map per team and the steps of `agenda` (workshops/agenda.py;
        the built-in default if none). Each map has the stages of `preset`, or is a copy of
        `source` (a map export: another map or an example, with or without its cards);
        `continues`: the map they carry on, whose open plans they show as last time's."""
        from workshops import agenda as agendas  # it names the areas defined here

        with transaction.atomic():
            workshop = cls.objects.create(title=title, date=date, facilitator=facilitator)
            for position, name in enumerate(teams):
                team = workshop.add_team(
                    name, preset=preset, position=position, source=source, map_type=map_type
                )
                if continues is not None:
                    JourneyMap.objects.filter(pk=team.journey_map_id).update(continues=continues)
            steps = agenda if agenda is not None else agendas.built_in(agendas.DEFAULT)
            AgendaStep.objects.bulk_create(
                AgendaStep(workshop=workshop, position=i, **step) for i, step in enumerate(steps)
            )
        return workshop

    def add_team(
        self,
        name: str,
        *,
        preset: str = "funnel",
        position: int = 0,
        source: dict | None = None,
        map_type: str = "",
    ) -> Team:
        title = f"{self.title} · {name}"
        if source is not None:
            data = {**source, "map": {**source["map"], "title": title}}
            if map_type:
                data["map"]["map_type"] = map_type
            journey_map = importing.check(data).save(user=self.facilitator)
        else:
            journey_map = JourneyMap.objects.create_from_preset(
                title=title,
                preset=preset,
                created_by=self.facilitator,
                map_type=map_type or "current",
            )
        return Team.objects.create(
            workshop=self, name=name, position=position, journey_map=journey_map
        )

    # Joining -------------------------------------------------------------------------------

    @property
    def join_expires_on(self) -> datetime.date:
        return self.date + datetime.timedelta(days=JOIN_DAYS)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def can_join(self) -> bool:
        return not self.is_closed and timezone.localdate() <= self.join_expires_on

    def rotate_join(self) -> None:
        """New link and code: the old ones stop working; people already in stay in."""
        self.join_token, self.join_code = new_token(), new_code()
        self.save(update_fields=["join_token", "join_code"])

    def rotate_view(self) -> None:
        """A new read-only link: whoever opened the old one loses access (sockets too)."""
        self.view_token = new_token()
        self.save(update_fields=["view_token"])

    def calendar(self, *, rotate: bool = False) -> str:
        """The calendar feed's token; `rotate` replaces it (subscribed calendars stop)."""
        if rotate or not self.calendar_token:
            self.calendar_token = new_token()
            self.save(update_fields=["calendar_token"])
        return self.calendar_token

    @property
    def code_display(self) -> str:
        return f"{self.join_code[:3]} {self.join_code[3:]}"

    # Agenda clock --------------------------------------------------------------------------

    @property
    def step(self) -> AgendaStep | None:
        if self.step_index is None:
            return None
        steps = self.steps.all()  # prefetched by the views that show it
        return next((s for s in steps if s.position == self.step_index), None)

    def seconds_left(self, now: datetime.datetime | None = None) -> int:
        """Negative once the timebox is over (the clock then counts the overrun)."""
        if not self.clock_running:
            return self.clock_left
        return int((self.clock_ends_at - (now or timezone.now())).total_seconds())

    def go_to_step(self, index: int) -> None:
        step = self.steps.get(position=index)
        self.step_index = index
        self._set_clock(step.minutes * 60, running=True)

    def start(self) -> None:
        self.go_to_step(0 if self.step_index is None else self.step_index)

    def pause(self) -> None:
        if self.clock_running:
            self._set_clock(self.seconds_left(), running=False)

    def resume(self) -> None:
        if not self.clock_running and self.step_index is not None:
            self._set_clock(self.clock_left, running=True)

    def extend(self, minutes: int) -> None:
        if self.step_index is not None:
            self._set_clock(max(self.seconds_left(), 0) + minutes * 60, running=self.clock_running)

    def _set_clock(self, seconds: int, *, running: bool) -> None:
        self.clock_running = running
        self.clock_left = seconds
        self.clock_ends_at = timezone.now() + datetime.timedelta(seconds=seconds)
        self.save(update_fields=["step_index", "clock_running", "clock_left", "clock_ends_at"])

    # What may be written -------------------------------------------------------------------

    def open_areas(self) -> list[str]:
        """Before the agenda starts everything is open; then the current step decides."""
        step = self.step
        return sorted(Area.values if step is None else step.areas)

    def step_opening(self, area: str) -> AgendaStep | None:
        """The next step (or failing that, an earlier one) that opens `area`."""
        steps = list(self.steps.all())
        current = self.step_index or 0
        later = [s for s in steps if s.position > current and area in s.areas]
        earlier = [s for s in steps if s.position <= current and area in s.areas]
        return (later or earlier or [None])[0]

    # Private writing ------------------------------------------------------------------------

    def start_private_writing(self, areas: list[str], *, anonymous: bool = False) -> None:
        self.private_areas = sorted(set(areas))
        self.private_anonymous = anonymous
        self.save(update_fields=["private_areas", "private_anonymous"])

    def private_labels(self) -> list[str]:
        return [Area(a).label for a in self.private_areas if a in Area.values]

    def reveal(self) -> None:
        """Every private card becomes everyone's at once, and private writing ends."""
        with transaction.atomic():
            in_workshop = {"journey_map__team__workshop": self}
            hidden = Card.all_objects.filter(**in_workshop).exclude(private_to="")
            cells = set(hidden.values_list("journey_map_id", "stage_id", "lane"))
            hidden.update(private_to="")
            EmotionCard.all_objects.filter(**in_workshop).exclude(private_to="").update(
                private_to=""
            )
            # Positions were given while the cards were out of sight: order each cell again.
            for cell in cells:
                Card.renumber_cell(*cell)
            self.private_areas, self.private_anonymous = [], False
            self.save(update_fields=["private_areas", "private_anonymous"])

    # Dot voting ----------------------------------------------------------------------------

    def open_vote(self, lane: str, dots: int) -> None:
        """A new round on `lane`: its cards' counts start again from zero."""
        with transaction.atomic():
            self.vote_lane, self.vote_dots, self.vote_open = lane, dots, True
            self.vote_round += 1
            self.save(update_fields=["vote_lane", "vote_dots", "vote_open", "vote_round"])
            Card.objects.filter(journey_map__team__workshop=self, lane=lane).update(votes=0)

    def close_vote(self) -> None:
        self.vote_open = False
        self.save(update_fields=["vote_open"])

    @property
    def vote_lane_label(self) -> str:
        return Lane(self.vote_lane).label if self.vote_lane else ""

    def dots_used(self, voter: str) -> int:
        return self.dots.filter(round=self.vote_round, voter=voter).count()


class AgendaStep(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("step"), max_length=100)
    instructions = models.TextField(_("instructions"), max_length=1000, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=20)
    areas = models.JSONField(_("open for writing"), default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("agenda step")
        verbose_name_plural = _("agenda steps")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def number(self) -> int:
        return self.position + 1

    def area_labels(self) -> list[str]:
        return [Area(a).label for a in self.areas if a in Area.values]


class AgendaTemplate(models.Model):
    """An agenda a facilitator saved from a workshop's console, to start others with."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    steps = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agenda template")
        verbose_name_plural = _("agenda templates")

    def __str__(self) -> str:
        return self.name

    @property
    def minutes(self) -> int:
        return sum(step["minutes"] for step in self.steps)


class Team(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team"), max_length=NAME_MAX)
    position = models.PositiveSmallIntegerField(default=0)
    journey_map = models.OneToOneField(JourneyMap, on_delete=models.CASCADE, related_name="team")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    @property
    def heading(self) -> str:
        """The team as a map's cover names it: 팀 A · 워크숍 (2026-12-02)."""
        return f"{self.name} · {self.workshop.title} ({self.workshop.date:%Y-%m-%d})"
