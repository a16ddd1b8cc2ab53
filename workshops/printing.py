"""The whole workshop as one document: a cover with every team's curve, then each team's map
as the map's own print document (maps/print_document.html) on pages of its own."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from maps import charts, pdf
from workshops.models import Workshop


def workshop_html(workshop: Workshop) -> str:
    documents = []
    for team in workshop.teams.select_related("journey_map__persona", "workshop"):
        document = pdf.document_context(team.journey_map, team=team.heading)
        document["team_name"] = team.name
        document["participants"] = [
            p.display_name for p in team.participants.filter(removed_at=None)
        ]
        documents.append(document)
    drawn = [(d["team_name"], d["curve"]) for d in documents if not d["curve"].is_empty]
    context = {
        "workshop": workshop,
        "documents": documents,
        "chart": charts.inline_svg(charts.render_compare(drawn)) if drawn else None,
        "printing": True,
        "printed_at": timezone.localtime(),
    }
    return render_to_string("workshops/print.html", context)
