"""Felt by whom: the curve split by the authors' role or company, the gaps between roles on
one touchpoint, and how far a later scoring round narrowed the spread.

The sources say MOTs are best chosen by the people who know the customer best; a gap such
as "CS −2.0, marketing +0.5" on one touchpoint is what the discussion should be about. Only
what an author let be known counts: a card without a role sits in no role's line.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maps.curve import CurveData, StageData
from maps.models.choices import WorkRole

SPLITS = ("role", "company")
# A gap worth naming: a whole point between two roles' means on the same touchpoint.
GAP_MIN, SHOWN = 1.0, 3


def label(by: str, value: str) -> str:
    if by == "role":
        return str(WorkRole(value).label) if value in WorkRole.values else _("role not given")
    return value or _("company not given")


def groups(data: CurveData, by: str) -> list[str]:
    """The roles (or companies) the counted cards carry, the unknown last."""
    found = {getattr(e, by) for s in data.stages for e in s.emotions}
    return sorted(found, key=lambda value: (value == "", label(by, value)))


def split(data: CurveData, by: str) -> list[tuple[str, CurveData]]:
    """One curve per role (or company), when there are two or more to tell apart."""
    if by not in SPLITS:
        raise ValueError(f"unknown split {by!r}")
    values = groups(data, by)
    if len([v for v in values if v]) < 2:
        return []
    return [
        (
            label(by, value),
            CurveData(
                tuple(
                    StageData(s.name, tuple(e for e in s.emotions if getattr(e, by) == value))
                    for s in data.stages
                )
            ),
        )
        for value in values
    ]


@dataclass(frozen=True)
class RoleGap:
    where: str  # the touchpoint's text, or the stage's name for cards on the stage as a whole
    stage: str
    touchpoint_id: int | None
    means: tuple[tuple[str, float, int], ...]  # (role, mean, cards), lowest first

    @property
    def gap(self) -> float:
        return self.means[-1][1] - self.means[0][1]


def _places(data: CurveData):
    """(stage, touchpoint id or None, its name, counted cards, cards a later round replaced)."""
    for stage in data.stages:
        names = {t.id: t.text for t in stage.touchpoints}
        now, before = defaultdict(list), defaultdict(list)
        for e in stage.emotions:
            now[e.touchpoint_id].append(e)
        for e in stage.earlier:
            before[e.touchpoint_id].append(e)
        for key in sorted(now.keys() | before.keys(), key=lambda k: (k is not None, k or 0)):
            yield stage, key, names.get(key, stage.name), now[key], before[key]


def role_gaps(data: CurveData) -> list[RoleGap]:
    """Where two roles read the same touchpoint at least a point apart, widest first."""
    found = []
    for stage, key, name, emotions, _before in _places(data):
        by_role = defaultdict(list)
        for e in emotions:
            if e.role:
                by_role[e.role].append(e.score)
        if len(by_role) < 2:
            continue
        means = sorted(
            ((label("role", role), statistics.fmean(s), len(s)) for role, s in by_role.items()),
            key=lambda m: (m[1], m[0]),
        )
        gap = RoleGap(name, stage.name, key, tuple(means))
        if gap.gap >= GAP_MIN:
            found.append(gap)
    found.sort(key=lambda g: -g.gap)
    return found[:SHOWN]


@dataclass(frozen=True)
class Narrowing:
    where: str
    stage: str
    touchpoint_id: int | None
    before: float  # the spread (standard deviation) of the round before
    after: float
    cards_before: int
    cards_after: int


def narrowing(data: CurveData) -> list[Narrowing]:
    """Each place scored again by two or more, with the spread of the round before and of
    the latest (one card has no spread: "1.2 → 0.0" after the first card would mislead)."""
    found = []
    for stage, key, name, emotions, before in _places(data):
        if not before or len(emotions) < 2:
            continue
        last = max(e.round for e in before)
        earlier = [e.score for e in before if e.round == last]
        found.append(
            Narrowing(
                name,
                stage.name,
                key,
                statistics.pstdev(earlier),
                statistics.pstdev([e.score for e in emotions]),
                len(earlier),
                len(emotions),
            )
        )
    return found


def overall_narrowing(found: list[Narrowing]) -> tuple[float, float] | None:
    """The mean spread before and after, over every place scored again."""
    if not found:
        return None
    return statistics.fmean(n.before for n in found), statistics.fmean(n.after for n in found)


class FeltByWhom:
    """What the curve panel shows of it, read once per render."""

    def __init__(self, data: CurveData):
        self.data = data
        self.by_role = len([v for v in groups(data, "role") if v]) >= 2
        self.by_company = len([v for v in groups(data, "company") if v]) >= 2
        self.gaps = role_gaps(data)
        self.narrowing = narrowing(data)
        self.overall = overall_narrowing(self.narrowing)

    @property
    def is_empty(self) -> bool:
        return not (self.by_role or self.by_company or self.gaps or self.narrowing)
