"""The journey touchpoint by touchpoint: what the team felt there (its emotion cards) beside
what the records measured (its figures), and what the two say together.

Strengths are the best-felt touchpoints, to amplify; weaknesses the worst. A blind spot is a
touchpoint the team feels fine about while its figures are among the map's worst (or miss
their target); an over-worry is the reverse. Blind spots join the MOT candidates, with the
reason in words; the team still confirms every MOT.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from maps.curve import CurveData, Scored, Touchpoint
from maps.models.figures import Scale, measured_score

SHOWN = 3


@dataclass(frozen=True)
class Row(Scored):
    touchpoint: Touchpoint
    stage: str
    stage_index: int
    scores: tuple[int, ...]
    measured: float | None


@dataclass(frozen=True)
class Finding:
    row: Row
    reason: str


class TouchpointView:
    def __init__(self, data: CurveData):
        self.data = data

    def _median(self, figure: str) -> float | None:
        """The median of a figure over the map's touchpoints: what "many" means here."""
        found = [
            t.measured[figure]
            for s in self.data.stages
            for t in s.touchpoints
            if figure in t.measured
        ]
        return max(statistics.median(found), 1.0) if found else None

    @cached_property
    def complaints_median(self) -> float | None:
        return self._median("complaints")

    @cached_property
    def drop_off_median(self) -> float | None:
        return self._median("drop_off")

    @cached_property
    def rows(self) -> list[Row]:
        """Every touchpoint in board order (stage by stage)."""
        found = []
        for index, stage in enumerate(self.data.stages):
            for t in stage.touchpoints:
                scores = tuple(e.score for e in stage.emotions if e.touchpoint_id == t.id)
                measured = measured_score(t.measured, self.complaints_median)
                found.append(Row(t, stage.name, index, scores, measured))
        return found

    @property
    def is_empty(self) -> bool:
        return not any(r.scores or r.measured is not None for r in self.rows)

    @property
    def has_measured(self) -> bool:
        return any(r.measured is not None for r in self.rows)

    @property
    def by_stage(self) -> list[dict]:
        """Per stage, in order: its touchpoints' measured mean, complaints and how many carry
        figures (the PDF's "measured" row)."""
        stages = [{"measured": [], "complaints": 0, "count": 0} for _ in self.data.stages]
        for row in self.rows:
            stage = stages[row.stage_index]
            if row.touchpoint.measured:
                stage["count"] += 1
                stage["complaints"] += int(row.touchpoint.measured.get("complaints", 0))
            if row.measured is not None:
                stage["measured"].append(row.measured)
        for stage in stages:
            scores = stage["measured"]
            stage["measured"] = statistics.fmean(scores) if scores else None
        return stages

    @property
    def mots(self) -> list[Row]:
        """The touchpoints the team chose as moments of truth, in journey order."""
        return [r for r in self.rows if r.touchpoint.is_mot]

    @property
    def strengths(self) -> list[Row]:
        """The best-felt touchpoints (above neutral): what to amplify."""
        felt = [r for r in self.rows if r.mean is not None and r.mean > 0]
        return sorted(felt, key=lambda r: -r.mean)[:SHOWN]

    @property
    def weaknesses(self) -> list[Row]:
        felt = [r for r in self.rows if r.mean is not None and r.mean < 0]
        return sorted(felt, key=lambda r: r.mean)[:SHOWN]

    @property
    def blind_spots(self) -> list[Finding]:
        """Felt fine (a mean of 0 or more) while the figures say otherwise."""
        found = []
        for row in self.rows:
            if row.mean is None or row.mean < 0:
                continue
            reasons = self._bad_figures(row.touchpoint.measured)
            if reasons:
                found.append(Finding(row, ", ".join(reasons)))
        return found

    @property
    def over_worries(self) -> list[Finding]:
        """Felt badly (−1 or lower) while the figures are good (+1 or better)."""
        return [
            Finding(row, self._good_figures(row))
            for row in self.rows
            if row.mean is not None
            and row.mean <= -1
            and row.measured is not None
            and row.measured >= 1
        ]

    def _bad_figures(self, figures: dict) -> list[str]:
        reasons = []
        complaints, median = figures.get("complaints"), self.complaints_median
        if complaints is not None and median and complaints >= 2 * median and complaints >= 3:
            reasons.append(
                _("%(count)d complaints, the map's median %(median)s")
                % {"count": complaints, "median": _number(median)}
            )
        drop_off, usual = figures.get("drop_off"), self.drop_off_median
        if drop_off is not None and usual and drop_off >= 2 * usual and drop_off >= 10:
            reasons.append(
                _("drop-off %(rate)s%%, the map's median %(median)s%%")
                % {"rate": _number(drop_off), "median": _number(usual)}
            )
        satisfaction, target = figures.get("satisfaction"), figures.get("satisfaction_target")
        if satisfaction is not None and target is not None and satisfaction < target:
            unit = "%" if figures.get("satisfaction_scale", Scale.PERCENT) == Scale.PERCENT else ""
            reasons.append(
                _("satisfaction %(value)s%(unit)s, target %(target)s%(unit)s")
                % {"value": _number(satisfaction), "target": _number(target), "unit": unit}
            )
        hours, target = figures.get("response_hours"), figures.get("response_target_hours")
        if hours is not None and target and hours > target:
            reasons.append(
                _("response %(hours)s h, target %(target)s h")
                % {"hours": _number(hours), "target": _number(target)}
            )
        return reasons

    def _good_figures(self, row: Row) -> str:
        return _("measured %(measured)+.1f, felt %(felt)+.1f") % {
            "measured": row.measured,
            "felt": row.mean,
        }


def _number(value: float) -> str:
    return str(int(value)) if float(value) == int(value) else f"{value:.1f}"
