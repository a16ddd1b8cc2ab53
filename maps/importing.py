"""A map's JSON export (maps/portable.py) back into a new map, trusting nothing.

Two steps, so that a big file never holds the database: `read` parses and checks the whole
file with no write and no query (size and nesting bounded first, every value's type, the
models' own field checks, the map's limits, lanes the map type has, no NUL or lone
surrogate), and keeps the map as unsaved rows; `ImportedMap.save` then writes them in a few
bulk inserts, in one short transaction. A bad file creates nothing and says where it went
wrong (`map.stages[2].cards[1].emotions[0]: …`).
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maps.models import (
    CARD_TEXT_MAX,
    CATALOGUE_LANES,
    CUSTOM_LANE_NAME_MAX,
    CUSTOM_LANES,
    MAX_CARDS,
    MAX_EMOTION_CARDS,
    MAX_STAGES,
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Lane,
    Persona,
    Stage,
    TouchpointFigures,
)
from maps.portable import (
    CARD_FIELDS,
    EMOTION_FIELDS,
    FIGURE_DATES,
    FIGURE_NUMBERS,
    FIGURE_TEXTS,
    FORMAT,
    MAP_FIELDS,
    MAX_BYTES,
    PERSONA_FIELDS,
    PLAN_FIELDS,
    VERSION,
)

MAX_PLANS = 5000
# A workshop opens up to MAX_SCORING_ROUNDS; each review of the map (twice a year) opens one.
MAX_ROUNDS = 100


class ImportProblem(ValueError):
    """What is wrong with an import file, in words for the person who chose it."""


@dataclass
class ImportedMap:
    """A checked file as unsaved rows, in board order."""

    journey_map: JourneyMap
    persona: Persona | None = None
    stages: list[Stage] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    emotions: list[EmotionCard] = field(default_factory=list)
    plans: list[ActionPlan] = field(default_factory=list)
    figures: list[TouchpointFigures] = field(default_factory=list)

    def save(self, *, user=None) -> JourneyMap:
        """Write the map: one transaction, a handful of inserts whatever its size."""
        with transaction.atomic():
            if self.persona is not None:
                self.persona.save()
                self.journey_map.persona = self.persona
            self.journey_map.created_by = user
            # Cards written from now on join the file's latest scoring round.
            rounds = [e.round for e in self.emotions]
            self.journey_map.scoring_round = max(rounds, default=1)
            self.journey_map.save()
            for model, rows in (
                (Stage, self.stages),
                (Card, self.cards),
                (EmotionCard, self.emotions),
                (ActionPlan, self.plans),
                (TouchpointFigures, self.figures),
            ):
                for row in rows:  # what they hang from has its id by now
                    row.journey_map = self.journey_map
                model.objects.bulk_create(rows, batch_size=500)
        return self.journey_map


def loads(raw: bytes, *, user=None) -> JourneyMap:
    """A new map from an export file, or ImportProblem with what is wrong (nothing created)."""
    return read(raw).save(user=user)


def load(data, *, user=None) -> JourneyMap:
    return check(data).save(user=user)


def read(raw: bytes) -> ImportedMap:
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
    return check(data)


def check(data) -> ImportedMap:
    """The whole file, checked, as unsaved rows (no query, no write)."""
    data = _object(data, "file")
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ImportProblem(_("This is not a journeymap export (format 'journeymap', version 1)."))
    source = _object(data.get("map"), "map")
    stages = _list(source.get("stages", []), "map.stages", MAX_STAGES)
    unsorted = _list(source.get("unsorted", []), "map.unsorted", MAX_CARDS)
    card_count = len(unsorted) + sum(
        len(_list(_object(s, "stage").get("cards", []), "cards")) for s in stages
    )
    if card_count > MAX_CARDS:
        raise ImportProblem(_("A map holds at most %(n)d cards.") % {"n": MAX_CARDS})
    result = ImportedMap(JourneyMap(**_fields(source, MAP_FIELDS, "map", required=["title"])))
    _valid(result.journey_map, "map", exclude=["persona", "created_by"])
    if source.get("persona") is not None:
        fields = _fields(_object(source["persona"], "map.persona"), PERSONA_FIELDS, "map.persona")
        result.persona = _valid(Persona(**fields), "map.persona")
    result.journey_map.extra_lanes = _extra_lanes(source.get("extra_lanes", []))
    result.journey_map.custom_lanes = _custom_lanes(source.get("custom_lanes", {}))
    lanes = set(result.journey_map.lanes)
    for s, raw_stage in enumerate(stages):
        _stage(result, s, _object(raw_stage, f"map.stages[{s}]"), lanes)
    for u, raw_card in enumerate(unsorted):  # the unsorted area: a text, no stage or lane
        where = f"map.unsorted[{u}]"
        fields = _fields(_object(raw_card, where), ["text", "joined"], where, required=["text"])
        card = Card(stage=None, lane=Lane.UNSORTED, position=u, **fields)
        result.cards.append(_valid(card, where, _CARD_FKS))
    if len(result.emotions) > MAX_EMOTION_CARDS:
        raise ImportProblem(
            _("A map holds at most %(n)s emotion cards; this file has %(count)s.")
            % {"n": f"{MAX_EMOTION_CARDS:,}", "count": f"{len(result.emotions):,}"}
        )
    if len(result.plans) > MAX_PLANS:
        raise ImportProblem(_("A map holds at most %(n)s action plans.") % {"n": f"{MAX_PLANS:,}"})
    return result


def _extra_lanes(value) -> list[str]:
    catalogue = [lane.value for lane in CATALOGUE_LANES]
    if not isinstance(value, list) or any(lane not in catalogue for lane in value):
        message = _("map.extra_lanes: expected a list of these lanes: %(lanes)s.")
        raise ImportProblem(message % {"lanes": ", ".join(catalogue)})
    return [lane for lane in catalogue if lane in value]


def _custom_lanes(value) -> dict:
    """{"custom1": "a name", …}: a map's own lanes, each named in at most 40 characters."""
    keys = [lane.value for lane in CUSTOM_LANES]
    if not isinstance(value, dict) or any(key not in keys for key in value):
        message = _("map.custom_lanes: expected names for these lanes: %(lanes)s.")
        raise ImportProblem(message % {"lanes": ", ".join(keys)})
    names = {}
    for key in keys:
        if key in value:
            name = _typed(value[key], str, f"map.custom_lanes.{key}").strip()
            if not name or len(name) > CUSTOM_LANE_NAME_MAX:
                message = _("map.custom_lanes.%(key)s: a name of 1 to %(n)d characters.")
                raise ImportProblem(message % {"key": key, "n": CUSTOM_LANE_NAME_MAX})
            names[key] = name
    return names


def _stage(result: ImportedMap, s: int, data: dict, lanes: set) -> None:
    where = f"map.stages[{s}]"
    name = _fields(data, ["name"], where, required=["name"])["name"]
    stage = _valid(Stage(name=name, position=s), where, exclude=["journey_map"])
    result.stages.append(stage)
    for e, raw in enumerate(_list(data.get("emotions", []), f"{where}.emotions")):
        _emotion(result, stage, None, raw, f"{where}.emotions[{e}]")
    positions: dict[str, int] = {}
    for c, raw_card in enumerate(_list(data.get("cards", []), f"{where}.cards")):
        where_card = f"{where}.cards[{c}]"
        card_data = _object(raw_card, where_card)
        names = [*CARD_FIELDS, "joined"]
        fields = _fields(card_data, names, where_card, required=["lane", "text"])
        if fields["lane"] == Lane.UNSORTED:
            raise ImportProblem(
                _("%(where)s: a card of a stage has a lane (unsorted cards go in map.unsorted).")
                % {"where": where_card}
            )
        if fields["lane"] in (*CATALOGUE_LANES, *CUSTOM_LANES) and fields["lane"] not in lanes:
            raise ImportProblem(
                _("%(where)s: lane “%(lane)s” is not among the map's extra_lanes.")
                % {"where": where_card, "lane": Lane(fields["lane"]).label}
            )
        if fields["lane"] not in lanes and fields["lane"] in Lane.values:
            raise ImportProblem(
                _("%(where)s: a %(type)s has no lane “%(lane)s”.")
                % {
                    "where": where_card,
                    "type": result.journey_map.get_map_type_display(),
                    "lane": Lane(fields["lane"]).label,
                }
            )
        position = positions.get(fields["lane"], 0)
        positions[fields["lane"]] = position + 1
        card = _valid(Card(stage=stage, position=position, **fields), where_card, _CARD_FKS)
        if not card.is_touchpoint and (card.is_mot or card.channel):
            raise ImportProblem(
                _("%(where)s: only touchpoints have a channel or are moments of truth.")
                % {"where": where_card}
            )
        result.cards.append(card)
        if card_data.get("figures") is not None:
            _figures(result, card, card_data["figures"], f"{where_card}.figures")
        for e, raw in enumerate(_list(card_data.get("emotions", []), f"{where_card}.emotions")):
            _emotion(result, stage, card, raw, f"{where_card}.emotions[{e}]")
        for p, raw in enumerate(_list(card_data.get("plans", []), f"{where_card}.plans")):
            where_plan = f"{where_card}.plans[{p}]"
            if card.lane not in (Lane.OPPORTUNITY, Lane.TOUCHPOINT):
                raise ImportProblem(
                    _("%(where)s: action plans come from opportunities or MOTs.")
                    % {"where": where_plan}
                )
            fields = _fields(_object(raw, where_plan), PLAN_FIELDS, where_plan, ["what"])
            plan = ActionPlan(opportunity=card, **fields)
            result.plans.append(_valid(plan, where_plan, ["journey_map", "opportunity"]))


_CARD_FKS = ["journey_map", "stage", "created_by"]


def _figures(result: ImportedMap, card: Card, raw, where: str) -> None:
    if not card.is_touchpoint:
        raise ImportProblem(_("%(where)s: figures belong to touchpoints.") % {"where": where})
    data = _object(raw, where)
    fields = _fields(data, FIGURE_TEXTS, where)
    for name in FIGURE_NUMBERS:
        if data.get(name) is not None:
            fields[name] = _typed(data[name], "number", f"{where}.{name}")
    for name in FIGURE_DATES:
        if name in data:
            fields[name] = _typed(data[name], "date", f"{where}.{name}")
    figures = TouchpointFigures(touchpoint=card, **fields)
    _valid(figures, where, ["journey_map", "touchpoint"])
    # The model's constraints, checked here without the query Django's would make.
    satisfaction = figures.satisfaction
    mean5 = figures.satisfaction_scale == "mean5"
    if mean5 and satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ImportProblem(_("%(where)s: a mean of 1–5 is between 1 and 5.") % {"where": where})
    start, end = figures.period_start, figures.period_end
    if start and end and start > end:
        raise ImportProblem(_("%(where)s: the period ends before it starts.") % {"where": where})
    result.figures.append(figures)


def _emotion(result: ImportedMap, stage, card, raw, where: str) -> None:
    if card is not None and not card.is_touchpoint:
        raise ImportProblem(
            _("%(where)s: emotion cards attach to touchpoints only.") % {"where": where}
        )
    fields = _fields(_object(raw, where), EMOTION_FIELDS, where, required=["score"])
    if not EmotionCard.SCORE_MIN <= fields["score"] <= EmotionCard.SCORE_MAX:
        raise ImportProblem(
            _("%(where)s: an emotion score is between −2 and +2.") % {"where": where}
        )
    if not 1 <= fields.get("round", 1) <= MAX_ROUNDS:
        message = _("%(where)s: a scoring round is between 1 and %(n)d.")
        raise ImportProblem(message % {"where": where, "n": MAX_ROUNDS})
    emotion = EmotionCard(stage=stage, touchpoint=card, **fields)
    result.emotions.append(_valid(emotion, where, ["journey_map", "stage", "touchpoint", "author"]))


def _valid(obj, where: str, exclude=()):
    """The model's own field checks (lengths, choices), without the queries full_clean would
    make for relations and constraints: those are checked above, for rows not yet saved."""
    try:
        obj.clean_fields(exclude=list(exclude))
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
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
    "round": int,
    "result_number": "number or null",
    "due_date": "date",
    "joined": "texts",
}
# The texts merged into one card (Card.joined): a few per merge, a handful of merges.
MAX_JOINED = 200


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
    if kind == "number or null":
        return None if value is None else _typed(value, "number", where)
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return Decimal(str(value))
        raise ImportProblem(_("%(where)s: expected a number.") % {"where": where})
    if kind == "date":
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise ImportProblem(_("%(where)s: expected a date like 2026-12-31.") % {"where": where})
    if kind == "texts":
        if not isinstance(value, list) or len(value) > MAX_JOINED:
            message = _("%(where)s: expected a list of at most %(n)d texts.")
            raise ImportProblem(message % {"where": where, "n": MAX_JOINED})
        texts = [_typed(text, str, f"{where}[{i}]") for i, text in enumerate(value)]
        if any(len(text) > CARD_TEXT_MAX for text in texts):
            message = _("%(where)s: a text is longer than %(n)d characters.")
            raise ImportProblem(message % {"where": where, "n": CARD_TEXT_MAX})
        return texts
    if kind is str and isinstance(value, str):
        return _text(value, where)
    # bool is an int in Python: a score of true is still refused.
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    expected = {str: _("a text in quotes"), int: _("a whole number"), bool: _("true or false")}
    expected = expected[kind]
    raise ImportProblem(
        _("%(where)s: expected %(expected)s.") % {"where": where, "expected": expected}
    )


def _text(value: str, where: str) -> str:
    """Text a database can store: no NUL (PostgreSQL refuses it), no lone surrogate (not
    UTF-8 at all; JSON's \\ud800 escapes can make one)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ImportProblem(
            _("%(where)s: the text holds a broken character.") % {"where": where}
        ) from None
    if "\x00" in value:
        raise ImportProblem(_("%(where)s: the text holds a NUL character.") % {"where": where})
    return value


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ImportProblem(_("%(where)s: expected an object.") % {"where": where})
    return value


MAX_ITEMS = 20000


def _list(value, where: str, limit: int = MAX_ITEMS) -> list:
    if not isinstance(value, list):
        raise ImportProblem(_("%(where)s: expected a list.") % {"where": where})
    if len(value) > limit:
        message = _("%(where)s: more than %(limit)d entries.")
        raise ImportProblem(message % {"where": where, "limit": limit})
    return value
