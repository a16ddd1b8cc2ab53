"""The facilitator console, and joining a workshop by link, code or read-only link.

Console actions change the workshop row and push the room bar to every team's screens
(workshops/room.py); joining creates a Participant that the browser's session remembers.
"""

from __future__ import annotations

import datetime
import io

import segno
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maps import curve, pdf
from maps.board import Board
from maps.curve import CurveData
from maps.models import JourneyMap, Lane
from maps.views import export_name, journey_map_url, pdf_download
from workshops import access, broadcast, overview, room, voting
from workshops.access import login_required, require_editor, who
from workshops.forms import (
    ExtendForm,
    GoForm,
    JoinCodeForm,
    JoinForm,
    PrivateWritingForm,
    StepChoiceForm,
    StepForm,
    TopMotForm,
    VoteForm,
    WorkshopCreateForm,
)
from workshops.models import JoinAttempt, Participant, Workshop, normalise_code

# Join-code guesses: per client, and in total against guesses spread over many addresses.
CLIENT_FAILURES, GLOBAL_FAILURES = 20, 300
FAILURE_WINDOW = datetime.timedelta(minutes=10)


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


# Joining -----------------------------------------------------------------------------------


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _too_many_guesses(request) -> bool:
    since = timezone.now() - FAILURE_WINDOW
    failures = JoinAttempt.objects.filter(succeeded=False, at__gte=since)
    return (
        failures.filter(client=_client(request)).count() >= CLIENT_FAILURES
        or failures.count() >= GLOBAL_FAILURES
    )


@require_http_methods(["GET", "POST"])
def join_by_code(request):
    """The workshop's landing page: type the code read out in the room."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "workshops/join_code.html", {"form": form}, status=422 if form.errors else 200
        )
    if _too_many_guesses(request):
        form.add_error(None, _("Too many wrong codes from here. Wait ten minutes and try again."))
        return render(request, "workshops/join_code.html", {"form": form}, status=429)
    code = normalise_code(form.cleaned_data["code"])
    workshop = Workshop.objects.filter(join_code=code).first()
    ok = workshop is not None and workshop.can_join
    JoinAttempt.objects.create(client=_client(request), succeeded=ok)
    JoinAttempt.objects.filter(at__lt=timezone.now() - FAILURE_WINDOW).delete()
    if not ok:
        form.add_error("code", _("No open workshop has this code. Check it with the facilitator."))
        return render(request, "workshops/join_code.html", {"form": form}, status=422)
    return redirect("workshops:join", token=workshop.join_token)


@require_http_methods(["GET", "POST"])
def join(request, token: str):
    workshop = get_object_or_404(Workshop.objects.prefetch_related("teams"), join_token=token)
    if not workshop.can_join:
        return render(request, "workshops/join_closed.html", {"workshop": workshop}, status=410)
    joined = request.session.get(access.PARTICIPANTS, {}).get(str(workshop.pk))
    if joined is not None:
        participant = Participant.objects.filter(pk=joined).first()
        if participant is not None and participant.removed_at is None:
            return redirect(journey_map_url(participant.team.journey_map))
        if participant is not None:
            context = {"workshop": workshop, "removed": True}
            return render(request, "workshops/join_closed.html", context, status=403)
    form = JoinForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        participant = form.save()
        access.remember_participant(request, participant)
        return redirect(journey_map_url(participant.team.journey_map))
    teams = workshop.teams.annotate(
        members=Count("participants", filter=Q(participants__removed_at=None))
    )
    context = {"workshop": workshop, "form": form, "teams": teams}
    return render(request, "workshops/join.html", context, status=422 if form.errors else 200)


@require_GET
def view_link(request, token: str):
    """A manager's read-only link: every team's map of one workshop, with the exports."""
    workshop = get_object_or_404(Workshop, view_token=token)
    access.remember_viewer(request, workshop)
    return redirect("workshops:maps", workshop_id=workshop.pk)


def map_view_link(request, token: str):
    """A manager's read-only link to one map (any map, in a workshop or not)."""
    journey_map = get_object_or_404(JourneyMap, view_token=token)
    access.remember_map_viewer(request, journey_map)
    return redirect(journey_map_url(journey_map))


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
    teams = list(workshop.teams.select_related("journey_map__persona"))
    series = [(team.name, CurveData.load(team.journey_map)) for team in teams]
    drawn = [(label, data) for label, data in series if not data.is_empty]
    context = {
        "workshop": workshop,
        "teams": zip(teams, [data for _label, data in series], strict=True),
        "chart": curve.inline_svg(curve.draw_compare(drawn)) if drawn else None,
        "is_facilitator": access.can_edit_maps(request.user),
    }
    return render(request, "workshops/gallery.html", context)


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
    }
    return render(request, "workshops/present.html", context)


@login_required
def _workshop_print(request, workshop_id: int):
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    if not access.can_read_workshop(request, workshop):
        raise Http404
    return export_name(workshop, _("workshop") + ".pdf"), pdf.workshop_html(workshop, request)


@require_GET
async def export_pdf(request, workshop_id: int):
    """Every team's map in one PDF, for the facilitator to send after the session."""
    return await pdf_download(_workshop_print, request, workshop_id)
