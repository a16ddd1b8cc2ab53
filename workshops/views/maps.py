"""The facilitator's list of maps: creating a map, importing one from a JSON export, and the
example library (read, then copy to start from)."""

from __future__ import annotations

from types import SimpleNamespace

from asgiref.sync import sync_to_async
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from maps import examples, importing
from maps.forms import JourneyMapCreateForm, MapImportForm
from maps.models import Channel, JourneyMap, Lane
from maps.templatetags.maps_tags import emotion_summary
from workshops.access import author, editable_maps, login_required, require_editor
from workshops.actions import maps as actions
from workshops.offthread import then_give_back


def _list(request, *, form=None, import_form=None, status=200):
    context = {
        "maps": editable_maps(request).select_related("persona"),
        "form": form or JourneyMapCreateForm(),
        "import_form": import_form or MapImportForm(),
    }
    return render(request, "maps/list.html", context, status=status)


@require_GET
@login_required
def map_list(request):
    require_editor(request)
    return _list(request)


@require_POST
@login_required
def map_create(request):
    require_editor(request)
    form = JourneyMapCreateForm(request.POST)
    if not form.is_valid():
        return _list(request, form=form, status=422)
    return redirect(actions.create_map(by=author(request), **form.cleaned_data))


@login_required
def _upload(request):
    """The import form, checked for who sends it and the file's size; or the answer."""
    require_editor(request)
    return MapImportForm(request.POST, request.FILES)


@require_POST
async def map_import(request):
    """Reading and checking a big file takes a second or more of CPU and needs no database:
    it runs on a worker thread, and the request holds no pooled database connection meanwhile;
    only the short bulk write runs on the request's own thread."""
    form = await then_give_back(_upload)(request)
    if not isinstance(form, MapImportForm):
        return form  # not logged in
    if form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            imported = await sync_to_async(importing.read, thread_sensitive=False)(raw)
        except importing.ImportProblem as problem:
            form.add_error("file", str(problem))
        else:
            by = await sync_to_async(author)(request)
            journey_map = await sync_to_async(actions.import_map)(imported, by=by)
            return redirect(journey_map)
    return await sync_to_async(_list)(request, import_form=form, status=422)


@require_GET
@login_required
def example_list(request):
    require_editor(request)
    return render(request, "maps/examples.html", {"examples": examples.catalogue()})


def _example(request, slug: str) -> examples.Example:
    require_editor(request)
    example = examples.get(slug)
    if example is None:
        raise Http404
    return example


@require_GET
@login_required
def example(request, slug: str):
    """An example, read-only: its persona, scenario and grid, with "copy to my maps"."""
    example = _example(request, slug)
    return render(request, "maps/example.html", {"example": example, "grid": _grid(example)})


@require_POST
@login_required
def example_copy(request, slug: str):
    return redirect(actions.copy_example(_example(request, slug), by=author(request)))


def _grid(example: examples.Example) -> list[tuple[str, list[list[dict]]]]:
    """(lane label, cards per stage) for each lane with a card, in the map type's order."""
    stages = example.map["stages"]
    lanes = JourneyMap(map_type=example.map["map_type"]).lanes
    rows = []
    for lane in lanes:
        cells = [[_card(c) for c in stage["cards"] if c["lane"] == lane] for stage in stages]
        if any(cells):
            rows.append((Lane(lane).label, cells))
    return rows


def _card(card: dict) -> dict:
    scores = [SimpleNamespace(score=e["score"]) for e in card.get("emotions", [])]
    channel = Channel(card["channel"]).label if card.get("channel") in Channel.values else ""
    return {**card, "felt": emotion_summary(scores), "channel_label": channel}
