"""Board views. Each edit: check access, validate a form, change the models in one
transaction, answer with the partials of the board page that changed.

Forms post with htmx and target themselves: an invalid form comes back in place with its
errors (status 422); a valid one answers with what changed and retargets to it. Without
JavaScript the same URLs redirect back to the board.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from maps.board import Board
from maps.forms import (
    ActionPlanForm,
    CardForm,
    CardMoveForm,
    DirectionForm,
    EmotionCardForm,
    JourneyMapCreateForm,
    JourneyMapDetailsForm,
    PersonaForm,
    StageForm,
)
from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane
from workshops.access import editable_maps, get_map_for_edit, login_required, require_editor

BOARD = "maps/board.html"


def _render_parts(request, parts: list[tuple[str, dict]]) -> str:
    """The first partial swaps into the target; the rest swap out-of-band by their id."""
    return "".join(
        render_to_string(f"{BOARD}#{name}", {**context, "oob": i > 0}, request)
        for i, (name, context) in enumerate(parts)
    )


def _changed(request, journey_map: JourneyMap, target: str, parts: list[tuple[str, dict]]):
    """Every successful edit ends here: the map is marked changed, the editor gets the parts."""
    journey_map.touch()
    if not request.htmx:
        return redirect(journey_map_url(journey_map))
    response = HttpResponse(_render_parts(request, parts))
    return reswap(retarget(response, target), "outerHTML")


def _form_response(request, journey_map: JourneyMap, partial: str, context: dict, *, status=200):
    """A form partial: in place for htmx, or inside a plain page without JavaScript."""
    context = {"journey_map": journey_map, **context}
    if request.htmx:
        return render(request, f"{BOARD}#{partial}", context, status=status)
    context["partial"] = f"{BOARD}#{partial}"
    return render(request, "maps/form_page.html", context, status=status)


def journey_map_url(journey_map: JourneyMap) -> str:
    return reverse("maps:board", args=[journey_map.pk])


def _column_parts(journey_map: JourneyMap, *stage_ids: int, **extra) -> list[tuple[str, dict]]:
    board = Board.load(journey_map, stage_ids=list(stage_ids))
    return [
        ("stage_column", {"journey_map": journey_map, "board": board, "column": column, **extra})
        for column in board.columns
    ]


def _card_context(journey_map: JourneyMap, card: Card) -> dict:
    board = Board.load(journey_map, stage_ids=[card.stage_id])
    found = next(
        c for col in board.columns for cell in col.cells for c in cell.cards if c.pk == card.pk
    )
    return {"journey_map": journey_map, "board": board, "card": found, "column": board.columns[0]}


def _grid(journey_map: JourneyMap) -> tuple[str, dict]:
    return "board_grid", {"journey_map": journey_map, "board": Board.load(journey_map)}


# Maps ---------------------------------------------------------------------------------------


@require_GET
@login_required
def map_list(request):
    require_editor(request)
    maps = editable_maps(request).select_related("persona")
    return render(request, "maps/list.html", {"maps": maps, "form": JourneyMapCreateForm()})


@require_POST
@login_required
def map_create(request):
    require_editor(request)
    form = JourneyMapCreateForm(request.POST)
    if not form.is_valid():
        maps = editable_maps(request)
        return render(request, "maps/list.html", {"maps": maps, "form": form}, status=422)
    journey_map = form.save()
    journey_map.created_by = request.user
    journey_map.save(update_fields=["created_by"])
    response = redirect(journey_map_url(journey_map))
    if request.htmx:
        response = HttpResponse(headers={"HX-Redirect": journey_map_url(journey_map)})
    return response


@require_GET
@login_required
def board(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    return render(request, BOARD, {"journey_map": journey_map, "board": Board.load(journey_map)})


@require_http_methods(["GET", "POST"])
@login_required
def details_update(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    if request.method == "GET":
        if request.GET.get("cancel"):
            return _form_response(request, journey_map, "map_header", {})
        form = JourneyMapDetailsForm(instance=journey_map)
        return _form_response(request, journey_map, "details_form", {"form": form})
    old_type = journey_map.map_type
    form = JourneyMapDetailsForm(request.POST, instance=journey_map)
    if not form.is_valid():
        return _form_response(request, journey_map, "details_form", {"form": form}, status=422)
    form.save()
    parts = [("map_header", {"journey_map": journey_map})]
    if journey_map.map_type != old_type:  # lanes may have changed
        parts.append(_grid(journey_map))
    return _changed(request, journey_map, "#map-header", parts)


@require_http_methods(["GET", "POST"])
@login_required
def persona_update(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    if request.method == "GET":
        form = PersonaForm(instance=journey_map.persona)
        return _form_response(request, journey_map, "persona_form", {"form": form})
    form = PersonaForm(request.POST, instance=journey_map.persona)
    if not form.is_valid():
        return _form_response(request, journey_map, "persona_form", {"form": form}, status=422)
    with transaction.atomic():
        journey_map.persona = form.save()
        journey_map.save(update_fields=["persona", "updated_at"])
    return _changed(
        request, journey_map, "#map-header", [("map_header", {"journey_map": journey_map})]
    )


# Stages -------------------------------------------------------------------------------------


@require_POST
@login_required
def stage_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _form_response(request, journey_map, "stage_add_form", {"form": form}, status=422)
    journey_map.add_stage(form.cleaned_data["name"])
    return _changed(request, journey_map, "#board-grid", [_grid(journey_map)])


@require_http_methods(["GET", "POST"])
@login_required
def stage_rename(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id)
    stage = get_object_or_404(journey_map.stages.with_emotion_summary(), pk=stage_id)
    if request.method == "GET":
        form = StageForm(instance=stage)
        return _form_response(request, journey_map, "stage_form", {"form": form, "stage": stage})
    form = StageForm(request.POST, instance=stage)
    if not form.is_valid():
        return _form_response(
            request, journey_map, "stage_form", {"form": form, "stage": stage}, status=422
        )
    form.save()
    return _changed(request, journey_map, "#board-grid", [_grid(journey_map)])


@require_POST
@login_required
def stage_move(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    form = DirectionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["direction"] not in ("left", "right"):
        return HttpResponse(_("Move a stage left or right."), status=422)
    stage.move_to(stage.position + (-1 if form.cleaned_data["direction"] == "left" else 1))
    return _changed(request, journey_map, "#board-grid", [_grid(journey_map)])


@require_POST
@login_required
def stage_delete(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    stage.delete()
    return _changed(request, journey_map, "#board-grid", [_grid(journey_map)])


# Cards --------------------------------------------------------------------------------------


@require_POST
@login_required
def card_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = CardForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {
            "form": form,
            "stage_id": request.POST.get("stage"),
            "lane": request.POST.get("lane"),
        }
        return _form_response(request, journey_map, "add_card_form", context, status=422)
    with transaction.atomic():
        card = form.save()
        card.created_by = request.user
        card.save(update_fields=["created_by"])
    # The cell's add form stays open, so a team can write card after card.
    parts = _column_parts(journey_map, card.stage_id, open_cell=card.lane)
    return _changed(request, journey_map, f"#stage-{card.stage_id}", parts)


@require_GET
@login_required
def card_detail(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id)
    return _form_response(request, journey_map, "card", _card_context(journey_map, card))


@require_http_methods(["GET", "POST"])
@login_required
def card_update(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id)
    if request.method == "GET":
        form = CardForm(instance=card, journey_map=journey_map)
        return _form_response(request, journey_map, "card_form", {"form": form, "card": card})
    form = CardForm(request.POST, instance=card, journey_map=journey_map)
    if not form.is_valid():
        return _form_response(
            request, journey_map, "card_form", {"form": form, "card": card}, status=422
        )
    form.save()
    return _changed(
        request, journey_map, f"#card-{card.pk}", [("card", _card_context(journey_map, card))]
    )


@require_POST
@login_required
def card_move(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards.select_related("stage", "journey_map"), pk=card_id)
    form = CardMoveForm(request.POST, card=card)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=422)
    old_stage_id = card.stage_id
    stage, position = form.target()
    card.move_to(stage, position)
    stage_ids = [old_stage_id] if stage.pk == old_stage_id else [old_stage_id, stage.pk]
    parts = _column_parts(journey_map, *stage_ids)
    parts.sort(key=lambda part: part[1]["column"].stage.pk != old_stage_id)
    return _changed(request, journey_map, f"#stage-{old_stage_id}", parts)


@require_POST
@login_required
def card_mot(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id, lane=Lane.TOUCHPOINT)
    with transaction.atomic():
        Card.objects.filter(pk=card.pk).update(is_mot=not card.is_mot)
        card.refresh_from_db()
    return _changed(
        request, journey_map, f"#card-{card.pk}", [("card", _card_context(journey_map, card))]
    )


@require_POST
@login_required
def card_delete(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id)
    card.delete()
    parts = _column_parts(journey_map, card.stage_id)
    if card.lane == Lane.OPPORTUNITY:  # its action plans went with it
        parts.append(
            (
                "plans_table",
                {"journey_map": journey_map, "board": Board.load(journey_map, stage_ids=[])},
            )
        )
    return _changed(request, journey_map, f"#stage-{card.stage_id}", parts)


# Emotion cards ------------------------------------------------------------------------------


@require_POST
@login_required
def emotion_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = EmotionCardForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {
            "form": form,
            "touchpoint_id": request.POST.get("touchpoint"),
            "stage_id": request.POST.get("stage"),
        }
        return _form_response(request, journey_map, "emotion_form", context, status=422)
    emotion = form.save(commit=False)
    emotion.author = request.user
    emotion.author_name = request.user.get_full_name() or request.user.get_username()
    emotion.save()
    return _changed(
        request,
        journey_map,
        f"#stage-{emotion.stage_id}",
        _column_parts(journey_map, emotion.stage_id),
    )


@require_POST
@login_required
def emotion_delete(request, map_id: int, emotion_id: int):
    journey_map = get_map_for_edit(request, map_id)
    emotion = get_object_or_404(EmotionCard, pk=emotion_id, journey_map=journey_map)
    emotion.delete()
    return _changed(
        request,
        journey_map,
        f"#stage-{emotion.stage_id}",
        _column_parts(journey_map, emotion.stage_id),
    )


# Action plans -------------------------------------------------------------------------------


def _plans_changed(request, journey_map: JourneyMap, stage_id: int, target: str):
    board = Board.load(journey_map, stage_ids=[stage_id])
    parts = [("plans_table", {"journey_map": journey_map, "board": board})]
    column_parts = [
        ("stage_column", {"journey_map": journey_map, "board": board, "column": c})
        for c in board.columns
    ]
    if target.startswith("#stage-"):
        parts = column_parts + parts
    else:
        parts += column_parts
    return _changed(request, journey_map, target, parts)


@require_POST
@login_required
def plan_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = ActionPlanForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {"form": form, "opportunity_id": request.POST.get("opportunity")}
        return _form_response(request, journey_map, "plan_add_form", context, status=422)
    plan = form.save()
    return _plans_changed(
        request, journey_map, plan.opportunity.stage_id, f"#stage-{plan.opportunity.stage_id}"
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_update(request, map_id: int, plan_id: int):
    journey_map = get_map_for_edit(request, map_id)
    plan = get_object_or_404(
        ActionPlan.objects.select_related("opportunity"), pk=plan_id, journey_map=journey_map
    )
    if request.method == "GET":
        if request.GET.get("cancel"):
            return _form_response(request, journey_map, "plan_row", {"plan": plan})
        form = ActionPlanForm(instance=plan, journey_map=journey_map)
        return _form_response(request, journey_map, "plan_form", {"form": form, "plan": plan})
    form = ActionPlanForm(request.POST, instance=plan, journey_map=journey_map)
    if not form.is_valid():
        return _form_response(
            request, journey_map, "plan_form", {"form": form, "plan": plan}, status=422
        )
    form.save()
    return _plans_changed(request, journey_map, plan.opportunity.stage_id, "#plans")


@require_POST
@login_required
def plan_delete(request, map_id: int, plan_id: int):
    journey_map = get_map_for_edit(request, map_id)
    plan = get_object_or_404(
        ActionPlan.objects.select_related("opportunity"), pk=plan_id, journey_map=journey_map
    )
    plan.delete()
    return _plans_changed(request, journey_map, plan.opportunity.stage_id, "#plans")
