"""A whole map as JSON, and back into a new map.

The file holds no database ids: cards sit inside their stage in board order, emotion cards
and action plans inside what they belong to, so a file can be imported anywhere, any number
of times. `dump(load(dump(m))) == dump(m)` (tests/test_portable.py).

An import trusts nothing: size and nesting are bounded before parsing, every value's type is
checked, every object goes through the model's own `full_clean()` (lengths, choices, the
−2…+2 constraint), and the whole import is one transaction, so a bad file creates nothing
and says where it went wrong.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maps.models import (
    MAX_CARDS,
    MAX_STAGES,
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Persona,
    Stage,
)

FORMAT, VERSION = "journeymap", 1
MAX_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 20000

MAP_FIELDS = ["title", "topic", "map_type", "situation", "expectations", "start_point", "end_point"]
PERSONA_FIELDS = ["name", "profile", "goals", "needs", "frustrations", "quote"]
CARD_FIELDS = ["lane", "text", "channel", "channel_other", "is_direct", "is_mot", "votes"]
EMOTION_FIELDS = ["score", "words", "author_name"]
PLAN_FIELDS = ["what", "owner", "due_date", "status"]


class ImportProblem(ValueError):
    """What is wrong with an import file, in words for the person who chose it."""


# Export -------------------------------------------------------------------------------------


def dump(journey_map: JourneyMap) -> dict:
    from maps.board import Board

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
                        "emotions": [_values(e, EMOTION_FIELDS) for e in _by_pk(card.emotions)],
                        "plans": [
                            {**_values(p, PLAN_FIELDS), "due_date": _date(p.due_date)}
                            for p in plans_by_card.get(card.pk, [])
                        ],
                    }
                    for card in cards
                ],
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "map": {
            **_values(journey_map, MAP_FIELDS),
            "persona": _values(persona, PERSONA_FIELDS) if persona else None,
            "stages": stages,
        },
    }


def dumps(journey_map: JourneyMap) -> bytes:
    return json.dumps(dump(journey_map), ensure_ascii=False, indent=1).encode()


def _values(obj, fields: list[str]) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _by_pk(objects):
    return sorted(objects, key=lambda o: o.pk)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


# Import -------------------------------------------------------------------------------------


def loads(raw: bytes, *, user=None) -> JourneyMap:
    """A new map from an export file, or ImportProblem with what is wrong (nothing created)."""
    if len(raw) > MAX_BYTES:
        raise ImportProblem(_("The file is larger than 2 MB."))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportProblem(_("The file is not UTF-8 text.")) from exc
    except RecursionError as exc:
        raise ImportProblem(_("The file is nested too deeply to be a journeymap export.")) from exc
    except ValueError as exc:
        raise ImportProblem(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
    return load(data, user=user)


def load(data, *, user=None) -> JourneyMap:
    data = _object(data, "file")
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ImportProblem(_("This is not a journeymap export (format 'journeymap', version 1)."))
    source = _object(data.get("map"), "map")
    stages = _list(source.get("stages", []), "map.stages", MAX_STAGES)
    card_count = sum(len(_list(_object(s, "stage").get("cards", []), "cards")) for s in stages)
    if card_count > MAX_CARDS:
        raise ImportProblem(_("A map holds at most %(n)d cards.") % {"n": MAX_CARDS})
    with transaction.atomic():
        return _build(source, stages, user)


def _build(source: dict, stages: list, user) -> JourneyMap:
    counter = {"items": 0}
    persona = None
    if source.get("persona") is not None:
        fields = _fields(_object(source["persona"], "map.persona"), PERSONA_FIELDS, "map.persona")
        persona = _save(Persona(**fields), "map.persona")
    journey_map = _save(
        JourneyMap(
            **_fields(source, MAP_FIELDS, "map", required=["title"]),
            persona=persona,
            created_by=user,
        ),
        "map",
    )
    for s, raw_stage in enumerate(stages):
        where = f"map.stages[{s}]"
        stage_data = _object(raw_stage, where)
        name = _fields(stage_data, ["name"], where, required=["name"])["name"]
        stage = _save(Stage(journey_map=journey_map, name=name, position=s), where)
        for e, raw in enumerate(_list(stage_data.get("emotions", []), f"{where}.emotions")):
            _emotion(journey_map, stage, None, raw, f"{where}.emotions[{e}]", counter)
        positions: dict[str, int] = {}
        for c, raw_card in enumerate(_list(stage_data.get("cards", []), f"{where}.cards")):
            card_where = f"{where}.cards[{c}]"
            card_data = _object(raw_card, card_where)
            fields = _fields(card_data, CARD_FIELDS, card_where, required=["lane", "text"])
            position = positions.get(fields["lane"], 0)
            positions[fields["lane"]] = position + 1
            card = _save(
                Card(journey_map=journey_map, stage=stage, position=position, **fields), card_where
            )
            for e, raw in enumerate(_list(card_data.get("emotions", []), f"{card_where}.emotions")):
                _emotion(journey_map, stage, card, raw, f"{card_where}.emotions[{e}]", counter)
            for p, raw in enumerate(_list(card_data.get("plans", []), f"{card_where}.plans")):
                plan_where = f"{card_where}.plans[{p}]"
                fields = _fields(_object(raw, plan_where), PLAN_FIELDS, plan_where, ["what"])
                _count(counter)
                _save(ActionPlan(journey_map=journey_map, opportunity=card, **fields), plan_where)
    return journey_map


def _emotion(journey_map, stage, card, raw, where: str, counter: dict) -> None:
    fields = _fields(_object(raw, where), EMOTION_FIELDS, where, required=["score"])
    _count(counter)
    _save(EmotionCard(journey_map=journey_map, stage=stage, touchpoint=card, **fields), where)


def _count(counter: dict) -> None:
    counter["items"] += 1
    if counter["items"] > MAX_ITEMS:
        raise ImportProblem(_("The file holds too many emotion cards and action plans."))


def _save(obj, where: str):
    try:
        obj.full_clean()
        obj.save()
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in exc.message_dict.items()
        )
        raise ImportProblem(f"{where}: {problems}") from exc
    return obj


# Types --------------------------------------------------------------------------------------

# What each field must be in the file; the models check the rest (lengths, choices, ranges).
TYPES = {
    "is_direct": bool,
    "is_mot": bool,
    "votes": int,
    "score": int,
    "due_date": "date",
}


def _fields(data: dict, names: list[str], where: str, required=()) -> dict:
    fields = {}
    for name in names:
        if name not in data:
            if name in required:
                message = _("%(where)s: “%(name)s” is missing.")
                raise ImportProblem(message % {"where": where, "name": name})
            continue
        fields[name] = _typed(data[name], TYPES.get(name, str), f"{where}.{name}")
    return fields


def _typed(value, kind, where: str):
    if kind == "date":
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise ImportProblem(_("%(where)s: expected a date like 2026-12-31.") % {"where": where})
    # bool is an int in Python: a score of true is still refused.
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    expected = {str: _("a text in quotes"), int: _("a whole number"), bool: _("true or false")}
    expected = expected[kind]
    raise ImportProblem(
        _("%(where)s: expected %(expected)s.") % {"where": where, "expected": expected}
    )


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ImportProblem(_("%(where)s: expected an object.") % {"where": where})
    return value


def _list(value, where: str, limit: int = MAX_ITEMS) -> list:
    if not isinstance(value, list):
        raise ImportProblem(_("%(where)s: expected a list.") % {"where": where})
    if len(value) > limit:
        message = _("%(where)s: more than %(limit)d entries.")
        raise ImportProblem(message % {"where": where, "limit": limit})
    return value
