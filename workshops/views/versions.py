"""Saved versions of a map and the compare page: this map's curve against its versions and
other maps (current vs future state), as a chart, a table and downloads."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maps import changes, charts, curve, portable
from maps.curve import CurveData
from maps.forms import MapVersionForm
from maps.models import JourneyMap, MapType
from workshops import printshop
from workshops.access import (
    author,
    editable_maps,
    get_map,
    get_map_for_edit,
    limit_heavy,
    login_required,
    require_editor,
)
from workshops.actions import maps as actions
from workshops.views.downloads import IMAGE_TYPES, download, export_name
from workshops.views.prints import Order, pdf_download


@require_POST
@login_required
@transaction.atomic
def version_save(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = MapVersionForm(request.POST)
    if not form.is_valid():
        context = _compare_context(request, journey_map, version_form=form)
        return render(request, "maps/compare.html", context, status=422)
    version = actions.save_version(
        journey_map, label=form.cleaned_data["label"], by=author(request)
    )
    url = reverse("maps:compare", args=[journey_map.pk])
    return redirect(f"{url}?with=version:{version.pk}")


@require_POST
@login_required
@transaction.atomic
def review_start(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    require_editor(request)  # a review is the map owners' call, not a participant's
    version = actions.start_review(journey_map, by=author(request))
    url = reverse("maps:compare", args=[journey_map.pk])
    response = redirect(f"{url}?with=version:{version.pk}")
    if request.htmx:  # the header and curve came with the push; the page moves on
        response = HttpResponse(headers={"HX-Redirect": response["Location"]})
    return response


@require_POST
@login_required
@transaction.atomic
def future_state(request, map_id: int):
    """Start this current-state map's future state, then open it."""
    journey_map = get_map_for_edit(request, map_id)
    require_editor(request)  # a new map is the map owners' call
    if journey_map.map_type != MapType.CURRENT:
        raise Http404
    future = actions.start_future_state(journey_map, by=author(request))
    if request.htmx:
        return HttpResponse(headers={"HX-Redirect": future.get_absolute_url()})
    return redirect(future)


def _compared(request, journey_map: JourneyMap) -> list[tuple[str, CurveData]]:
    """This map now, then what `?with=version:<id>` / `?with=map:<id>` asks for (404 for
    anything else: another map's version, a map this person may not open, a bad value)."""
    series = [(journey_map.title + " · " + _("now"), CurveData.load(journey_map))]
    for value in request.GET.getlist("with")[: len(charts.COLOURS) - 1]:
        kind, _sep, pk = value.partition(":")
        if not pk.isdigit():
            raise Http404
        if kind == "version":
            version = get_object_or_404(journey_map.versions, pk=pk)
            series.append((version.name, CurveData.from_export(version.data)))
        elif kind == "map":
            other = get_object_or_404(editable_maps(request), pk=pk)
            series.append((other.title, CurveData.load(other)))
        else:
            raise Http404
    return series


def _compared_maps(request):
    """The other maps `?with=map:<id>` names, all of which this person may open (404 for
    any other)."""
    ids = [v.partition(":")[2] for v in request.GET.getlist("with") if v.startswith("map:")]
    if not all(pk.isdigit() for pk in ids):
        raise Http404
    found = editable_maps(request).filter(pk__in=ids)
    if found.count() != len(set(ids)):
        raise Http404
    return found


def _changes(request, journey_map: JourneyMap):
    """What changed since a saved version, when the page compares now with exactly one."""
    chosen = request.GET.getlist("with")
    if len(chosen) != 1 or not chosen[0].startswith("version:"):
        return None
    version = journey_map.versions.filter(pk=chosen[0].partition(":")[2]).first()
    if version is None:
        return None
    return version, changes.compare(version.data, portable.dump(journey_map))


def _compare_context(request, journey_map: JourneyMap, *, version_form=None) -> dict:
    series = _compared(request, journey_map)
    axis = curve.stage_axis(series)
    columns = [curve.aligned_means(data, axis) for _label, data in series]
    rows = [(name, [column[i] for column in columns]) for i, name in enumerate(axis)]
    return {
        "journey_map": journey_map,
        "series": [label for label, _d in series],
        "rows": rows,
        "chart": charts.inline_svg(charts.render_compare(series)) if len(series) > 1 else None,
        "versions": _checked(journey_map.versions.all(), "version", request),
        "other_maps": _checked(editable_maps(request).exclude(pk=journey_map.pk), "map", request),
        "version_form": version_form or MapVersionForm(),
        "query": request.GET.urlencode(),
        "changes": _changes(request, journey_map),
    }


def _checked(objects, kind: str, request) -> list:
    chosen, objects = set(request.GET.getlist("with")), list(objects)
    for obj in objects:
        obj.checked = f"{kind}:{obj.pk}" in chosen
    return objects


@require_GET
@login_required
def compare(request, map_id: int):
    journey_map = get_map(request, map_id)
    limit_heavy(request, "chart")
    return render(request, "maps/compare.html", _compare_context(request, journey_map))


@require_GET
@login_required
def compare_download(request, map_id: int, fmt: str):
    journey_map = get_map(request, map_id)
    limit_heavy(request, "chart")
    drawn = charts.render_compare(_compared(request, journey_map), fmt)
    name = export_name(journey_map, _("emotion curves compared") + f".{fmt}")
    return download(drawn, IMAGE_TYPES[fmt], name)


@login_required
def _changes_order(request, map_id: int) -> Order:
    journey_map = get_map(request, map_id)

    def read():
        limit_heavy(request, "pdf")
        shown = ("journey_map", "series", "rows", "chart", "changes")  # what paper prints
        context = {k: v for k, v in _compare_context(request, journey_map).items() if k in shown}
        return partial(render_to_string, "maps/print_changes.html", context)

    # Who may see the compared maps is checked here, before the key: a PDF already made for
    # someone who may is handed out without reading anything again.
    others = sorted(_compared_maps(request).values_list("pk", "seq", "updated_at"))
    shown = (*printshop.state_of(journey_map), request.GET.urlencode(), others, get_language())
    key = printshop.cache_key("changes", *shown)
    return Order(export_name(journey_map, _("what changed") + ".pdf"), key, read)


@require_GET
async def compare_pdf(request, map_id: int):
    """The compare page on paper: the curves, the stage table and what changed."""
    return await pdf_download(_changes_order, request, map_id)
