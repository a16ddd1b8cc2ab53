"""The whole workshop as one document: a cover with every team's curve, then each team's map
as the map's own print document (maps/print_document.html) on pages of its own."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from maps import charts, pdf
from workshops.models import Workshop


def workshop_context(workshop: Workshop) -> dict:
    """What workshops/print.html needs, read from the database (`render_workshop` makes the
    HTML of it); both run in the PDF worker (`print_html_of`)."""
    documents = []
    for team in workshop.teams.select_related("journey_map__persona", "workshop"):
        document = pdf.document_context(team.journey_map, team=team.heading)
        document["team_name"] = team.name
        document["participants"] = [
            p.display_name for p in team.participants.filter(removed_at=None)
        ]
        documents.append(document)
    drawn = [(d["team_name"], d["curve"]) for d in documents if not d["curve"].is_empty]
    return {
        "workshop": workshop,
        "documents": documents,
        "chart": charts.inline_svg(charts.render_compare(drawn)) if drawn else None,
        "printing": True,
        "printed_at": timezone.localtime(),
    }


def render_workshop(context: dict) -> str:
    """The workshop's HTML from `workshop_context`, touching no database: each team's
    document exactly as its own PDF has it (every part of its context), then the whole."""
    for document in context["documents"]:
        html = render_to_string("maps/print_document.html", document)
        document["html"] = mark_safe(html)  # noqa: S308 - our template's output
    return render_to_string("workshops/print.html", context)


def print_html_of(workshop_id: int) -> str:
    """The workshop's HTML from its id: the PDF worker reads it (workshops/print_worker.py)."""
    return render_workshop(workshop_context(Workshop.objects.get(pk=workshop_id)))


def what_it_shows(workshop: Workshop) -> tuple:
    """What the workshop's document changes with: each team's map state, who took part in
    which team, and the language it is written in."""
    teams = workshop.teams.order_by("pk").values_list("pk", "name", "journey_map_id")
    maps = workshop.teams.order_by("pk").values_list("journey_map__seq", "journey_map__updated_at")
    people = workshop.teams.filter(participants__removed_at=None).values_list(
        "pk", "participants__pk", "participants__display_name"
    )
    return (
        workshop.created_at,
        workshop.title,
        workshop.date,
        list(teams),
        list(maps),
        sorted((team, pk or 0, name or "") for team, pk, name in people),
        get_language(),
    )
