"""The facilitator console: creating workshops, the agenda and its clock, the room controls
(lock, close, gallery, bring everyone), private writing and dot voting, and the teams.

Console actions change the workshop row and push the room bar (and what changed on the maps)
to every team's screens (workshops/room.py). Joining is in joining.py, sharing in sharing.py.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maps.models import Lane
from maps.views import journey_map_url
from workshops import access, broadcast, overview, room, voting
from workshops.access import login_required, require_editor, who
from workshops.forms import (
    ExtendForm,
    GoForm,
    PrivateWritingForm,
    StepChoiceForm,
    StepForm,
    TopMotForm,
    VoteForm,
    WorkshopCreateForm,
)
from workshops.models import Workshop


def _workshop(request, workshop_id: int, *, lock: bool = False) -> Workshop:
    require_editor(request)
    queryset = Workshop.objects.prefetch_related("steps")
    if lock:
        queryset = queryset.select_for_update()
    return get_object_or_404(queryset, pk=workshop_id)


def console_url(workshop: Workshop) -> str:
    return reverse("workshops:console", args=[workshop.pk])


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
            return redirect(journey_map_url(participant.team.journey_map))
    if request.user.is_authenticated:
        return redirect("maps:list")  # says 404: an account without facilitator rights
    return redirect("workshops:join-code")


# Facilitator ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def workshop_list(request):
    require_editor(request)
    form = WorkshopCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workshop = form.create(request.user)
        return redirect(console_url(workshop))
    workshops = Workshop.objects.prefetch_related("teams")
    status = 422 if form.errors else 200
    return render(
        request, "workshops/list.html", {"workshops": workshops, "form": form}, status=status
    )


def _console_context(request, workshop: Workshop) -> dict:
    return {
        "workshop": workshop,
        "join_url": join_url(request, workshop),
        "view_url": request.build_absolute_uri(
            reverse("workshops:view", args=[workshop.view_token])
        ),
        "statuses": overview.team_statuses(workshop),
        "private_form": PrivateWritingForm(),
        "vote_form": VoteForm(initial={"dots": workshop.vote_dots}),
        "top_form": TopMotForm(),
        "step_forms": [
            (step, StepForm(instance=step, prefix=f"s{step.pk}")) for step in workshop.steps.all()
        ],
    }


@require_GET
@login_required
def console(request, workshop_id: int):
    workshop = _workshop(request, workshop_id)
    return render(request, "workshops/console.html", _console_context(request, workshop))


@require_GET
@login_required
def teams_overview(request, workshop_id: int):
    """Polled by the console every few seconds."""
    workshop = _workshop(request, workshop_id)
    context = {"workshop": workshop, "statuses": overview.team_statuses(workshop)}
    return render(request, "workshops/console.html#teams", context)


@require_GET
@login_required
def qr_code(request, workshop_id: int):
    workshop = _workshop(request, workshop_id)
    out = io.BytesIO()
    segno.make(join_url(request, workshop), error="m").save(out, kind="svg", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@require_GET
@login_required
def join_screen(request, workshop_id: int):
    """The code and QR code, big enough for a projector."""
    workshop = _workshop(request, workshop_id)
    context = {"workshop": workshop, "join_url": join_url(request, workshop)}
    return render(request, "workshops/join_screen.html", context)


CLOCK_ACTIONS = {
    "start": Workshop.start,
    "pause": Workshop.pause,
    "resume": Workshop.resume,
}


@require_POST
@login_required
@transaction.atomic
def control(request, workshop_id: int, action: str):
    """One facilitator control. Each one pushes the new room bar to every team."""
    workshop = _workshop(request, workshop_id, lock=True)
    if workshop.is_closed and action != "reopen":
        return _refused(request, workshop, _("The workshop is closed. Reopen it first."))
    if action in CLOCK_ACTIONS:
        CLOCK_ACTIONS[action](workshop)
    elif action == "extend":
        form = ExtendForm(request.POST)
        if not form.is_valid() or workshop.step_index is None:
            return _refused(request, workshop, _("Start the agenda, then add 1 to 60 minutes."))
        workshop.extend(form.cleaned_data["minutes"])
    elif action == "step":
        form = StepChoiceForm(request.POST)
        if not form.is_valid() or form.cleaned_data["step"] >= len(workshop.steps.all()):
            return _refused(request, workshop, _("There is no such step."))
        workshop.go_to_step(form.cleaned_data["step"])
    elif action in ("lock", "unlock"):
        workshop.locked = action == "lock"
        workshop.save(update_fields=["locked"])
    elif action == "close":
        workshop.pause()
        workshop.closed_at = timezone.now()
        workshop.save(update_fields=["closed_at"])
    elif action == "reopen":
        workshop.closed_at = None
        workshop.save(update_fields=["closed_at"])
    elif action in ("gallery-open", "gallery-close"):
        workshop.gallery_open = action == "gallery-open"
        workshop.save(update_fields=["gallery_open"])
    elif action == "go":
        form = GoForm(request.POST, workshop=workshop)
        if not form.is_valid():
            return _refused(request, workshop, _("Choose where to send everyone."))
        room.send_everyone(workshop, form.cleaned_data["where"])
    elif action in ACTIVITIES:
        return ACTIVITIES[action](request, workshop)
    elif action == "rotate":
        workshop.rotate_join()
        messages.success(request, _("New join link and code: the old ones no longer work."))
        return redirect(console_url(workshop))
    elif action == "rotate-view":
        workshop.rotate_view()
        for team in workshop.teams.all():
            broadcast.recheck_room(team.journey_map_id)
        messages.success(request, _("New read-only link: the old one no longer opens anything."))
        return redirect(console_url(workshop))
    else:
        raise Http404
    room.push_state(request, workshop, by=who(request))
    return _console_answer(request, workshop)


# Private writing and dot voting: each changes cards on every team's map, so each pushes the
# changed board parts with the room bar (room.push_board).


def _private_start(request, workshop: Workshop):
    form = PrivateWritingForm(request.POST)
    if workshop.private_areas:
        return _refused(request, workshop, _("Private writing is on already: reveal first."))
    if not form.is_valid():
        return _refused(request, workshop, form.errors["areas"][0])
    workshop.start_private_writing(form.cleaned_data["areas"])
    empty = {"private": {"cards": [], "emotions": []}}
    room.push_board(request, workshop, by=who(request), shared=(["private_mine"], empty))
    return _console_answer(request, workshop)


def _reveal(request, workshop: Workshop):
    workshop.reveal()
    room.push_board(
        request, workshop, by=who(request), grid=True, plans=True, shared=(["private_mine"], {})
    )
    return _console_answer(request, workshop)


def _vote_open(request, workshop: Workshop):
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, workshop, _("Choose what to vote on and 1 to 10 dots."))
    lane, dots = form.cleaned_data["lane"], form.cleaned_data["dots"]
    workshop.open_vote(lane, dots)
    room.push_board(
        request,
        workshop,
        by=who(request),
        grid=True,
        ranking=lane,
        shared=(["my_dots"], {"dots_left": dots}),
    )
    return _console_answer(request, workshop)


def _vote_close(request, workshop: Workshop):
    workshop.close_vote()
    # The grid again: a card's count stays shown after the vote only if it got dots.
    room.push_board(request, workshop, by=who(request), grid=True, shared=(["my_dots"], {}))
    return _console_answer(request, workshop)


def _mot_top(request, workshop: Workshop):
    form = TopMotForm(request.POST)
    if workshop.vote_lane != Lane.TOUCHPOINT or not form.is_valid():
        return _refused(request, workshop, _("Vote on touchpoints first, then flag 1 to 10."))
    voting.flag_top_as_mot(workshop, form.cleaned_data["count"])
    room.push_board(request, workshop, by=who(request), grid=True, ranking=Lane.TOUCHPOINT)
    return _console_answer(request, workshop)


ACTIVITIES = {
    "private-start": _private_start,
    "reveal": _reveal,
    "vote-open": _vote_open,
    "vote-close": _vote_close,
    "mot-top": _mot_top,
}


def _console_answer(request, workshop: Workshop):
    if request.htmx:
        return render(request, "workshops/console.html#agenda", _console_context(request, workshop))
    return redirect(console_url(workshop))


def _refused(request, workshop: Workshop, message: str):
    if request.htmx:
        return HttpResponse(message, status=422, content_type="text/plain")
    messages.error(request, message)
    return redirect(console_url(workshop))


@require_POST
@login_required
@transaction.atomic
def step_update(request, workshop_id: int, step_id: int):
    workshop = _workshop(request, workshop_id, lock=True)
    step = get_object_or_404(workshop.steps.all(), pk=step_id)
    form = StepForm(request.POST, instance=step, prefix=f"s{step.pk}")
    if not form.is_valid():
        context = _console_context(request, workshop)
        context["step_forms"] = [
            (s, form if s.pk == step.pk else StepForm(instance=s, prefix=f"s{s.pk}"))
            for s in workshop.steps.all()
        ]
        template = "workshops/console.html#agenda" if request.htmx else "workshops/console.html"
        return render(request, template, context, status=422)
    form.save()
    workshop = _workshop(request, workshop_id)  # the steps as saved
    if step.position == workshop.step_index:
        room.push_state(request, workshop, by=who(request))
    return _console_answer(request, workshop)


@require_POST
@login_required
@transaction.atomic
def participant_remove(request, workshop_id: int, participant_id: int):
    workshop = _workshop(request, workshop_id)
    participant = get_object_or_404(workshop.participants, pk=participant_id, removed_at=None)
    participant.removed_at = timezone.now()
    participant.save(update_fields=["removed_at"])
    broadcast.kick(participant.pk)
    if request.htmx:
        context = {"workshop": workshop, "statuses": overview.team_statuses(workshop)}
        return render(request, "workshops/console.html#teams", context)
    return redirect(console_url(workshop))
