"""The emotion curve as data: what the team felt, stage by stage, and what it says.

`CurveData` is plain data read from a map in three queries; the insights (lowest stages,
widest disagreement, MOT candidates, the direct vs third-party split) are pure functions of
it, easy to test on data. Drawing it is `maps/charts.py`.
"""

from __future__ import annotations

import hashlib
import itertools
import statistics
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

# The figures a touchpoint's measured score and insights read (maps/models/figures.py).
SCORED_FIGURES = (
    "satisfaction",
    "satisfaction_scale",
    "satisfaction_target",
    "response_hours",
    "response_target_hours",
    "complaints",
    "drop_off",
)


def figures_of(values) -> tuple:
    """A touchpoint's figures as plain, hashable data: ((name, number or text), …), from a
    model instance, a `.values()` row or a JSON export."""
    if values is None:
        return ()
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name, None)
    found = []
    for name in SCORED_FIGURES:
        value = get(name)
        if value in (None, ""):
            continue
        found.append((name, value if isinstance(value, str) else float(value)))
    return tuple(found)


@dataclass(frozen=True)
class Touchpoint:
    id: int
    text: str
    is_mot: bool
    is_direct: bool
    figures: tuple = ()

    @property
    def measured(self) -> dict:
        return dict(self.figures)


@dataclass(frozen=True)
class Emotion:
    score: int
    touchpoint_id: int | None = None
    role: str = ""
    company: str = ""
    round: int = 1


def counted(emotions: list[Emotion]) -> tuple[tuple[Emotion, ...], tuple[Emotion, ...]]:
    """(what the curve counts, what a later round replaced): on each touchpoint, and on the
    stage as a whole, only the cards of the latest round written there count; where nobody
    scored again, the earlier cards still do."""
    latest: dict[int | None, int] = {}
    for e in emotions:
        latest[e.touchpoint_id] = max(latest.get(e.touchpoint_id, 0), e.round)
    now = tuple(e for e in emotions if e.round == latest[e.touchpoint_id])
    return now, tuple(e for e in emotions if e.round != latest[e.touchpoint_id])


class Scored:
    """Mean, lowest and highest of `scores`: a stage's, or one touchpoint's."""

    @property
    def mean(self) -> float | None:
        """None, not zero, where nobody scored: the line has a gap there."""
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def low(self) -> int | None:
        return min(self.scores, default=None)

    @property
    def high(self) -> int | None:
        return max(self.scores, default=None)


@dataclass(frozen=True)
class StageData(Scored):
    name: str
    emotions: tuple[Emotion, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    # Cards a later scoring round replaced: not in the curve, kept to show the change.
    earlier: tuple[Emotion, ...] = ()

    @classmethod
    def of(cls, name: str, emotions: list[Emotion], touchpoints=()) -> StageData:
        now, earlier = counted(emotions)
        return cls(name, now, tuple(touchpoints), earlier)

    @property
    def scores(self) -> list[int]:
        return [e.score for e in self.emotions]

    @property
    def spread(self) -> float | None:
        """Population standard deviation: how much the team disagrees (0 with one card)."""
        return statistics.pstdev(self.scores) if self.emotions else None

    @property
    def mots(self) -> list[Touchpoint]:
        return [t for t in self.touchpoints if t.is_mot]


@dataclass(frozen=True)
class MotCandidate:
    touchpoint: Touchpoint
    stage: str
    reason: str


@dataclass(frozen=True)
class CurveData:
    stages: tuple[StageData, ...] = field(default_factory=tuple)

    @classmethod
    def load(cls, journey_map) -> CurveData:
        from maps.models import Card, Lane, TouchpointFigures

        stages = list(journey_map.stages.order_by("position", "id"))
        emotions: dict[int, list[Emotion]] = {s.pk: [] for s in stages}
        for stage_id, *emotion in journey_map.emotion_cards.order_by("id").values_list(
            "stage_id", "score", "touchpoint_id", "author_role", "author_company", "round"
        ):
            emotions[stage_id].append(Emotion(*emotion))
        figures = {
            row["touchpoint_id"]: figures_of(row)
            for row in TouchpointFigures.objects.filter(journey_map=journey_map).values(
                "touchpoint_id", *SCORED_FIGURES
            )
        }
        touchpoints: dict[int, list[Touchpoint]] = {s.pk: [] for s in stages}
        for pk, stage_id, text, is_mot, is_direct in (
            Card.objects.filter(journey_map=journey_map, lane=Lane.TOUCHPOINT)
            .order_by("position", "id")
            .values_list("pk", "stage_id", "text", "is_mot", "is_direct")
        ):
            touchpoints[stage_id].append(
                Touchpoint(pk, text, is_mot, is_direct, figures.get(pk, ()))
            )
        return cls(tuple(StageData.of(s.name, emotions[s.pk], touchpoints[s.pk]) for s in stages))

    @classmethod
    def from_board(cls, board) -> CurveData:
        """The same data from a loaded Board (the page and the PDF have one already)."""
        from maps.models import Lane

        stages = []
        for column in board.columns:
            cards = [c for cell in column.cells if cell.lane == Lane.TOUCHPOINT for c in cell.cards]
            emotions = sorted(
                [e for c in cards for e in c.emotions] + list(column.stage_emotions),
                key=lambda e: e.pk,
            )
            stages.append(
                StageData.of(
                    column.stage.name,
                    [
                        Emotion(e.score, e.touchpoint_id, e.author_role, e.author_company, e.round)
                        for e in emotions
                    ],
                    [
                        Touchpoint(c.pk, c.text, c.is_mot, c.is_direct, figures_of(c.figures_row))
                        for c in cards
                    ],
                )
            )
        return cls(tuple(stages))

    @classmethod
    def from_export(cls, data: dict) -> CurveData:
        """The curve of a map's JSON export (a saved version, an imported file)."""
        stages, next_id = [], 0
        for stage in data["map"]["stages"]:
            emotions = [_exported(e) for e in stage.get("emotions", [])]
            touchpoints = []
            for card in stage.get("cards", []):
                if card["lane"] != "touchpoint":
                    continue
                next_id += 1
                touchpoints.append(
                    Touchpoint(
                        next_id,
                        card["text"],
                        card["is_mot"],
                        card["is_direct"],
                        figures_of(card.get("figures")),
                    )
                )
                emotions += [_exported(e, next_id) for e in card.get("emotions", [])]
            stages.append(StageData.of(stage["name"], emotions, touchpoints))
        return cls(tuple(stages))

    def stage_names(self, indexes: list[int]) -> list[str]:
        return [self.stages[i].name for i in indexes]

    @property
    def lowest_names(self) -> list[str]:
        return self.stage_names(self.lowest)

    @property
    def highest_names(self) -> list[str]:
        return self.stage_names(self.highest)

    @property
    def widest_names(self) -> list[str]:
        return self.stage_names(self.widest)

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:20]

    @property
    def drawn_digest(self) -> str:
        """Only what the curve chart draws (names, scores, which stages hold a MOT): editing
        a touchpoint's words does not redraw a picture that would come out the same."""
        drawn = [(s.name, sorted(s.scores), bool(s.mots)) for s in self.stages]
        return hashlib.sha256(repr(drawn).encode()).hexdigest()[:20]

    @property
    def is_empty(self) -> bool:
        return not any(s.emotions for s in self.stages)

    @property
    def means(self) -> list[float | None]:
        return [s.mean for s in self.stages]

    @property
    def lowest(self) -> list[int]:
        """Indexes of the stage(s) with the lowest mean: the pain points of the journey."""
        scored = [m for m in self.means if m is not None]
        if not scored:
            return []
        bottom = min(scored)
        return [i for i, m in enumerate(self.means) if m is not None and m == bottom]

    @property
    def highest(self) -> list[int]:
        """Indexes of the best-felt stage(s), above neutral: strengths to amplify."""
        scored = [m for m in self.means if m is not None]
        if not scored or max(scored) <= 0:
            return []
        top = max(scored)
        return [i for i, m in enumerate(self.means) if m is not None and m == top]

    @property
    def widest(self) -> list[int]:
        """Stage(s) where the team disagrees most (largest spread, at least two cards)."""
        spreads = {i: s.spread for i, s in enumerate(self.stages) if len(s.emotions) >= 2}
        top = max(spreads.values(), default=0)
        return [i for i, v in spreads.items() if v == top and top > 0]

    @property
    def steepest_drop(self) -> tuple[int, int, float] | None:
        """(from, to, drop) between consecutive scored stages, where the mean falls most."""
        scored = [(i, m) for i, m in enumerate(self.means) if m is not None]
        drops = [(a, b, ma - mb) for (a, ma), (b, mb) in itertools.pairwise(scored) if ma > mb]
        return max(drops, key=lambda d: d[2], default=None)

    def mot_candidates(self) -> list[MotCandidate]:
        """Touchpoints the team may have missed as MOTs, for the team to confirm (never
        flagged automatically): those where the curve drops most steeply, those with two
        or more negative cards, and blind spots (felt fine, measured badly)."""
        found: dict[int, MotCandidate] = {}
        drop = self.steepest_drop
        if drop is not None:
            _from, to, amount = drop
            stage = self.stages[to]
            for t in stage.touchpoints:
                if not t.is_mot:
                    reason = _("the curve drops most steeply here (−%(drop).1f)") % {"drop": amount}
                    found[t.id] = MotCandidate(t, stage.name, reason)
        for stage in self.stages:
            for t in stage.touchpoints:
                negative = sum(1 for e in stage.emotions if e.touchpoint_id == t.id and e.score < 0)
                if negative >= 2 and not t.is_mot and t.id not in found:
                    reason = _("%(count)d negative emotion cards") % {"count": negative}
                    found[t.id] = MotCandidate(t, stage.name, reason)
        from maps.touchpoints import TouchpointView  # built on this data

        for spot in TouchpointView(self).blind_spots:
            t = spot.row.touchpoint
            if not t.is_mot and t.id not in found:
                found[t.id] = MotCandidate(t, spot.row.stage, spot.reason)
        return list(found.values())

    def negative_split(self) -> dict[str, int]:
        """Negative cards on direct touchpoints (the business controls them), on third-party
        ones (it must influence them), and on a stage as a whole."""
        kind = {t.id: t.is_direct for s in self.stages for t in s.touchpoints}
        split = {"direct": 0, "third_party": 0, "stage": 0}
        for stage in self.stages:
            for e in stage.emotions:
                if e.score >= 0:
                    continue
                if e.touchpoint_id is None or e.touchpoint_id not in kind:
                    split["stage"] += 1
                else:
                    split["direct" if kind[e.touchpoint_id] else "third_party"] += 1
        return split


def _exported(emotion: dict, touchpoint_id: int | None = None) -> Emotion:
    return Emotion(
        emotion["score"],
        touchpoint_id,
        emotion.get("author_role", ""),
        emotion.get("author_company", ""),
        emotion.get("round", 1),
    )


# Comparing curves: which stages line up --------------------------------------------------


def stage_axis(series: list[tuple[str, CurveData]]) -> list[str]:
    """The stages of every curve, by name, in the order they first appear: a version whose
    stages were renamed or reordered still lines up where the names match."""
    names: list[str] = []
    for _label, data in series:
        names += [s.name for s in data.stages if s.name not in names]
    return names


def aligned_means(data: CurveData, axis: list[str]) -> list[float | None]:
    by_name = {s.name: s.mean for s in data.stages}
    return [by_name.get(name) for name in axis]
