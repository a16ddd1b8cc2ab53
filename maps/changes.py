"""What changed between two states of a map (a saved version and now, or two versions), read
from their JSON exports: touchpoints added and removed, MOTs set and cleared, stage and
touchpoint means, plans done since and what came of them, and the measured figures.

Touchpoints are matched by their text (spaces collapsed), wherever they sit: a touchpoint moved
to another stage is the same touchpoint. Plans are matched by what they say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from maps.curve import CurveData, stage_axis
from maps.touchpoints import TouchpointView

SHOWN = 8  # the touchpoints whose mean moved most


def _key(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Moved:
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class MapChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    mots_set: list[str] = field(default_factory=list)
    mots_cleared: list[str] = field(default_factory=list)
    stages: list[Moved] = field(default_factory=list)
    touchpoints: list[Moved] = field(default_factory=list)
    measured: list[Moved] = field(default_factory=list)
    plans_done: list[dict] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.mots_set
            or self.mots_cleared
            or any(m.delta for m in self.stages)
            or self.touchpoints
            or self.measured
            or self.plans_done
        )


def _touchpoints(data: dict) -> dict[str, dict]:
    """Text → {"mot", "mean", "measured"} of every touchpoint in an export."""
    found = {}
    curve = CurveData.from_export(data)
    view = TouchpointView(curve)
    for row in view.rows:
        found[_key(row.touchpoint.text)] = {
            "mot": row.touchpoint.is_mot,
            "mean": row.mean,
            "measured": row.measured,
        }
    return found


def _plans(data: dict) -> dict[str, dict]:
    return {
        _key(plan["what"]): plan
        for stage in data["map"]["stages"]
        for card in stage.get("cards", [])
        for plan in card.get("plans", [])
    }


def _stage_means(data: dict) -> dict[str, float | None]:
    return {s.name: s.mean for s in CurveData.from_export(data).stages}


def compare(before: dict, after: dict) -> MapChanges:
    changes = MapChanges()
    old, new = _touchpoints(before), _touchpoints(after)
    changes.added = [t for t in new if t not in old]
    changes.removed = [t for t in old if t not in new]
    both = [t for t in new if t in old]
    changes.mots_set = [t for t in both if new[t]["mot"] and not old[t]["mot"]]
    changes.mots_cleared = [t for t in both if old[t]["mot"] and not new[t]["mot"]]
    moved = [Moved(t, old[t]["mean"], new[t]["mean"]) for t in both]
    moved = [m for m in moved if m.delta]
    changes.touchpoints = sorted(moved, key=lambda m: -abs(m.delta))[:SHOWN]
    measured = [Moved(t, old[t]["measured"], new[t]["measured"]) for t in both]
    changes.measured = [m for m in measured if m.delta]
    then, now = _stage_means(before), _stage_means(after)
    axis = stage_axis([("", CurveData.from_export(after)), ("", CurveData.from_export(before))])
    changes.stages = [Moved(name, then.get(name), now.get(name)) for name in axis]
    done_before = {k for k, p in _plans(before).items() if p.get("status") == "done"}
    changes.plans_done = [
        plan
        for key, plan in _plans(after).items()
        if plan.get("status") == "done" and key not in done_before
    ]
    return changes
