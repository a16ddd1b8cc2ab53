"""The facilitator's room controls, one short view each: the clock and the agenda steps, the
lock, closing, the gallery, bringing everyone somewhere, private writing, dot votes, the links.

Each locks the workshop row, calls one action (which pushes the new room bar, and what changed
on the maps, to every team) and answers with the console's agenda panel.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maps.models import MAX_SCORING_ROUNDS, Lane
from workshops.access import author, login_required
from workshops.actions import facilitation as actions
from workshops.forms import (
    ExtendForm,
    GoForm,
    PerspectivesForm,
    PrivateWritingForm,
    StepChoiceForm,
    TopMotForm,
    VoteForm,
)
from workshops.views.console import console_answer, get_workshop


def control(*, while_closed: bool = False):
    """A console control: POST, a facilitator, the workshop row locked for the transaction;
    refused while the workshop is closed (but for reopening it)."""

    def decorate(view):
        @require_POST
        @login_required
        @transaction.atomic
        @wraps(view)
        def run(request, workshop_id: int):
            workshop = get_workshop(request, workshop_id, lock=True)
            if workshop.is_closed and not while_closed:
                return refused(request, workshop, _("The workshop is closed. Reopen it first."))
            return view(request, workshop) or console_answer(request, workshop)

        return run

    return decorate


def refused(request, workshop, message: str):
    if request.htmx:
        return HttpResponse(message, status=422, content_type="text/plain")
    messages.error(request, message)
    return redirect(workshop)


# The clock and the agenda ---------------------------------------------------------------------


@control()
def start(request, workshop):
    actions.start_clock(workshop, by=author(request))


@control()
def pause(request, workshop):
    actions.pause_clock(workshop, by=author(request))


@control()
def resume(request, workshop):
    actions.resume_clock(workshop, by=author(request))


@control()
def extend(request, workshop):
    form = ExtendForm(request.POST)
    if not form.is_valid() or workshop.step_index is None:
        return refused(request, workshop, _("Start the agenda, then add 1 to 60 minutes."))
    actions.extend_clock(workshop, minutes=form.cleaned_data["minutes"], by=author(request))


@control()
def step(request, workshop):
    form = StepChoiceForm(request.POST)
    if not form.is_valid() or form.cleaned_data["step"] >= len(workshop.steps.all()):
        return refused(request, workshop, _("There is no such step."))
    actions.go_to_step(workshop, index=form.cleaned_data["step"], by=author(request))


# The room -------------------------------------------------------------------------------------


@control()
def lock(request, workshop):
    actions.lock_board(workshop, locked=True, by=author(request))


@control()
def unlock(request, workshop):
    actions.lock_board(workshop, locked=False, by=author(request))


@control()
def close(request, workshop):
    actions.close_workshop(workshop, by=author(request))


@control(while_closed=True)
def reopen(request, workshop):
    actions.reopen_workshop(workshop, by=author(request))


@control()
def gallery_open(request, workshop):
    actions.open_gallery(workshop, is_open=True, by=author(request))


@control()
def gallery_close(request, workshop):
    actions.open_gallery(workshop, is_open=False, by=author(request))


@control()
def go(request, workshop):
    form = GoForm(request.POST, workshop=workshop)
    if not form.is_valid():
        return refused(request, workshop, _("Choose where to send everyone."))
    actions.bring_everyone(workshop, where=form.cleaned_data["where"], by=author(request))


# Private writing and dot voting ---------------------------------------------------------------


@control()
def private_start(request, workshop):
    form = PrivateWritingForm(request.POST)
    if workshop.private_areas:
        return refused(request, workshop, _("Private writing is on already: reveal first."))
    if not form.is_valid():
        return refused(request, workshop, next(iter(form.errors.values()))[0])
    actions.start_private_writing(workshop, by=author(request), **form.cleaned_data)


@control()
def reveal(request, workshop):
    actions.reveal(workshop, by=author(request))


@control()
def vote_open(request, workshop):
    form = VoteForm(request.POST)
    if not form.is_valid():
        return refused(request, workshop, _("Choose what to vote on and 1 to 10 dots."))
    data = form.cleaned_data
    actions.open_vote(workshop, lane=data["lane"], dots=data["dots"], by=author(request))


@control()
def vote_close(request, workshop):
    actions.close_vote(workshop, by=author(request))


@control()
def mot_top(request, workshop):
    form = TopMotForm(request.POST)
    if workshop.vote_lane != Lane.TOUCHPOINT or not form.is_valid():
        return refused(request, workshop, _("Vote on touchpoints first, then flag 1 to 10."))
    actions.flag_top_as_mot(workshop, count=form.cleaned_data["count"], by=author(request))


@control()
def scores_private(request, workshop):
    actions.hide_scores(workshop, hidden=True, by=author(request))


@control()
def scores_reveal(request, workshop):
    actions.hide_scores(workshop, hidden=False, by=author(request))


# Felt by whom -----------------------------------------------------------------------------------


@control()
def rescore(request, workshop):
    if workshop.scoring_round >= MAX_SCORING_ROUNDS:
        message = _("A workshop has at most %(n)d scoring rounds.") % {"n": MAX_SCORING_ROUNDS}
        return refused(request, workshop, message)
    actions.open_scoring_round(workshop, by=author(request))


@control()
def perspectives(request, workshop):
    form = PerspectivesForm(request.POST, instance=workshop)
    form.is_valid()  # two check boxes: absent means off
    actions.set_perspectives(workshop, by=author(request), **form.cleaned_data)


# The links --------------------------------------------------------------------------------------


@control()
def rotate(request, workshop):
    actions.rotate_join(workshop)
    messages.success(request, _("New join link and code: the old ones no longer work."))
    return redirect(workshop)


@control(while_closed=True)
def rotate_calendar(request, workshop):
    actions.rotate_calendar(workshop)
    messages.success(request, _("New calendar address: the old one no longer updates."))
    return redirect("workshops:plans", workshop.pk)


@control()
def rotate_view(request, workshop):
    actions.rotate_view(workshop)
    messages.success(request, _("New read-only link: the old one no longer opens anything."))
    return redirect(workshop)
