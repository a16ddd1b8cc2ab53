"""The example library: Korean maps made from the sources, read-only, to copy and start from.

Each is a map export (maps/portable.py) in maps/example_maps/, with the day it was written:
a copy moves every date (plans' due dates, figures' periods) by the days since, so an example's
plans are due in the weeks after it is copied, as they were when it was written.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import timezone

from maps import importing
from maps.models import JourneyMap, Lane

FOLDER = Path(__file__).resolve().parent / "example_maps"
# In the order the library lists them.
SLUGS = ["loan", "shop", "energy"]


@dataclass(frozen=True)
class Example:
    slug: str
    data: dict

    @property
    def map(self) -> dict:
        return self.data["map"]

    @property
    def cards(self) -> list[dict]:
        return [card for stage in self.map["stages"] for card in stage["cards"]]

    @property
    def touchpoints(self) -> list[dict]:
        return [card for card in self.cards if card["lane"] == Lane.TOUCHPOINT]

    @property
    def mots(self) -> list[dict]:
        return [card for card in self.touchpoints if card["is_mot"]]

    @property
    def plans(self) -> list[dict]:
        return [plan for card in self.cards for plan in card.get("plans", [])]


@cache
def _read(slug: str) -> dict:
    return json.loads((FOLDER / f"{slug}.json").read_text(encoding="utf-8"))


def catalogue() -> list[Example]:
    return [Example(slug, _read(slug)) for slug in SLUGS]


def get(slug: str) -> Example | None:
    return Example(slug, _read(slug)) if slug in SLUGS else None


def as_of_today(example: Example, *, with_cards: bool = True) -> dict:
    """The example's export with its dates moved to today (a deep copy); without cards, only
    what a team starts from: persona, scenario and stages."""
    data = json.loads(json.dumps(example.data))
    shift = timezone.localdate() - datetime.date.fromisoformat(data.pop("written"))
    for stage in data["map"]["stages"]:
        if not with_cards:
            stage["cards"], stage["emotions"] = [], []
        for card in stage["cards"]:
            for plan in card.get("plans", []):
                plan["due_date"] = _moved(plan.get("due_date"), shift)
            figures = card.get("figures") or {}
            for name in ("period_start", "period_end", "measured_on"):
                if figures.get(name):
                    figures[name] = _moved(figures[name], shift)
    return data


def copy(example: Example, *, user=None, title: str | None = None) -> JourneyMap:
    """A new map of the user's own from the example, dates moved to today."""
    data = as_of_today(example)
    if title:
        data["map"]["title"] = title
    return importing.check(data).save(user=user)


def _moved(iso: str | None, shift: datetime.timedelta) -> str | None:
    return (datetime.date.fromisoformat(iso) + shift).isoformat() if iso else None
