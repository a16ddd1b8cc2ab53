"""The sharing step: every team's maps for those who may read them all, the gallery (all
curves on one chart), the full-screen presentation, and the whole-workshop PDF."""

from __future__ import annotations

from functools import partial

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maps import charts
from maps.board import Board
from maps.curve import CurveData
from workshops import access, printing, printshop
from workshops.access import login_required
from workshops.models import Workshop
from workshops.views.downloads import export_name
from workshops.views.prints import Order, pdf_download


@require_GET
@login_required
def workshop_maps(request, workshop_id: int):
    """The teams' maps of a workshop, for whoever may read them all (facilitator, viewer)."""
    workshops = Workshop.objects.prefetch_related("teams__journey_map")
    workshop = get_object_or_404(workshops, pk=workshop_id)
    if not access.can_read_workshop(request, workshop):
        raise Http404
    return render(request, "workshops/maps.html", {"workshop": workshop})


@require_GET
@login_required
def gallery(request, workshop_id: int):
    """Every team's map side by side, and all their emotion curves on one chart."""
    workshop = get_object_or_404(Workshop.objects.prefetch_related("steps"), pk=workshop_id)
    if not access.can_read_workshop(request, workshop):
        raise Http404
    access.limit_heavy(request, "chart")
    teams = list(workshop.teams.select_related("journey_map__persona"))
    series = [(team.name, CurveData.load(team.journey_map)) for team in teams]
    drawn = [(label, data) for label, data in series if not data.is_empty]
    context = {
        "workshop": workshop,
        "teams": zip(teams, [data for _label, data in series], strict=True),
        "chart": charts.inline_svg(charts.render_compare(drawn)) if drawn else None,
        "is_facilitator": access.can_edit_maps(request.user),
        "follow_map": _own_map_id(request, workshop),
    }
    return render(request, "workshops/gallery.html", context)


def _own_map_id(request, workshop: Workshop) -> int | None:
    """A participant's own team map, whose room tells them where the facilitator sends all."""
    participant = access.participant_in(request.session, workshop.pk)
    return participant.team.journey_map_id if participant and participant.team else None


@require_GET
@login_required
def present(request, workshop_id: int, team_id: int):
    """One team's map, full screen and read-only, for the sharing step; steps through teams."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    if not access.can_read_workshop(request, workshop):
        raise Http404
    teams = list(workshop.teams.all())
    team = next((t for t in teams if t.pk == team_id), None)
    if team is None:
        raise Http404
    index = teams.index(team)
    journey_map = team.journey_map
    board = Board.load(journey_map)
    context = {
        "workshop": workshop,
        "team": team,
        "journey_map": journey_map,
        "board": board,
        "curve": CurveData.from_board(board),
        "previous": teams[index - 1] if index > 0 else None,
        "next": teams[index + 1] if index + 1 < len(teams) else None,
        "position": index + 1,
        "total": len(teams),
        "follow_map": _own_map_id(request, workshop),
    }
    return render(request, "workshops/present.html", context)


@login_required
def _workshop_order(request, workshop_id: int) -> Order:
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    if not access.can_read_workshop(request, workshop):
        raise Http404

    def read():
        access.limit_heavy(request, "pdf")
        return partial(printing.print_html_of, workshop.pk)  # read by the PDF worker

    key = printshop.cache_key("workshop", workshop.pk, *printing.what_it_shows(workshop))
    return Order(export_name(workshop, _("workshop") + ".pdf"), key, read)


@require_GET
async def export_pdf(request, workshop_id: int):
    """Every team's map in one PDF, for the facilitator to send after the session."""
    return await pdf_download(_workshop_order, request, workshop_id)
