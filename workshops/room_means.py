"""A team's stages against the room's mean, for a multi-company workshop: each team sees the
means of the whole room beside its own, never another team's cards.

Stages line up by name (teams that share a template share names); the room's mean of a
stage is the mean of every card counted there, in every team that has the stage, with the
same rule as the curve (a later scoring round replaces the earlier one where it was written).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maps.curve import CurveData, Emotion, counted
from maps.models import EmotionCard, JourneyMap
from workshops.models import Team


@dataclass(frozen=True)
class RoomRow:
    name: str
    ours: float | None
    room: float
    teams: int


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def room_means(journey_map: JourneyMap, curve: CurveData) -> list[RoomRow]:
    """Rows for the stages of this map that other teams have too, and the whole journey;
    nothing unless the facilitator shows the room's mean (one query when they do)."""
    try:
        team = journey_map.team  # loaded with the map where access was checked
    except Team.DoesNotExist:
        return []
    if not team.workshop.show_room_mean:
        return []
    places: dict[tuple[int, str], list[Emotion]] = defaultdict(list)
    for map_id, stage, score, touchpoint_id, round_ in EmotionCard.objects.filter(
        journey_map__team__workshop_id=team.workshop_id
    ).values_list("journey_map_id", "stage__name", "score", "touchpoint_id", "round"):
        places[(map_id, _key(stage))].append(Emotion(score, touchpoint_id, round=round_))
    by_stage: dict[str, list[int]] = defaultdict(list)
    teams: dict[str, set[int]] = defaultdict(set)
    for (map_id, stage), emotions in places.items():
        now, _replaced = counted(emotions)
        by_stage[stage] += [e.score for e in now]
        teams[stage].add(map_id)
    rows = []
    for stage in curve.stages:
        key = _key(stage.name)
        if teams[key] - {journey_map.pk}:  # another team has it: a comparison, not a mirror
            rows.append(
                RoomRow(stage.name, stage.mean, statistics.fmean(by_stage[key]), len(teams[key]))
            )
    every = [score for scores in by_stage.values() for score in scores]
    ours = [e.score for s in curve.stages for e in s.emotions]
    all_teams = set().union(*teams.values()) if teams else set()
    if every and all_teams - {journey_map.pk}:
        rows.append(
            RoomRow(
                _("The whole journey"),
                statistics.fmean(ours) if ours else None,
                statistics.fmean(every),
                len(all_teams),
            )
        )
    return rows
