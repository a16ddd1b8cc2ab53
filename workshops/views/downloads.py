"""What leaves the board as a file: the map as JSON, the curve as SVG/PNG, action plans as CSV
and iCalendar, the PDF (laid out off the event loop, so an export never blocks other
requests). Reads only: access is `get_map`'s."""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maps import (
    charts,
    exports,
    map_sheet,
    perspectives,
    portable,
    scoring,
    touchpoint_chart,
)
from maps.curve import CurveData
from workshops.access import get_map, limit_heavy, login_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
    limit_heavy(request, "chart")
    drawn = charts.render(CurveData.load(journey_map), fmt)
    return _chart(request, drawn, fmt, export_name(journey_map, _("emotion curve") + f".{fmt}"))


@require_GET
@login_required
def priorities_download(request, map_id: int, fmt: str):
    """The value × effort matrix (maps/scoring.py); nothing while scores are hidden."""
    journey_map = get_map(request, map_id)
    if journey_map.scores_hidden:
        raise Http404
    limit_heavy(request, "chart")
    drawn = scoring.render_matrix(scoring.priorities(journey_map), fmt)
    name = export_name(journey_map, _("value for effort") + f".{fmt}")
    return _chart(request, drawn, fmt, name)


def _chart(request, drawn: bytes, fmt: str, name: str) -> HttpResponse:
    """A chart shown on the board (`?v=`: its address carries a digest of what it draws, so
    it never changes and is kept), or the same chart as a download named `name`."""
    if not request.GET.get("v"):
        return download(drawn, IMAGE_TYPES[fmt], name)
    response = HttpResponse(drawn, content_type=IMAGE_TYPES[fmt])
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@require_GET
@login_required
def touchpoint_curve(request, map_id: int, fmt: str):
    """The curve by touchpoint (felt and measured). The board shows it as an image whose
    address carries the curve's digest, so a browser fetches it again only when it changed."""
    journey_map = get_map(request, map_id)
    limit_heavy(request, "chart")
    drawn = touchpoint_chart.render(CurveData.load(journey_map), fmt)
    name = export_name(journey_map, _("emotion curve by touchpoint") + f".{fmt}")
    return _chart(request, drawn, fmt, name)


@require_GET
@login_required
def curve_split(request, map_id: int, by: str, fmt: str):
    """The curve with one line per role (or company) of the cards' authors."""
    if by not in perspectives.SPLITS or fmt not in IMAGE_TYPES:
        raise Http404
    journey_map = get_map(request, map_id)
    limit_heavy(request, "chart")
    series = perspectives.split(CurveData.load(journey_map), by)
    if not series:
        raise Http404  # one role (or none) has nothing to compare
    drawn = charts.render_compare(series, fmt)
    return _chart(request, drawn, fmt, export_name(journey_map, f"{by}.{fmt}"))


@require_GET
@login_required
def export_csv(request, map_id: int):
    journey_map = get_map(request, map_id)
    name = export_name(journey_map, _("action plans") + ".csv")
    return download(exports.plans_csv(journey_map), "text/csv; charset=utf-8", name)


@require_GET
@login_required
def export_cards(request, map_id: int, fmt: str):
    """Every card of the map as a spreadsheet (.xlsx with the plans beside, or CSV)."""
    journey_map = get_map(request, map_id)
    limit_heavy(request, "pdf")  # a 2,000-card workbook is a second's work
    name = export_name(journey_map, _("cards") + "." + fmt)
    if fmt == "csv":
        return download(map_sheet.as_csv(journey_map), "text/csv; charset=utf-8", name)
    return download(map_sheet.as_xlsx(journey_map), XLSX, name)


@require_GET
@login_required
def export_ics(request, map_id: int):
    journey_map = get_map(request, map_id)
    name = export_name(journey_map, _("action plans") + ".ics")
    ics = exports.plans_ics(journey_map, host=request.get_host().split(":")[0])
    return download(ics, "text/calendar; charset=utf-8", name)
