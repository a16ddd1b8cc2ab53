"""A plan's owner, from the link the team gave them (/p/<token>/), with no account: that plan
alone — its status, what came of it, progress notes — and a calendar of the plans they own.
The link grants nothing else: no session rights, no other page; a rotated link is dead."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maps import exports
from maps.forms import PlanNoteForm, PlanProgressForm
from maps.models import ActionPlan, JourneyMap
from workshops import ratelimit
from workshops.access import Author, TooFast
from workshops.actions import plans as actions
from workshops.views.downloads import download

PAGE = "workshops/owner_plan.html"


def _plan(token: str, *, lock: bool = False) -> ActionPlan | None:
    plans = ActionPlan.objects.select_related("opportunity__stage", "journey_map")
    plan = plans.filter(owner_token=token).first() if token else None
    if plan is not None and lock:  # edits of one map happen one after another
        JourneyMap.objects.select_for_update().filter(pk=plan.journey_map_id).first()
    return plan


def _gone(request) -> HttpResponse:
    return render(request, "workshops/owner_gone.html", status=404)


def _owner(plan: ActionPlan) -> Author:
    return Author(name=plan.owner or _("Owner"), key=f"o{plan.pk}")


@require_http_methods(["GET", "POST"])
@transaction.atomic
def owner_plan(request, token: str):
    plan = _plan(token, lock=request.method == "POST")
    if plan is None:
        return _gone(request)
    progress, note = PlanProgressForm(instance=plan), PlanNoteForm()
    if request.method == "POST":
        limit = settings.WRITES_PER_MINUTE
        if not ratelimit.hit(f"owner:{ratelimit.hashed(token)}", limit, 60):
            raise TooFast(_("Slow down: at most %(n)d changes a minute.") % {"n": limit})
        if "text" in request.POST:
            note = PlanNoteForm(request.POST)
            if note.is_valid():
                actions.add_progress_note(plan, text=note.cleaned_data["text"], by=_owner(plan))
                return redirect(request.path + "#notes")
        else:
            progress = PlanProgressForm(request.POST, instance=plan)
            if progress.is_valid():
                actions.record_progress(plan, by=_owner(plan), **progress.cleaned_data)
                return redirect(request.path + "?saved=1")
            plan.refresh_from_db()  # the page shows what is saved, the form what was sent
    context = {
        "plan": plan,
        "progress": progress,
        "note": note,
        "notes": plan.notes.all(),
        "overdue": plan.is_overdue(timezone.localdate()),
        "saved": request.GET.get("saved") == "1",
    }
    status = 422 if progress.errors or note.errors else 200
    return render(request, PAGE, context, status=status)


@require_GET
def owner_calendar(request, token: str):
    """Every plan with a due date that this owner holds on the plan's map (or, for a
    workshop team's map, in the whole workshop), with a reminder the day before."""
    plan = _plan(token)
    if plan is None:
        return _gone(request)
    plans = ActionPlan.objects.filter(owner__iexact=plan.owner.strip()) if plan.owner else None
    plans = plans if plans is not None else ActionPlan.objects.filter(pk=plan.pk)
    team = getattr(plan.journey_map, "team", None)
    if team is not None:
        plans = plans.filter(journey_map__team__workshop_id=team.workshop_id)
    else:
        plans = plans.filter(journey_map=plan.journey_map)
    name = plan.owner or plan.journey_map.title
    ics = exports.plans_calendar(plans, name, host=request.get_host().split(":")[0])
    return download(ics, "text/calendar; charset=utf-8", "plans.ics")
