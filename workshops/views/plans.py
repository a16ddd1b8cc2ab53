"""Action plans after the workshop: a plans page for a map and for a workshop (overdue, due
this week, by owner, with results), the owner's link an editor gives out, and the workshop's
calendar feed (a secret address a calendar app subscribes to)."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from maps import exports
from maps.followup import PlanGroups
from maps.models import ActionPlan
from workshops import access
from workshops.access import get_map, get_map_for_edit, login_required
from workshops.actions import plans as actions
from workshops.models import Area, Workshop
from workshops.views.downloads import download


def _plans(queryset):
    return list(queryset.select_related("opportunity__stage", "journey_map__team"))


@require_GET
@login_required
def map_plans(request, map_id: int):
    """Everyone who may read the map, a manager's read-only link too."""
    journey_map = get_map(request, map_id)
    groups = PlanGroups.of(_plans(journey_map.action_plans.all()), timezone.localdate())
    context = {"journey_map": journey_map, "groups": groups, "title": journey_map.title}
    return render(request, "workshops/plans_page.html", context)


@require_GET
@login_required
def workshop_plans(request, workshop_id: int):
    """Every team's plans: the facilitator and the workshop's read-only link."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    if not access.can_read_workshop(request, workshop):
        raise Http404
    plans = ActionPlan.objects.filter(journey_map__team__workshop=workshop)
    context = {
        "workshop": workshop,
        "groups": PlanGroups.of(_plans(plans), timezone.localdate()),
        "title": workshop.title,
        "calendar_url": _calendar_url(request, workshop)
        if access.can_edit_maps(request.user)
        else "",
    }
    return render(request, "workshops/plans_page.html", context)


def _calendar_url(request, workshop: Workshop) -> str:
    path = reverse("workshops:calendar", args=[workshop.calendar()])
    return request.build_absolute_uri(path)


@require_GET
def workshop_calendar(request, token: str):
    """The calendar feed: no login (calendar apps have none); the token is the secret."""
    workshop = Workshop.objects.filter(calendar_token=token).first() if token else None
    if workshop is None:
        raise Http404
    plans = ActionPlan.objects.filter(journey_map__team__workshop=workshop)
    ics = exports.plans_calendar(plans, workshop.title, host=request.get_host().split(":")[0])
    return download(ics, "text/calendar; charset=utf-8", "plans.ics")


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def owner_link(request, map_id: int, plan_id: int):
    """The owner's link of a plan, for the map's editors to give out or replace."""
    journey_map = get_map_for_edit(request, map_id, Area.PLAN)
    plan = get_object_or_404(journey_map.action_plans, pk=plan_id)
    token = actions.owner_link(plan, rotate=request.method == "POST")
    url = request.build_absolute_uri(reverse("workshops:owner", args=[token]))
    context = {
        "journey_map": journey_map,
        "plan": plan,
        "url": url,
        "rotated": request.method == "POST",
    }
    return render(request, "workshops/owner_link.html", context)
