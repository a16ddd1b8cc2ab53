"""What leaves the board as a file: the map as JSON, the curve as SVG/PNG, action plans as
CSV and iCalendar, the PDF (rendered off the event loop, so an export never blocks other
requests), saved versions and the compare view. Reads only: access is `get_map`'s.
"""

from __future__ import annotations

import re

from asgiref.sync import sync_to_async
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maps import curve, exports, pdf, portable
from maps.curve import CurveData
from maps.forms import MapVersionForm
from maps.models import JourneyMap, MapVersion, new_view_token
from maps.views import journey_map_url
from workshops import broadcast
from workshops.access import editable_maps, get_map, get_map_for_edit, login_required, who

IMAGE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """An attachment whose name survives Korean in every browser (RFC 6266 filename*)."""
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def export_name(titled, suffix: str) -> str:
    """`<title of the map or workshop>-<suffix>`, without characters file systems refuse."""
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f\s]+', " ", titled.title).strip() or "journeymap"
    return f"{title[:80]}-{suffix}"


@require_GET
@login_required
def export_json(request, map_id: int):
    journey_map = get_map(request, map_id)
    name = export_name(journey_map, "journeymap.json")
    return download(portable.dumps(journey_map), "application/json", name)


@require_GET
@login_required
def curve_download(request, map_id: int, fmt: str):
    journey_map = get_map(request, map_id)
    data = CurveData.load(journey_map)
    name = export_name(journey_map, _("emotion curve") + f".{fmt}")
    return download(curve.render(data, fmt), IMAGE_TYPES[fmt], name)


@login_required
def _print_html(request, map_id: int):
    journey_map = get_map(request, map_id)
    return export_name(journey_map, _("journey map") + ".pdf"), pdf.print_html(journey_map, request)


@require_GET
@login_required
def export_csv(request, map_id: int):
    journey_map = get_map(request, map_id)
    name = export_name(journey_map, _("action plans") + ".csv")
    return download(exports.plans_csv(journey_map), "text/csv; charset=utf-8", name)


@require_GET
@login_required
def export_ics(request, map_id: int):
    journey_map = get_map(request, map_id)
    name = export_name(journey_map, _("action plans") + ".ics")
    ics = exports.plans_ics(journey_map, host=request.get_host().split(":")[0])
    return download(ics, "text/calendar; charset=utf-8", name)


async def pdf_download(prepare, request, *args) -> HttpResponse:
    """`prepare(request, *args)` reads the database where every sync view runs and returns
    (file name, print HTML), or a response (not logged in). Laying out the PDF takes a second
    or more, so it runs on a worker thread of its own, touching no database, and the rest of
    the room keeps working meanwhile."""
    prepared = await sync_to_async(prepare)(request, *args)
    if isinstance(prepared, HttpResponse):
        return prepared
    name, html = prepared
    content = await sync_to_async(pdf.write_pdf, thread_sensitive=False)(html)
    return download(content, "application/pdf", name)


@require_GET
async def export_pdf(request, map_id: int):
    return await pdf_download(_print_html, request, map_id)


# Versions and comparison ---------------------------------------------------------------------


@require_POST
@login_required
@transaction.atomic
def version_save(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = MapVersionForm(request.POST)
    if not form.is_valid():
        context = _compare_context(request, journey_map, version_form=form)
        return render(request, "maps/compare.html", context, status=422)
    version = MapVersion.objects.create(
        journey_map=journey_map,
        label=form.cleaned_data["label"],
        data=portable.dump(journey_map),
        created_by_name=who(request),
    )
    url = reverse("maps:compare", args=[journey_map.pk])
    return redirect(f"{url}?with=version:{version.pk}")


def _compared(request, journey_map: JourneyMap) -> list[tuple[str, CurveData]]:
    """This map now, then what `?with=version:<id>` / `?with=map:<id>` asks for (404 for
    anything else: another map's version, a map this person may not open, a bad value)."""
    series = [(journey_map.title + " · " + _("now"), CurveData.load(journey_map))]
    for value in request.GET.getlist("with")[: len(curve.COLOURS) - 1]:
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


def _compare_context(request, journey_map: JourneyMap, *, version_form=None) -> dict:
    series = _compared(request, journey_map)
    axis = curve.stage_axis(series)
    columns = [curve.aligned_means(data, axis) for _label, data in series]
    rows = [(name, [column[i] for column in columns]) for i, name in enumerate(axis)]
    return {
        "journey_map": journey_map,
        "series": [label for label, _d in series],
        "rows": rows,
        "chart": curve.inline_svg(curve.draw_compare(series)) if len(series) > 1 else None,
        "versions": _checked(journey_map.versions.all(), "version", request),
        "other_maps": _checked(editable_maps(request).exclude(pk=journey_map.pk), "map", request),
        "version_form": version_form or MapVersionForm(),
        "query": request.GET.urlencode(),
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
    return render(request, "maps/compare.html", _compare_context(request, journey_map))


@require_GET
@login_required
def compare_download(request, map_id: int, fmt: str):
    journey_map = get_map(request, map_id)
    drawn = curve.draw_compare(_compared(request, journey_map), fmt)
    name = export_name(journey_map, _("emotion curves compared") + f".{fmt}")
    return download(drawn, IMAGE_TYPES[fmt], name)


@require_POST
@login_required
@transaction.atomic
def share_rotate(request, map_id: int):
    """A new read-only link for this map; whoever opened the old one loses access at once."""
    journey_map = get_map_for_edit(request, map_id)
    if request.role.kind != "editor":
        raise Http404
    journey_map.view_token = new_view_token()
    journey_map.save(update_fields=["view_token"])
    broadcast.recheck_room(journey_map.pk)
    return redirect(f"{journey_map_url(journey_map)}#share")
