"""The MOT ledger page: which touchpoints teams pick as MOT across every map and workshop, and
the facilitator's confirming or splitting of its matches."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from maps.forms import MotMatchForm
from maps.models import ActionPlan, MotEvent, MotMatch
from maps.mot_ledger import ledger
from workshops.access import author, editable_maps, login_required, require_editor
from workshops.actions import maps as actions


@require_GET
@login_required
def mot_ledger(request):
    require_editor(request)
    maps = editable_maps(request).values("pk")
    events = MotEvent.objects.filter(journey_map__in=maps)
    plans = ActionPlan.objects.filter(journey_map__in=maps).select_related("opportunity__stage")
    entries = ledger(events, plans, MotMatch.objects.all())
    return render(request, "workshops/mot_ledger.html", {"entries": entries})


@require_POST
@login_required
@transaction.atomic
def mot_match(request):
    require_editor(request)
    form = MotMatchForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=422)
    actions.decide_mot_match(by=author(request), **form.cleaned_data)
    return redirect("maps:mots")
