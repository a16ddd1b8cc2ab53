"""Board views. One path for every edit:

1. the view locks the map row (`get_map_for_edit` inside the view's transaction), so edits of
   one map are serialised and every push renders a state at least as new as its own change;
2. a form validates the input; an invalid one comes back in place with status 422;
3. the models change, and `fragments.render` turns what changed into out-of-band partials;
4. `broadcast.map_changed` bumps the map's sequence number and pushes those partials to the
   room after commit; the editor gets the same partials in the HTTP response.

Without JavaScript the same URLs redirect back to the board.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap

from maps import fragments
from maps.board import Board, Ranking
from maps.curve import CurveData
from maps.forms import (
    ActionPlanForm,
    CardForm,
    CardMoveForm,
    DirectionForm,
    EmotionCardForm,
    JourneyMapCreateForm,
    JourneyMapDetailsForm,
    MapImportForm,
    PersonaForm,
    StageForm,
)
from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane
from workshops import access, broadcast, mine, room, voting
from workshops.access import (
    editable_maps,
    get_map,
    get_map_for_edit,
    login_required,
    require_editor,
    user_or_none,
    who,
)
from workshops.models import Area

BOARD = "maps/board.html"


def journey_map_url(journey_map: JourneyMap) -> str:
    return reverse("maps:board", args=[journey_map.pk])


# Separates the element that made the request from the push in an editor's answer.
PUSH_MARK = "<!--journeymap-push-->"


def _done(
    request, journey_map: JourneyMap, html: str, *, primary: str = "", resent: bool = False
) -> HttpResponse:
    """Push what changed to the room; answer the editor with the same push (and `primary`,
    which replaces the element that made the request). The answer carries the push's sequence
    number, so live.js applies it once and in order, whichever way it arrives first."""
    if resent:
        # The add landed before and the room heard of it then: nothing new to push. The
        # sender, who may have missed it, gets the parts as they are now (swapped by id).
        if not request.htmx:
            return redirect(journey_map_url(journey_map))
        return HttpResponse(primary + html)
    seq = broadcast.map_changed(journey_map, html, by=who(request))
    if not request.htmx:
        return redirect(journey_map_url(journey_map))
    response = HttpResponse(primary + PUSH_MARK + html, headers={"X-Journeymap-Seq": str(seq)})
    return response if primary else reswap(response, "none")


def _kept_private(request, journey_map: JourneyMap, primary: str = "") -> HttpResponse:
    """A write only its author may see yet (private writing): nothing goes to the room; the
    author's answer updates their own list of private cards."""
    if not request.htmx:
        return redirect(journey_map_url(journey_map))
    parts = mine.render(request, journey_map, ["private_mine"], mine.context(request, journey_map))
    response = HttpResponse(primary + parts)
    return response if primary else reswap(response, "none")


def _partial(request, journey_map: JourneyMap, name: str, context: dict, *, status=200):
    """One partial of the board page: in place for htmx, inside a plain page without it."""
    context = {"journey_map": journey_map, **context}
    if request.htmx:
        return render(request, f"{BOARD}#{name}", context, status=status)
    context["partial"] = f"{BOARD}#{name}"
    return render(request, "maps/form_page.html", context, status=status)


def _create_once(queryset, form, **fields):
    """Save the form's new object, unless a retried request (same client_token) already did:
    then return that one, so an edit resent after a dropped answer lands exactly once."""
    token = form.cleaned_data.get("client_token")
    existing = queryset.filter(client_token=token).first() if token else None
    if existing is not None:
        existing.resent = True
        return existing
    obj = form.save(commit=False)
    for name, value in {"client_token": token, **fields}.items():
        setattr(obj, name, value)
    obj.save()
    obj.resent = False
    return obj


def _fresh(request, journey_map: JourneyMap, name: str, **context) -> str:
    """A partial rendered to a string, e.g. a fresh add form to replace the one just used."""
    return render(
        request, f"{BOARD}#{name}", {"journey_map": journey_map, **context}
    ).content.decode()


# Maps ---------------------------------------------------------------------------------------


@require_GET
@login_required
def map_list(request):
    require_editor(request)
    maps = editable_maps(request).select_related("persona")
    context = {"maps": maps, "form": JourneyMapCreateForm(), "import_form": MapImportForm()}
    return render(request, "maps/list.html", context)


@require_POST
@login_required
def map_create(request):
    require_editor(request)
    form = JourneyMapCreateForm(request.POST)
    if not form.is_valid():
        context = {"maps": editable_maps(request), "form": form, "import_form": MapImportForm()}
        return render(request, "maps/list.html", context, status=422)
    journey_map = form.save()
    journey_map.created_by = request.user
    journey_map.save(update_fields=["created_by"])
    return redirect(journey_map_url(journey_map))


@require_POST
@login_required
def map_import(request):
    require_editor(request)
    form = MapImportForm(request.POST, request.FILES)
    journey_map = form.import_map(request.user) if form.is_valid() else None
    if journey_map is None:
        context = {
            "maps": editable_maps(request),
            "form": JourneyMapCreateForm(),
            "import_form": form,
        }
        return render(request, "maps/list.html", context, status=422)
    return redirect(journey_map_url(journey_map))


@require_GET
@login_required
def board(request, map_id: int):
    journey_map = get_map(request, map_id)
    board = Board.load(journey_map)
    workshop = _workshop_of(request)
    context = {
        "journey_map": journey_map,
        "board": board,
        "curve": CurveData.from_board(board),
        "role": request.role,
        "workshop": workshop,
        "mine": mine.context(request, journey_map),
    }
    if workshop is not None and workshop.vote_lane:
        context["ranking"] = Ranking.load(journey_map, workshop.vote_lane)
    return render(request, BOARD, context)


def _workshop_of(request):
    """The workshop of the map this request opened, with its agenda, or None."""
    workshop = request.role.workshop  # loaded with the team by access.role_for
    if workshop is not None:
        prefetch_related_objects([workshop], "steps")
    return workshop


@require_GET
@login_required
def snapshot(request, map_id: int):
    """The whole board as out-of-band partials, for a client that missed pushes or was away.
    `?since=N` answers 204 when nothing changed after N."""
    journey_map = get_map(request, map_id)
    # Read the sequence number before the board: what is rendered is at least that new.
    if request.GET.get("since") == str(journey_map.seq):
        return HttpResponse(status=204, headers={"X-Journeymap-Seq": str(journey_map.seq)})
    html = fragments.render(request, journey_map, header=True, grid=True, plans=True)
    workshop = _workshop_of(request)
    if workshop is not None:
        html += room.bar_html(request, workshop, oob=True)
    return HttpResponse(html, headers={"X-Journeymap-Seq": str(journey_map.seq)})


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def details_update(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.SETUP)
    if request.method == "GET":
        if request.GET.get("cancel"):
            return _partial(request, journey_map, "map_header", {})
        form = JourneyMapDetailsForm(instance=journey_map)
        return _partial(request, journey_map, "details_form", {"form": form})
    old_type = journey_map.map_type
    form = JourneyMapDetailsForm(request.POST, instance=journey_map)
    if not form.is_valid():
        return _partial(request, journey_map, "details_form", {"form": form}, status=422)
    form.save()
    lanes_changed = journey_map.map_type != old_type
    html = fragments.render(request, journey_map, header=True, grid=lanes_changed)
    return _done(request, journey_map, html)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def persona_update(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.SETUP)
    if request.method == "GET":
        form = PersonaForm(instance=journey_map.persona)
        return _partial(request, journey_map, "persona_form", {"form": form})
    persona = journey_map.persona
    mine = editable_maps(request).values("pk")
    if persona and persona.journey_maps.exclude(pk__in=mine).exists():
        persona = None  # shared with maps this person may not change: this map gets a copy
    form = PersonaForm(request.POST, instance=persona)
    if not form.is_valid():
        return _partial(request, journey_map, "persona_form", {"form": form}, status=422)
    journey_map.persona = form.save()
    journey_map.save(update_fields=["persona", "updated_at"])
    # A persona can be shared: every map that shows it gets the new header.
    for other in (
        editable_maps(request).filter(persona=journey_map.persona).exclude(pk=journey_map.pk)
    ):
        broadcast.map_changed(other, fragments.render(request, other, header=True), by=who(request))
    return _done(request, journey_map, fragments.render(request, journey_map, header=True))


# Stages -------------------------------------------------------------------------------------


@require_POST
@login_required
@transaction.atomic
def stage_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    form = StageForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        return _partial(request, journey_map, "stage_add_form", {"form": form}, status=422)
    journey_map.add_stage(form.cleaned_data["name"])
    return _done(request, journey_map, fragments.render(request, journey_map, grid=True))


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def stage_rename(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    if request.method == "GET":
        form = StageForm(instance=stage)
        return _partial(request, journey_map, "stage_form", {"form": form, "stage": stage})
    form = StageForm(request.POST, instance=stage)
    if not form.is_valid():
        context = {"form": form, "stage": stage}
        return _partial(request, journey_map, "stage_form", context, status=422)
    form.save()
    return _done(request, journey_map, fragments.render(request, journey_map, grid=True))


@require_POST
@login_required
@transaction.atomic
def stage_move(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    form = DirectionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["direction"] not in ("left", "right"):
        return HttpResponse(_("Move a stage left or right."), status=422)
    stage.move_to(stage.position + (-1 if form.cleaned_data["direction"] == "left" else 1))
    return _done(request, journey_map, fragments.render(request, journey_map, grid=True))


@require_POST
@login_required
@transaction.atomic
def stage_delete(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    stage.delete()
    return _done(
        request, journey_map, fragments.render(request, journey_map, grid=True, plans=True)
    )


# Cards --------------------------------------------------------------------------------------


@require_POST
@login_required
@transaction.atomic
def card_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id)
    form = CardForm(request.POST, journey_map=journey_map)
    stage_id, lane = request.POST.get("stage"), request.POST.get("lane")
    if not form.is_valid():
        context = {"form": form, "stage_id": stage_id, "lane": lane}
        return _partial(request, journey_map, "add_card_form", context, status=422)
    area = Area.for_lane(form.cleaned_data["lane"])
    access.check_area(request, area)
    card = _create_once(
        Card.all_objects.filter(journey_map=journey_map),
        form,
        created_by=user_or_none(request),
        updated_by_name=who(request),
        private_to=access.private_to(request, area),
    )
    # The add form stays open and empty, so a team can write card after card.
    primary = _fresh(
        request, journey_map, "add_card_form", stage_id=card.stage_id, lane=card.lane, open=True
    )
    if card.private_to:
        return _kept_private(request, journey_map, primary)
    if card.resent:  # the whole cell, by id: appending again would show the card twice
        html = fragments.render(request, journey_map, cells=[(card.stage_id, card.lane)])
        return _done(request, journey_map, html, primary=primary, resent=True)
    # Only the new card travels, appended to its cell (pushes apply once, in order).
    html = fragments.render(request, journey_map, appended=[card.pk], curve=card.is_touchpoint)
    return _done(request, journey_map, html, primary=primary)


@require_GET
@login_required
def card_detail(request, map_id: int, card_id: int):
    journey_map = get_map(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id)
    board = Board.load(journey_map, stage_ids=[card.stage_id])
    card = next(c for cell in board.columns[0].cells for c in cell.cards if c.pk == card.pk)
    return _partial(request, journey_map, "card", {"card": card, "column": board.columns[0]})


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def card_update(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = journey_map.cards.filter(pk=card_id).first()
    if card is None:
        # Deleted while someone edited it: say so, and hand back what they typed.
        context = {"card_id": card_id, "text": request.POST.get("text", "")}
        return _partial(request, journey_map, "card_gone", context, status=410)
    access.check_area(request, Area.for_lane(card.lane))
    if request.method == "GET":
        form = CardForm(instance=card, journey_map=journey_map)
        return _partial(request, journey_map, "card_form", {"form": form, "card": card})
    form = CardForm(request.POST, instance=card, journey_map=journey_map)
    if request.POST.get("version") != str(card.version):
        # Someone saved first. Keep their card; show it, and keep this person's text to reapply.
        card.refresh_from_db()
        form = CardForm(request.POST, instance=card, journey_map=journey_map)
        context = {"form": form, "card": card, "conflict": True}
        return _partial(request, journey_map, "card_form", context, status=409)
    if not form.is_valid():
        return _partial(request, journey_map, "card_form", {"form": form, "card": card}, status=422)
    card = form.save(commit=False)
    card.updated_by_name = who(request)
    card.save()
    html = fragments.render(request, journey_map, cards=[card.pk], curve=card.is_touchpoint)
    return _done(request, journey_map, html)


@require_POST
@login_required
@transaction.atomic
def card_move(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards.select_related("stage", "journey_map"), pk=card_id)
    access.check_area(request, Area.for_lane(card.lane))
    form = CardMoveForm(request.POST, card=card)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=422)
    old = card.stage_id
    stage, position = form.target()
    card.move_to(stage, position)
    stages = {old, stage.pk} if card.is_touchpoint else ()  # its emotion cards moved too
    html = fragments.render(
        request,
        journey_map,
        cells=[(old, card.lane), (stage.pk, card.lane)],
        stages=stages,
        curve=card.is_touchpoint,
    )
    return _done(request, journey_map, html)


@require_POST
@login_required
@transaction.atomic
def card_mot(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.TOUCHPOINT)
    card = get_object_or_404(journey_map.cards, pk=card_id, lane=Lane.TOUCHPOINT)
    # Only the flag changes, so an open text editor on this card is not made stale.
    Card.objects.filter(pk=card.pk).update(is_mot=not card.is_mot)
    html = fragments.render(request, journey_map, cards=[card.pk], curve=True)
    return _done(request, journey_map, html)


@require_POST
@login_required
@transaction.atomic
def card_delete(request, map_id: int, card_id: int):
    journey_map = get_map_for_edit(request, map_id)
    card = get_object_or_404(journey_map.cards, pk=card_id)
    access.check_area(request, Area.for_lane(card.lane))
    card.delete()
    html = fragments.render(
        request,
        journey_map,
        cells=[(card.stage_id, card.lane)],
        stages=[card.stage_id] if card.is_touchpoint else (),
        plans=card.lane == Lane.OPPORTUNITY,
        curve=card.is_touchpoint,
    )
    return _done(request, journey_map, html)


# Emotion cards ------------------------------------------------------------------------------


def _emotion_fragments(request, journey_map: JourneyMap, emotion: EmotionCard) -> str:
    cards = [emotion.touchpoint_id] if emotion.touchpoint_id else ()
    return fragments.render(
        request, journey_map, cards=cards, stages=[emotion.stage_id], curve=True
    )


@require_POST
@login_required
@transaction.atomic
def emotion_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.EMOTION)
    form = EmotionCardForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {
            "form": form,
            "touchpoint_id": request.POST.get("touchpoint"),
            "stage_id": request.POST.get("stage"),
        }
        return _partial(request, journey_map, "emotion_form", context, status=422)
    emotion = _create_once(
        EmotionCard.all_objects.filter(journey_map=journey_map),
        form,
        author=user_or_none(request),
        author_name=who(request),
        private_to=access.private_to(request, Area.EMOTION),
    )
    primary = _fresh(
        request,
        journey_map,
        "emotion_form",
        touchpoint_id=emotion.touchpoint_id,
        stage_id=emotion.stage_id,
    )
    if emotion.private_to:
        return _kept_private(request, journey_map, primary)
    html = _emotion_fragments(request, journey_map, emotion)
    return _done(request, journey_map, html, primary=primary, resent=emotion.resent)


@require_POST
@login_required
@transaction.atomic
def emotion_delete(request, map_id: int, emotion_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.EMOTION)
    emotion = get_object_or_404(EmotionCard, pk=emotion_id, journey_map=journey_map)
    emotion.delete()
    return _done(request, journey_map, _emotion_fragments(request, journey_map, emotion))


# Private writing and dot voting (workshops) -------------------------------------------------


@require_POST
@login_required
@transaction.atomic
def private_delete(request, map_id: int, kind: str, item_id: int):
    """Take back one of one's own private cards before the reveal."""
    models = {"card": Card, "emotion": EmotionCard}
    if kind not in models:
        raise Http404
    journey_map = get_map_for_edit(request, map_id)
    model = models[kind]
    item = get_object_or_404(
        model.all_objects.filter(journey_map=journey_map).exclude(private_to=""),
        pk=item_id,
        private_to=access.author_key(request),
    )
    item.delete()
    return _kept_private(request, journey_map)


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
    voter = access.author_key(request)
    (voting.add_dot if change == "add" else voting.remove_dot)(workshop, card, voter)
    html = fragments.render(request, journey_map, votes=[card.pk], ranking=workshop.vote_lane)
    primary = mine.render(request, journey_map, ["my_dots"], mine.context(request, journey_map))
    return _done(request, journey_map, html, primary=primary)


# Action plans -------------------------------------------------------------------------------


def _plan_fragments(request, journey_map: JourneyMap, plan: ActionPlan) -> str:
    return fragments.render(request, journey_map, cards=[plan.opportunity_id], plans=True)


@require_POST
@login_required
@transaction.atomic
def plan_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.PLAN)
    form = ActionPlanForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {"form": form, "opportunity_id": request.POST.get("opportunity")}
        return _partial(request, journey_map, "plan_add_form", context, status=422)
    plan = _create_once(journey_map.action_plans, form)
    primary = _fresh(request, journey_map, "plan_add_form", opportunity_id=plan.opportunity_id)
    html = _plan_fragments(request, journey_map, plan)
    return _done(request, journey_map, html, primary=primary, resent=plan.resent)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def plan_update(request, map_id: int, plan_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.PLAN)
    plan = get_object_or_404(
        ActionPlan.objects.select_related("opportunity"), pk=plan_id, journey_map=journey_map
    )
    if request.method == "GET":
        if request.GET.get("cancel"):
            return _partial(request, journey_map, "plan_row", {"plan": plan})
        form = ActionPlanForm(instance=plan, journey_map=journey_map)
        return _partial(request, journey_map, "plan_form", {"form": form, "plan": plan})
    form = ActionPlanForm(request.POST, instance=plan, journey_map=journey_map)
    if not form.is_valid():
        context = {"form": form, "plan": plan}
        return _partial(request, journey_map, "plan_form", context, status=422)
    form.save()
    return _done(request, journey_map, _plan_fragments(request, journey_map, plan))


@require_POST
@login_required
@transaction.atomic
def plan_delete(request, map_id: int, plan_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.PLAN)
    plan = get_object_or_404(
        ActionPlan.objects.select_related("opportunity"), pk=plan_id, journey_map=journey_map
    )
    plan.delete()
    return _done(request, journey_map, _plan_fragments(request, journey_map, plan))
