"""A whole map as JSON, to keep (saved versions), to move elsewhere, to import again.

The file holds no database ids: cards sit inside their stage in board order (unsorted ones in
`map.unsorted`), emotion cards
and action plans inside what they belong to, so a file can be imported anywhere, any number
of times (maps/importing.py). `dump(load(dump(m))) == dump(m)` (tests/test_portable.py).
"""

from __future__ import annotations

import datetime
import json

from maps.board import Board
from maps.models import ActionPlan, JourneyMap

FORMAT, VERSION = "journeymap", 1
MAX_BYTES = 2 * 1024 * 1024

MAP_FIELDS = ["title", "topic", "map_type", "situation", "expectations", "start_point", "end_point"]
PERSONA_FIELDS = ["name", "profile", "goals", "needs", "frustrations", "quote"]
CARD_FIELDS = ["lane", "text", "channel", "channel_other", "is_direct", "is_mot", "votes"]
EMOTION_FIELDS = ["score", "words", "author_name", "author_role", "author_company", "round"]
PLAN_FIELDS = ["what", "owner", "due_date", "status", "result", "result_number"]
# A touchpoint's figures (maps/models/figures.py): numbers, texts, and dates as ISO strings.
FIGURE_NUMBERS = [
    "response_hours",
    "response_target_hours",
    "satisfaction",
    "satisfaction_target",
    "complaints",
    "drop_off",
]
FIGURE_TEXTS = ["satisfaction_scale", "complaint_types", "source"]
FIGURE_DATES = ["measured_on", "period_start", "period_end"]


# Export -------------------------------------------------------------------------------------


def dump(journey_map: JourneyMap) -> dict:
    board = Board.load(journey_map)
    persona = journey_map.persona
    plans_by_card: dict[int, list[ActionPlan]] = {}
    for plan in sorted(board.action_plans, key=lambda p: p.pk):
        plans_by_card.setdefault(plan.opportunity_id, []).append(plan)
    stages = []
    for column in board.columns:
        cards = [card for cell in column.cells for card in cell.cards]
        stages.append(
            {
                "name": column.stage.name,
                "emotions": [_values(e, EMOTION_FIELDS) for e in _by_pk(column.stage_emotions)],
                "cards": [
                    {
                        **_values(card, CARD_FIELDS),
                        **_joined(card),
                        "emotions": [_values(e, EMOTION_FIELDS) for e in _by_pk(card.emotions)],
                        "plans": [
                            {
                                **_values(p, PLAN_FIELDS),
                                "due_date": _date(p.due_date),
                                "result_number": _float(p.result_number),
                            }
                            for p in plans_by_card.get(card.pk, [])
                        ],
                        **_figures(getattr(card, "figures_row", None)),
                    }
                    for card in cards
                ],
            }
        )
    unsorted = [{"text": card.text, **_joined(card)} for card in board.unsorted.cards]
    return {
        "format": FORMAT,
        "version": VERSION,
        "map": {
            **_values(journey_map, MAP_FIELDS),
            # Lanes added from the catalogue, only when there are some.
            **({"extra_lanes": journey_map.extra_lanes} if journey_map.extra_lanes else {}),
            **({"custom_lanes": journey_map.custom_lanes} if journey_map.custom_lanes else {}),
            "persona": _values(persona, PERSONA_FIELDS) if persona else None,
            "stages": stages,
            # Cards not sorted yet, only when there are some (older files stay as they were).
            **({"unsorted": unsorted} if unsorted else {}),
        },
    }


def dumps(journey_map: JourneyMap) -> bytes:
    return json.dumps(dump(journey_map), ensure_ascii=False, indent=1).encode()


def _joined(card) -> dict:
    """The texts merged into a card, only when there are some (older files stay as they were)."""
    return {"joined": card.joined} if card.joined else {}


def _float(value) -> float | None:
    return None if value is None else float(value)


def _values(obj, fields: list[str]) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _figures(figures) -> dict:
    """{"figures": {...}} for a touchpoint with figures, else nothing (older files stay
    as they were)."""
    if figures is None or figures.is_empty:
        return {}
    out = {name: getattr(figures, name) for name in FIGURE_TEXTS}
    for name in FIGURE_NUMBERS:
        value = getattr(figures, name)
        out[name] = (
            None if value is None else (int(value) if name == "complaints" else float(value))
        )
    for name in FIGURE_DATES:
        out[name] = _date(getattr(figures, name))
    return {"figures": out}


def _by_pk(objects):
    return sorted(objects, key=lambda o: o.pk)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def as_future_state(data: dict, title: str) -> dict:
    """A current-state map's export as the start of its future state: the same persona,
    stages and cards (MOTs still flagged, the moments to redesign), without what was felt,
    measured, voted or planned, which the future map will have its own of."""
    data = json.loads(json.dumps(data))
    data["map"].update(title=title, map_type="future")
    for stage in data["map"]["stages"]:
        stage["emotions"] = []
        for card in stage["cards"]:
            card.update(emotions=[], plans=[], votes=0)
            card.pop("figures", None)
    return data
