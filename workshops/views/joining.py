"""Joining a workshop without an account: by the join link or QR code, by the code typed on
the landing page (rate-limited), or by a read-only link (a workshop's or one map's).

Joining creates a Participant that the browser's session remembers (workshops/access.py).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maps.models import JourneyMap
from workshops import access
from workshops.actions import facilitation as actions
from workshops.forms import JoinCodeForm, JoinForm
from workshops.models import JoinAttempt, Participant, Workshop, normalise_code

# Join-code guesses: per client, and in total against guesses spread over many addresses.
CLIENT_FAILURES, GLOBAL_FAILURES = 20, 300
FAILURE_WINDOW = datetime.timedelta(minutes=10)


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
            return redirect(participant.team.journey_map)
        if participant is not None:
            context = {"workshop": workshop, "removed": True}
            return render(request, "workshops/join_closed.html", context, status=403)
    form = JoinForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        participant = actions.join(workshop, **form.cleaned_data)
        access.remember_participant(request, participant)
        return redirect(participant.team.journey_map)
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


@require_GET
def map_view_link(request, token: str):
    """A manager's read-only link to one map (any map, in a workshop or not)."""
    journey_map = get_object_or_404(JourneyMap, view_token=token)
    access.remember_map_viewer(request, journey_map)
    return redirect(journey_map)
