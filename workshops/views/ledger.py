"""The MOT ledger page: which touchpoints teams pick as MOT across every map and workshop."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from maps.models import ActionPlan, MotEvent
from maps.mot_ledger import ledger
from workshops.access import editable_maps, login_required, require_editor


@require_GET
@login_required
def mot_ledger(request):
    require_editor(request)
    maps = editable_maps(request).values("pk")
    events = MotEvent.objects.filter(journey_map__in=maps)
    plans = ActionPlan.objects.filter(journey_map__in=maps).select_related("opportunity__stage")
    entries = ledger(events, plans)
    return render(request, "workshops/mot_ledger.html", {"entries": entries})
