"""Merging duplicate cards, and taking back one's own delete, move or merge. Each view:
access, a form, one action, one answer (workshops/views/answers.py)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods, require_POST

from maps.models import Lane, OpportunityScore
from maps.scoring import ScoreForm
from maps.sorting import CardMergeForm
from workshops import access, undo
from workshops.access import author, get_map_for_edit, login_required
from workshops.actions import sorting as actions
from workshops.models import Area
from workshops.views.answers import answer, offer_undo, part


def _refused(form) -> HttpResponse:
    refusal = (form.non_field_errors() or next(iter(form.errors.values())))[0]
    return HttpResponse(refusal, status=422, content_type="text/plain; charset=utf-8")


@require_POST
@login_required
@transaction.atomic
def card_merge(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = CardMergeForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        return _refused(form)
    kept, others = form.cleaned_data["kept"], form.cleaned_data["others"]
    for card in (kept, *others):
        access.check_area(request, *Area.opening(card.lane))
    push, taken = actions.merge_cards(kept, others, by=author(request))
    return offer_undo(answer(request, journey_map, push), taken)


@require_POST
@login_required
@transaction.atomic
def take_back(request, map_id: int, undo_id: int):
    """One's own slip, within the undo window, unless someone changed the cards since."""
    journey_map = get_map_for_edit(request, map_id)
    taken = undo.find(journey_map, undo_id, author(request))
    for lane in undo.lanes(taken):  # as for the slip itself: lanes the agenda step opens
        access.check_area(request, *Area.opening(lane))
    return answer(request, journey_map, actions.take_back(taken, by=author(request)))


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def card_score(request, map_id: int, card_id: int):
    """One person's scores for an opportunity: value for the customer and the business, and
    effort, 1–5 each (maps/scoring.py)."""
    journey_map = get_map_for_edit(request, map_id, Area.OPPORTUNITY)
    card = get_object_or_404(journey_map.cards, pk=card_id, lane=Lane.OPPORTUNITY)
    mine = OpportunityScore.objects.filter(card=card, scorer=author(request).key).first()
    template = "maps/score_form.html"
    if request.method == "GET":
        return part(
            request, journey_map, template, {"form": ScoreForm(instance=mine), "card": card}
        )
    form = ScoreForm(request.POST, instance=mine)
    if not form.is_valid():
        return part(request, journey_map, template, {"form": form, "card": card}, status=422)
    push = actions.score_opportunity(card, by=author(request), **form.cleaned_data)
    return answer(request, journey_map, push)
