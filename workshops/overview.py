"""What the facilitator sees of every team at a glance: who is in it, how far its map got and
what still needs attention. A fixed number of queries, however many teams and cards."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import ngettext

from maps.models import ActionPlan, Card, EmotionCard, Lane, Stage
from workshops.models import Participant, Team, Workshop


@dataclass
class TeamStatus:
    team: Team
    members: list[Participant] = field(default_factory=list)
    lane_counts: list[tuple[str, int]] = field(default_factory=list)
    emotions: int = 0
    attention: list[str] = field(default_factory=list)
    # Private writing: cards waiting for the reveal. Dot voting: the most dotted cards.
    hidden: int = 0
    top: list[Card] = field(default_factory=list)

    @property
    def last_activity(self):
        return self.team.journey_map.updated_at


def team_statuses(workshop: Workshop) -> list[TeamStatus]:
    teams = list(workshop.teams.select_related("journey_map"))
    map_ids = [team.journey_map_id for team in teams]
    members = defaultdict(list)
    for participant in workshop.participants.filter(removed_at=None):
        members[participant.team_id].append(participant)
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
    statuses = []
    for team in teams:
        map_id = team.journey_map_id
        status = TeamStatus(
            team=team,
            members=members[team.pk],
            lane_counts=[(lane.label, lanes[map_id, lane]) for lane in team.journey_map.lanes],
            emotions=emotions.get(map_id, 0),
            hidden=hidden[map_id],
            top=top[map_id][:3],
        )
        # Literal ngettext calls, so makemessages finds every sentence.
        n = bare_stages.get(map_id, 0)
        if n:
            status.attention.append(
                ngettext("%(n)d stage has no touchpoint", "%(n)d stages have no touchpoint", n)
                % {"n": n}
            )
        n = silent_touchpoints.get(map_id, 0)
        if n:
            status.attention.append(
                ngettext(
                    "%(n)d touchpoint has no emotion card",
                    "%(n)d touchpoints have no emotion card",
                    n,
                )
                % {"n": n}
            )
        n = unplanned.get(map_id, 0)
        if n:
            status.attention.append(
                ngettext(
                    "%(n)d opportunity has no action plan",
                    "%(n)d opportunities have no action plan",
                    n,
                )
                % {"n": n}
            )
        n = vague_plans.get(map_id, 0)
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


def _count_by_map(queryset) -> dict[int, int]:
    return dict(queryset.order_by().values_list("journey_map").annotate(n=Count("id")))
