"""What a team writes on its map: cards, emotion cards, action plans, dots, private cards.
Each view: access, a form, one action, one answer (workshops/views/answers.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maps.board import Board
from maps.forms import (
    ActionPlanForm,
    CardForm,
    EmotionCardForm,
    TouchpointFiguresForm,
)
from maps.models import Card, EmotionCard, Lane, TouchpointFigures
from maps.sorting import CardMoveForm
from workshops import access, mine
from workshops.access import author, get_map, get_map_for_edit, login_required
from workshops.actions import cards as actions
from workshops.models import Area
from workshops.views.answers import answer, fresh, kept_private, offer_undo, part

# Cards ---------------------------------------------------------------------------------------


def _asked_id(request, name: str) -> int:
    """An id from the query string of a form being opened; 404 for anything else."""
    value = request.GET.get(name, "")
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise Http404
    return int(value)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def card_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    if request.method == "GET":  # the add form of one cell (or the unsorted area), opened
        lane = request.GET.get("lane")
        if lane == Lane.UNSORTED:
            stage_id = ""
        elif lane in journey_map.lanes:
            stage_id = get_object_or_404(journey_map.stages, pk=_asked_id(request, "stage")).pk
        else:
            raise Http404
        access.check_area(request, *Area.opening(lane))
        context = {"stage_id": stage_id, "lane": lane, "open": True}
        return part(request, journey_map, "maps/card_add_form.html", context)
    form = CardForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {
            "form": form,
            "stage_id": request.POST.get("stage"),
            "lane": request.POST.get("lane"),
        }
        return part(request, journey_map, "maps/card_add_form.html", context, status=422)
    areas = Area.opening(form.cleaned_data["lane"])
    access.check_area(request, *areas)
    card, push = actions.add_card(
        journey_map,
        by=author(request),
        private_to=access.private_to(request, *areas),
        **form.cleaned_data,
    )
    # The add form stays open and empty, so a team can write card after card.
    primary = fresh(
        request,
        journey_map,
        "maps/card_add_form.html",
        stage_id=card.stage_id or "",
        lane=card.lane,
        open=True,
    )
    if push is None:
        return kept_private(request, journey_map, primary)
    return answer(request, journey_map, push, primary=primary)


@require_GET
@login_required
def card_detail(request, map_id: int, card_id: int):
    journey_map = get_map(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id)
    card = Board.load(journey_map, stage_ids=[card.stage_id]).card(card.pk)
    if card is None:
        raise Http404  # in a lane the map has turned off: not on the board
    return part(request, journey_map, "maps/card.html", {"card": card})


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def card_update(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = journey_map.cards.filter(pk=card_id).first()
    if card is None:
        # Deleted while someone edited it: say so, and hand back what they typed.
        context = {"card_id": card_id, "text": request.POST.get("text", "")}
        return part(request, journey_map, "maps/card_gone.html", context, status=410)
    access.check_area(request, *Area.opening(card.lane))
    template = "maps/card_form.html"
    if request.method == "GET":
        form = CardForm(instance=card, journey_map=journey_map)
        return part(request, journey_map, template, {"form": form, "card": card})
    if request.POST.get("version") != str(card.version):
        # Someone saved first. Keep their card; show it, and keep this person's text to reapply.
        form = CardForm(request.POST, instance=card, journey_map=journey_map)
        context = {"form": form, "card": card, "conflict": True}
        return part(request, journey_map, template, context, status=409)
    form = CardForm(request.POST, instance=card, journey_map=journey_map)
    if not form.is_valid():
        return part(request, journey_map, template, {"form": form, "card": card}, status=422)
    push = actions.edit_card(card, by=author(request), **form.cleaned_data)
    return answer(request, journey_map, push)


@require_POST
@login_required
@transaction.atomic
def card_move(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards.select_related("stage"), pk=card_id)
    access.check_area(request, *Area.opening(card.lane))
    form = CardMoveForm(request.POST, card=card)
    if not form.is_valid():
        refusal = (form.non_field_errors() or next(iter(form.errors.values())))[0]
        return HttpResponse(refusal, status=422, content_type="text/plain; charset=utf-8")
    stage, position, lane = form.target()
    access.check_area(request, *Area.opening(lane))
    push, taken = actions.move_card(card, stage, position, lane=lane, by=author(request))
    return offer_undo(answer(request, journey_map, push), taken)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def figures_update(request, map_id: int, card_id: int):
    """The figures of a touchpoint (response time, satisfaction, complaints, drop-off…)."""
    journey_map = get_map_for_edit(request, map_id, Area.TOUCHPOINT)
    card = get_object_or_404(journey_map.cards, pk=card_id, lane=Lane.TOUCHPOINT)
    template = "maps/figures_form.html"
    figures = TouchpointFigures.objects.filter(touchpoint=card).first()
    if request.method == "GET":
        form = TouchpointFiguresForm(instance=figures, touchpoint=card)
        return part(request, journey_map, template, {"form": form, "card": card})
    form = TouchpointFiguresForm(request.POST, instance=figures, touchpoint=card)
    if not form.is_valid():
        return part(request, journey_map, template, {"form": form, "card": card}, status=422)
    push = actions.edit_figures(card, by=author(request), **form.cleaned_data)
    return answer(request, journey_map, push)


@require_POST
@login_required
@transaction.atomic
def card_mot(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    access.check_area(request, Area.MOT, Area.TOUCHPOINT)
    card = get_object_or_404(journey_map.cards, pk=card_id, lane=Lane.TOUCHPOINT)
    return answer(request, journey_map, actions.toggle_mot(card, by=author(request)))


@require_POST
@login_required
@transaction.atomic
def card_delete(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id)
    access.check_area(request, *Area.opening(card.lane))
    push, taken = actions.delete_card(card, by=author(request))
    return offer_undo(answer(request, journey_map, push), taken)


# Emotion cards -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def emotion_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.EMOTION)
    if request.method == "GET":  # a touchpoint's (or a stage's) emotion form, opened
        if "touchpoint" in request.GET:
            cards = journey_map.cards.filter(lane=Lane.TOUCHPOINT)
            touchpoint = get_object_or_404(cards, pk=_asked_id(request, "touchpoint"))
            context = {"touchpoint_id": touchpoint.pk, "stage_id": touchpoint.stage_id}
        else:
            stage = get_object_or_404(journey_map.stages, pk=_asked_id(request, "stage"))
            context = {"touchpoint_id": None, "stage_id": stage.pk}
        return part(request, journey_map, "maps/emotion_form.html", context | {"open": True})
    form = EmotionCardForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {
            "form": form,
            "touchpoint_id": request.POST.get("touchpoint"),
            "stage_id": request.POST.get("stage"),
        }
        return part(request, journey_map, "maps/emotion_form.html", context, status=422)
    private_to = access.private_to(request, Area.EMOTION)
    if private_to and request.role.workshop.private_anonymous:
        form.cleaned_data["anonymous"] = True  # the facilitator chose it for everyone
    emotion, push = actions.add_emotion(
        journey_map, by=author(request), private_to=private_to, **form.cleaned_data
    )
    primary = fresh(
        request,
        journey_map,
        "maps/emotion_form.html",
        touchpoint_id=emotion.touchpoint_id,
        stage_id=emotion.stage_id,
    )
    if push is None:
        return kept_private(request, journey_map, primary)
    return answer(request, journey_map, push, primary=primary)


@require_POST
@login_required
@transaction.atomic
def emotion_delete(request, map_id: int, emotion_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.EMOTION)
    emotion = get_object_or_404(journey_map.emotion_cards, pk=emotion_id)
    return answer(request, journey_map, actions.delete_emotion(emotion, by=author(request)))


# Private writing and dot voting --------------------------------------------------------------


@require_POST
@login_required
@transaction.atomic
def private_delete(request, map_id: int, kind: str, item_id: int):
    """Take back one of one's own private cards before the reveal."""
    models = {"card": Card, "emotion": EmotionCard}
    if kind not in models:
        raise Http404
    journey_map = get_map_for_edit(request, map_id)
    item = get_object_or_404(
        models[kind].all_objects.filter(journey_map=journey_map).exclude(private_to=""),
        pk=item_id,
        private_to=access.author_key(request),
    )
    actions.take_back(item)
    return kept_private(request, journey_map)


@require_POST
@login_required
@transaction.atomic
def card_dot(request, map_id: int, card_id: int, change: str):
    """Put a dot on a card, or take one back, in the workshop's open vote."""
    if change not in ("add", "remove"):
        raise Http404
    journey_map = get_map_for_edit(request, map_id)
    workshop = request.role.workshop
    if workshop is None:
        raise access.WriteRefused(_("Dot voting happens in a workshop."))
    card = get_object_or_404(journey_map.cards, pk=card_id)
    dot = actions.place_dot if change == "add" else actions.take_dot_back
    push = dot(workshop, card, by=author(request))
    own = mine.render(journey_map, [mine.DOTS_LEFT], mine.context(request, journey_map))
    return answer(request, journey_map, push, primary=own)


# Action plans --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def plan_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.PLAN)
    if request.method == "GET":  # the plan form of an opportunity or a MOT, opened
        mots = Q(lane=Lane.TOUCHPOINT, is_mot=True)
        cards = journey_map.cards.filter(Q(lane=Lane.OPPORTUNITY) | mots)
        card = get_object_or_404(cards, pk=_asked_id(request, "opportunity"))
        context = {"opportunity_id": card.pk, "open": True}
        return part(request, journey_map, "maps/plan_add_form.html", context)
    form = ActionPlanForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {"form": form, "opportunity_id": request.POST.get("opportunity")}
        return part(request, journey_map, "maps/plan_add_form.html", context, status=422)
    plan, push = actions.add_plan(journey_map, by=author(request), **form.cleaned_data)
    primary = fresh(
        request, journey_map, "maps/plan_add_form.html", opportunity_id=plan.opportunity_id
    )
    return answer(request, journey_map, push, primary=primary)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def plan_update(request, map_id: int, plan_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.PLAN)
    plan = get_object_or_404(journey_map.action_plans.select_related("opportunity"), pk=plan_id)
    if request.method == "GET":
        if request.GET.get("cancel"):
            return part(request, journey_map, "maps/plan_row.html", {"plan": plan})
        form = ActionPlanForm(instance=plan, journey_map=journey_map)
        return part(request, journey_map, "maps/plan_form.html", {"form": form, "plan": plan})
    form = ActionPlanForm(request.POST, instance=plan, journey_map=journey_map)
    if not form.is_valid():
        context = {"form": form, "plan": plan}
        return part(request, journey_map, "maps/plan_form.html", context, status=422)
    return answer(
        request, journey_map, actions.edit_plan(plan, by=author(request), **form.cleaned_data)
    )


@require_POST
@login_required
@transaction.atomic
def plan_delete(request, map_id: int, plan_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.PLAN)
    plan = get_object_or_404(journey_map.action_plans.select_related("opportunity"), pk=plan_id)
    return answer(request, journey_map, actions.delete_plan(plan, by=author(request)))
