"""What the facilitator sees of every team at a glance: who is in it, how far its map got and
what still needs attention. A fixed number of queries, however many teams and cards."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane, OpportunityScore, Stage
from workshops.models import Area, Participant, Team, Workshop


@dataclass
class TeamStatus:
    team: Team
    members: list[Participant] = field(default_factory=list)
    lane_counts: list[tuple[str, int]] = field(default_factory=list)
    emotions: int | None = 0
    attention: list[str] = field(default_factory=list)
    # Private writing: cards waiting for the reveal. Dot voting: the most dotted cards.
    hidden: int = 0
    top: list[Card] = field(default_factory=list)
    # What the step running now asks for: the setup checklist (label, done) in a step that
    # opens the setup, plan counts in one that opens plans; lane counts of the open lanes.
    checklist: list[tuple[str, bool]] = field(default_factory=list)
    plans: int | None = 0
    plans_incomplete: int = 0
    # Opportunity scoring: how many people scored, and how many opportunities.
    scorers: int = 0
    scored: int = 0

    @property
    def last_activity(self):
        return self.team.journey_map.updated_at


def team_statuses(workshop: Workshop) -> list[TeamStatus]:
    teams = list(workshop.teams.select_related("journey_map__persona"))
    step = workshop.step
    # A step that opens nothing (sharing) reads the whole map again.
    focus = set(step.areas if step else ()) or set(Area.values)
    map_ids = [team.journey_map_id for team in teams]
    members = defaultdict(list)
    people = list(workshop.participants.filter(removed_at=None).order_by("joined_at", "id"))
    names = Counter(p.display_name for p in people)
    for participant in people:
        # The same name twice: each says when it joined, so the right one can be removed.
        participant.same_name = names[participant.display_name] > 1
        members[participant.team_id].append(participant)
    stage_counts = _count_by_map(Stage.objects.filter(journey_map__in=map_ids))
    plan_counts = _count_by_map(ActionPlan.objects.filter(journey_map__in=map_ids))
    lanes = Counter()
    for row in (
        Card.objects.filter(journey_map__in=map_ids)
        .values("journey_map", "lane")
        .annotate(n=Count("id"))
    ):
        lanes[row["journey_map"], row["lane"]] = row["n"]
    emotions = dict(
        EmotionCard.objects.filter(journey_map__in=map_ids)
        .values_list("journey_map")
        .annotate(n=Count("id"))
    )
    bare_stages = Counter(
        map_id
        for map_id, touchpoints in Stage.objects.filter(journey_map__in=map_ids)
        .annotate(touchpoints=Count("cards", filter=Q(cards__lane=Lane.TOUCHPOINT)))
        .values_list("journey_map", "touchpoints")
        if touchpoints == 0
    )
    silent_touchpoints = _count_by_map(
        Card.objects.filter(journey_map__in=map_ids, lane=Lane.TOUCHPOINT, emotion_cards=None)
    )
    unplanned = _count_by_map(
        Card.objects.filter(journey_map__in=map_ids, lane=Lane.OPPORTUNITY, action_plans=None)
    )
    vague_plans = _count_by_map(
        ActionPlan.objects.filter(journey_map__in=map_ids).filter(Q(owner="") | Q(due_date=None))
    )
    hidden = Counter()
    if workshop.private_areas:
        for model in (Card, EmotionCard):
            hidden.update(
                _count_by_map(
                    model.all_objects.filter(journey_map__in=map_ids).exclude(private_to="")
                )
            )
    top = defaultdict(list)
    if workshop.vote_lane:
        for card in Card.objects.filter(
            journey_map__in=map_ids, lane=workshop.vote_lane, votes__gt=0
        ).order_by("-votes", "id"):
            top[card.journey_map_id].append(card)
    scoring = {
        row["journey_map"]: row
        for row in OpportunityScore.objects.filter(journey_map__in=map_ids)
        .values("journey_map")
        .annotate(people=Count("scorer", distinct=True), cards=Count("card", distinct=True))
    }
    statuses = []
    for team in teams:
        map_id = team.journey_map_id
        journey_map = team.journey_map
        open_lanes = [lane for lane in journey_map.lanes if Area.for_lane(lane) in focus]
        status = TeamStatus(
            team=team,
            members=members[team.pk],
            lane_counts=[(journey_map.lane_name(lane), lanes[map_id, lane]) for lane in open_lanes],
            emotions=emotions.get(map_id, 0) if Area.EMOTION in focus else None,
            hidden=hidden[map_id],
            top=top[map_id][:3],
            plans=plan_counts.get(map_id, 0) if Area.PLAN in focus else None,
            plans_incomplete=vague_plans.get(map_id, 0),
            scorers=scoring[map_id]["people"] if map_id in scoring else 0,
            scored=scoring[map_id]["cards"] if map_id in scoring else 0,
        )
        if Area.SETUP in focus:
            status.checklist = setup_checklist(journey_map, stage_counts.get(map_id, 0))
        # Literal ngettext calls, so makemessages finds every sentence.
        n = bare_stages.get(map_id, 0) if Area.TOUCHPOINT in focus else 0
        if n:
            status.attention.append(
                ngettext("%(n)d stage has no touchpoint", "%(n)d stages have no touchpoint", n)
                % {"n": n}
            )
        n = silent_touchpoints.get(map_id, 0) if Area.EMOTION in focus else 0
        if n:
            status.attention.append(
                ngettext(
                    "%(n)d touchpoint has no emotion card",
                    "%(n)d touchpoints have no emotion card",
                    n,
                )
                % {"n": n}
            )
        n = unplanned.get(map_id, 0) if focus & {Area.OPPORTUNITY, Area.PLAN} else 0
        if n:
            status.attention.append(
                ngettext(
                    "%(n)d opportunity has no action plan",
                    "%(n)d opportunities have no action plan",
                    n,
                )
                % {"n": n}
            )
        n = vague_plans.get(map_id, 0) if Area.PLAN in focus else 0
        if n:
            status.attention.append(
                ngettext(
                    "%(n)d action plan lacks an owner or a date",
                    "%(n)d action plans lack an owner or a date",
                    n,
                )
                % {"n": n}
            )
        statuses.append(status)
    return statuses


def setup_checklist(journey_map, stages: int) -> list[tuple[str, bool]]:
    """Step 1 of DOMAIN.md's format, item by item, as the console shows it."""
    persona = journey_map.persona
    return [
        (_("Topic"), bool(journey_map.topic)),
        (_("Start and end point"), bool(journey_map.start_point and journey_map.end_point)),
        (_("Persona"), persona is not None and bool(persona.name and persona.profile)),
        (_("Stages (at least three)"), stages >= 3),
    ]


def _count_by_map(queryset) -> dict[int, int]:
    return dict(queryset.order_by().values_list("journey_map").annotate(n=Count("id")))


def scoring_progress(workshop: Workshop) -> dict:
    """Opportunity scoring in every team: whether scores are hidden, and per team how many
    people scored how many opportunities (one query)."""
    counts = (
        OpportunityScore.objects.filter(journey_map__team__workshop=workshop)
        .values("journey_map__team__name")
        .annotate(people=Count("scorer", distinct=True), cards=Count("card", distinct=True))
    )
    by_team = {row["journey_map__team__name"]: row for row in counts}
    teams = [
        (name, by_team.get(name, {}).get("people", 0), by_team.get(name, {}).get("cards", 0))
        for name in workshop.teams.values_list("name", flat=True)
    ]
    hidden = JourneyMap.objects.filter(team__workshop=workshop, scores_hidden=True).exists()
    return {"hidden": hidden, "teams": teams}
