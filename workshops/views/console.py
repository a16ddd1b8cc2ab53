"""The facilitator console: creating workshops, the console page and its team cards, and
removing a participant. The agenda and the projector are in agenda.py, the room controls in
controls.py, joining in joining.py, sharing in sharing.py."""

from __future__ import annotations

import io

import segno
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maps.models import MAX_SCORING_ROUNDS
from workshops import access, overview, room
from workshops import agenda as agendas
from workshops.access import author, login_required, require_editor
from workshops.actions import facilitation as actions
from workshops.forms import (
    AgendaTemplateForm,
    PrivateWritingForm,
    StepForm,
    TopMotForm,
    VoteForm,
    WorkshopCreateForm,
)
from workshops.models import AgendaTemplate, Workshop


def get_workshop(request, workshop_id: int, *, lock: bool = False) -> Workshop:
    """The workshop with its agenda, for facilitators (404 for everyone else); `lock` holds
    its row until the view's transaction ends, so controls apply one after another."""
    require_editor(request)
    queryset = Workshop.objects.prefetch_related("steps")
    if lock:
        queryset = queryset.select_for_update()
    return get_object_or_404(queryset, pk=workshop_id)


def join_url(request, workshop: Workshop) -> str:
    return request.build_absolute_uri(reverse("workshops:join", args=[workshop.join_token]))


def home(request):
    """Facilitators start at the maps; a participant back in their browser at their map;
    everyone else at the page for typing a join code."""
    if access.can_edit_maps(request.user):
        return redirect("maps:list")
    for workshop_id in request.session.get(access.PARTICIPANTS, {}):
        participant = access.participant_in(request.session, int(workshop_id))
        if participant is not None and participant.team is not None:
            return redirect(participant.team.journey_map)
    if request.user.is_authenticated:
        return redirect("maps:list")  # says 404: an account without facilitator rights
    return redirect("workshops:join-code")


@require_http_methods(["GET", "POST"])
@login_required
def workshop_list(request):
    require_editor(request)
    form = WorkshopCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(actions.create_workshop(by=author(request), **form.cleaned_data))
    context = {
        "workshops": Workshop.objects.prefetch_related("teams"),
        "form": form,
        "templates": AgendaTemplate.objects.all(),
    }
    return render(request, "workshops/list.html", context, status=422 if form.errors else 200)


def console_context(request, workshop: Workshop) -> dict:
    return {
        "workshop": workshop,
        "join_url": join_url(request, workshop),
        "view_url": request.build_absolute_uri(
            reverse("workshops:view", args=[workshop.view_token])
        ),
        "statuses": overview.team_statuses(workshop),
        "private_form": PrivateWritingForm(),
        "max_scoring_rounds": MAX_SCORING_ROUNDS,
        "scoring": overview.scoring_progress(workshop),
        "vote_form": VoteForm(initial={"dots": workshop.vote_dots}),
        "top_form": TopMotForm(),
        "step_forms": [
            (step, StepForm(instance=step, prefix=f"s{step.pk}")) for step in workshop.steps.all()
        ],
        "new_step_form": StepForm(prefix="new", initial={"minutes": 10}),
        "template_form": AgendaTemplateForm(prefix="template"),
        "max_steps": agendas.MAX_STEPS,
        **_ready(workshop),
    }


@require_GET
@login_required
def console(request, workshop_id: int):
    workshop = get_workshop(request, workshop_id)
    return render(request, "workshops/console.html", console_context(request, workshop))


def _teams(request, workshop: Workshop):
    context = {"workshop": workshop, "statuses": overview.team_statuses(workshop)}
    context |= _ready(workshop)
    return render(request, "workshops/console_teams.html", context)


def _ready(workshop: Workshop) -> dict:
    """Who is done with the step running now, per team, and whether every team is."""
    ready = room.ready_counts(workshop)
    return {
        "ready": ready,
        "ready_by_team": {name: (done, people) for name, done, people in ready},
        "all_ready": bool(ready) and all(done == people for _name, done, people in ready),
    }


@require_GET
@login_required
def teams_overview(request, workshop_id: int):
    """Polled by the console every few seconds."""
    return _teams(request, get_workshop(request, workshop_id))


@require_GET
@login_required
def qr_code(request, workshop_id: int):
    workshop = get_workshop(request, workshop_id)
    out = io.BytesIO()
    segno.make(join_url(request, workshop), error="m").save(out, kind="svg", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def console_answer(request, workshop: Workshop):
    """After a control: the agenda panel again (htmx), or the console page."""
    if request.htmx:
        return render(request, "workshops/console_agenda.html", console_context(request, workshop))
    return redirect(workshop)


@require_POST
@login_required
@transaction.atomic
def participant_remove(request, workshop_id: int, participant_id: int):
    workshop = get_workshop(request, workshop_id)
    participant = get_object_or_404(workshop.participants, pk=participant_id, removed_at=None)
    actions.remove_participant(participant)
    if request.htmx:
        return _teams(request, workshop)
    return redirect(workshop)
