"""Writes on a map as a whole: new and imported maps, its details and persona, its stages,
saved versions and its read-only link."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from maps import examples, importing, mot_ledger, portable
from maps.models import JourneyMap, MapVersion, Persona, Stage, new_view_token
from workshops import broadcast, fragments
from workshops.access import Author
from workshops.broadcast import Push, action, tell_room

# New maps: nobody is in their room yet, so nothing is pushed.


@action
def create_map(*, by: Author, preset: str, **fields) -> JourneyMap:
    return JourneyMap.objects.create_from_preset(preset=preset, created_by=by.user, **fields)


@action
def import_map(imported: importing.ImportedMap, *, by: Author) -> JourneyMap:
    """A new map from a JSON export, checked already (`importing.read`, outside any
    transaction, so a big file holds nobody's writes while it is read)."""
    return imported.save(user=by.user)


@action
def copy_example(example: examples.Example, *, by: Author) -> JourneyMap:
    """The example as the facilitator's own map, its dates moved to today."""
    return examples.copy(example, user=by.user)


@action
def start_future_state(journey_map: JourneyMap, *, by: Author) -> JourneyMap:
    """A future-state map started from this current-state one, linked to it (its open plans
    show there as last time's, and the compare page sets the two side by side)."""
    title = (journey_map.title[:180] + " · " + _("future state"))[:200]
    data = portable.as_future_state(portable.dump(journey_map), title)
    future = importing.load(data, user=by.user)
    future.continues = journey_map
    future.save(update_fields=["continues"])
    return future


@action
def decide_mot_match(*, channel: str, text: str, decision: str, by: Author) -> None:
    """The ledger page alone shows it: nothing to push to a room."""
    mot_ledger.decide(channel, text, decision, by_name=by.name)


@action
def save_version(journey_map: JourneyMap, *, label: str, by: Author) -> MapVersion:
    return MapVersion.objects.create(
        journey_map=journey_map,
        label=label,
        data=portable.dump(journey_map),
        created_by_name=by.name,
    )


@action
def start_review(journey_map: JourneyMap, *, by: Author) -> MapVersion:
    """The twice-yearly review: the map as it was is kept as a version, the next review moves
    six months on, and everyone scores again (the new round replaces the old where written)."""
    today = timezone.localdate()
    version = save_version(journey_map, label=_("Before the review"), by=by)  # dated anyway
    journey_map.reviewed_on, journey_map.review_on = today, None
    journey_map.scoring_round += 1
    journey_map.save(update_fields=["reviewed_on", "review_on", "scoring_round", "updated_at"])
    tell_room(journey_map, fragments.render(journey_map, header=True, curve=True), by=by.name)
    return version


@action
def rotate_link(journey_map: JourneyMap) -> None:
    """A new read-only link for this map; whoever opened the old one loses access at once."""
    journey_map.view_token = new_view_token()
    journey_map.save(update_fields=["view_token"])
    broadcast.recheck_room(journey_map.pk)


# Details and persona -------------------------------------------------------------------------


@action
def edit_details(journey_map: JourneyMap, *, by: Author, **changes) -> Push:
    # A new map type adds or takes away the backstage lanes: the whole grid then. (Read from
    # the row: a bound ModelForm has already set the new values on the instance.)
    stored = JourneyMap.objects.values_list("map_type", flat=True).get(pk=journey_map.pk)
    lanes_changed = changes.get("map_type", stored) != stored
    for name, value in changes.items():
        setattr(journey_map, name, value)
    journey_map.save()
    html = fragments.render(journey_map, header=True, grid=lanes_changed)
    return tell_room(journey_map, html, by=by.name)


@action
def set_lanes(journey_map: JourneyMap, lanes: list[str], custom_lanes: dict, *, by: Author) -> Push:
    """The lanes the map adds from the catalogue and those it names itself; every screen
    redraws the grid."""
    journey_map.extra_lanes, journey_map.custom_lanes = lanes, custom_lanes
    journey_map.save(update_fields=["extra_lanes", "custom_lanes", "updated_at"])
    html = fragments.render(journey_map, grid=True, lanes=True)
    return tell_room(journey_map, html, by=by.name)


@action
def save_persona(
    journey_map: JourneyMap, persona: Persona | None, *, by: Author, also=(), **fields
) -> Push:
    """Create or change the map's persona. A persona can be shared: the maps in `also` show
    it too and get the new header."""
    persona = persona or Persona()
    for name, value in fields.items():
        setattr(persona, name, value)
    persona.save()
    journey_map.persona = persona
    journey_map.save(update_fields=["persona", "updated_at"])
    for other in also:
        tell_room(other, fragments.render(other, header=True), by=by.name)
    return tell_room(journey_map, fragments.render(journey_map, header=True), by=by.name)


# Stages: every change redraws the grid (columns shift) ------------------------------------


def _grid_changed(journey_map: JourneyMap, by: Author, *, plans: bool = False) -> Push:
    return tell_room(journey_map, fragments.render(journey_map, grid=True, plans=plans), by=by.name)


@action
def add_stage(journey_map: JourneyMap, *, name: str, by: Author) -> Push:
    journey_map.add_stage(name)
    return _grid_changed(journey_map, by)


@action
def rename_stage(stage: Stage, *, name: str, by: Author) -> Push:
    stage.name = name
    stage.save()
    return _grid_changed(stage.journey_map, by)


@action
def move_stage(stage: Stage, *, steps: int, by: Author) -> Push:
    stage.move_to(stage.position + steps)
    return _grid_changed(stage.journey_map, by)


@action
def delete_stage(stage: Stage, *, by: Author) -> Push:
    journey_map = stage.journey_map
    stage.delete()
    return _grid_changed(journey_map, by, plans=True)
