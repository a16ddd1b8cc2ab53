"""Joining a workshop without an account: by the join link or QR code, by the code typed on
the landing page (rate-limited), or by a read-only link (a workshop's or one map's).

Joining creates a Participant that the browser's session remembers (workshops/access.py).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maps.models import JourneyMap
from workshops import access, ratelimit
from workshops.actions import facilitation as actions
from workshops.forms import JoinCodeForm, JoinForm
from workshops.models import Participant, Workshop, normalise_code

# Join-code guesses, counted in the shared cache per address in ten-minute windows. While
# many wrong codes arrive from everywhere (guessing spread over addresses), each address gets
# only a few tries: a newcomer typing the right code still gets in, a guesser gets nowhere.
CLIENT_FAILURES, GLOBAL_FAILURES, UNDER_PRESSURE = 20, 300, 3
WINDOW = 10 * 60


def _client_key(request) -> str:
    return "join-guess:" + ratelimit.hashed(request.META.get("REMOTE_ADDR") or "unknown")


def _refusal(request) -> str | None:
    """Why this try is refused, or None. The try is counted before the code is looked at, so
    parallel tries from one address cannot all slip under the limit; a right code gives it
    back."""
    tries = ratelimit.take(_client_key(request), WINDOW)
    if ratelimit.count("join-guess:all", WINDOW) >= GLOBAL_FAILURES:
        if tries > UNDER_PRESSURE:
            return _(
                "Many wrong codes are being tried right now, so each network gets only a few "
                "tries. Check the code with the facilitator, or use the join link or QR code."
            )
    elif tries > CLIENT_FAILURES:
        return _("Too many wrong codes from this network. Wait ten minutes and try again.")
    return None


@require_http_methods(["GET", "POST"])
def join_by_code(request):
    """The workshop's landing page: type the code read out in the room."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "workshops/join_code.html", {"form": form}, status=422 if form.errors else 200
        )
    refusal = _refusal(request)
    if refusal:
        form.add_error(None, refusal)
        return render(request, "workshops/join_code.html", {"form": form}, status=429)
    code = normalise_code(form.cleaned_data["code"])
    workshop = Workshop.objects.filter(join_code=code).first()
    if workshop is None or not workshop.can_join:
        ratelimit.take("join-guess:all", WINDOW)
        form.add_error("code", _("No open workshop has this code. Check it with the facilitator."))
        return render(request, "workshops/join_code.html", {"form": form}, status=422)
    ratelimit.give_back(_client_key(request), WINDOW)
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
