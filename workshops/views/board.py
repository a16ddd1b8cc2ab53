"""The board page, its re-read for screens that missed pushes, and the map's setup: details,
persona, stages, its read-only link."""

from __future__ import annotations

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maps import followup, scoring
from maps.board import Board, Ranking
from maps.curve import CurveData
from maps.forms import (
    DirectionForm,
    JourneyMapDetailsForm,
    MapLanesForm,
    PersonaForm,
    StageForm,
)
from workshops import access, fragments, mine, room
from workshops.access import (
    EDITOR,
    PARTICIPANT,
    author,
    editable_maps,
    get_map,
    get_map_for_edit,
    login_required,
)
from workshops.actions import facilitation as actions_facilitation
from workshops.actions import maps as actions
from workshops.models import Area, Workshop
from workshops.protocol import SEQ_HEADER
from workshops.room_means import room_means
from workshops.views.answers import answer, fresh, part


@require_GET
@login_required
def board(request, map_id: int):
    journey_map = get_map(request, map_id)
    _seen(request)
    board = Board.load(journey_map)
    workshop = _workshop_of(request)
    curve = CurveData.from_board(board)
    context = {
        "journey_map": journey_map,
        "board": board,
        "curve": curve,
        "room_means": room_means(journey_map, curve),
        "role": request.role,
        "workshop": workshop,
        "mine": mine.context(request, journey_map),
        "ready": room.ready_counts(workshop) if workshop else [],
        "lanes_form": MapLanesForm(journey_map=journey_map),
        "strengths": board.strengths,
        "priorities": scoring.priorities_on(board),
    }
    if workshop is not None and workshop.vote_lane:
        context["ranking"] = Ranking.load(journey_map, workshop.vote_lane)
    # Last time's plans name owners of a map a viewer's link does not open: the team only.
    if journey_map.continues_id and request.role.kind in (EDITOR, PARTICIPANT):
        context["last_plans"] = followup.open_plans(journey_map.continues_id)
    return render(request, "workshops/board.html", context)


def _seen(request) -> None:
    """A participant whose board is open (it re-reads itself every ~50 s) is online now."""
    if request.role.participant is not None:
        request.role.participant.seen()


def _workshop_of(request):
    """The workshop of the map this request opened, with its agenda, or None."""
    workshop = request.role.workshop  # loaded with the team by access.role_for
    if workshop is not None:
        prefetch_related_objects([workshop], "steps")
    return workshop


@require_GET
@login_required
def snapshot(request, map_id: int):
    """The whole board as out-of-band parts, for a client that missed pushes or was away.
    `?since=N` answers 204 when nothing changed after N."""
    journey_map = get_map(request, map_id)
    _seen(request)
    # Read the sequence number before the board: what is rendered is at least that new.
    seq = {SEQ_HEADER: str(journey_map.seq)}
    if request.GET.get("since") == str(journey_map.seq):
        return HttpResponse(status=204, headers=seq)
    html = fragments.render(journey_map, header=True, grid=True, plans=True)
    workshop = _workshop_of(request)
    if workshop is not None:
        html += room.bar_html(workshop, oob=True)
    return HttpResponse(html, headers=seq)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def lanes_update(request, map_id: int):
    """Which catalogue lanes the map has (a lane holding cards is turned off on confirm)."""
    journey_map = get_map_for_edit(request, map_id, Area.SETUP)
    template = "maps/lanes_form.html"
    if request.method == "GET":
        form = MapLanesForm(journey_map=journey_map)
        return part(request, journey_map, template, {"form": form, "open": True})
    form = MapLanesForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        context = {"form": form, "open": True, "confirming": form.hiding}
        return part(request, journey_map, template, context, status=422)
    data = form.cleaned_data
    push = actions.set_lanes(journey_map, data["lanes"], data["custom_lanes"], by=author(request))
    form = MapLanesForm(journey_map=journey_map)
    primary = fresh(request, journey_map, template, form=form)
    return answer(request, journey_map, push, primary=primary)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def details_update(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.SETUP)
    if request.method == "GET":
        if request.GET.get("cancel"):
            return part(request, journey_map, "maps/header.html", {})
        form = JourneyMapDetailsForm(instance=journey_map)
        return part(request, journey_map, "maps/details_form.html", {"form": form})
    form = JourneyMapDetailsForm(request.POST, instance=journey_map)
    if not form.is_valid():
        return part(request, journey_map, "maps/details_form.html", {"form": form}, status=422)
    push = actions.edit_details(journey_map, by=author(request), **form.cleaned_data)
    return answer(request, journey_map, push)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def persona_update(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.SETUP)
    if request.method == "GET":
        form = PersonaForm(instance=journey_map.persona)
        return part(request, journey_map, "maps/persona_form.html", {"form": form})
    persona = journey_map.persona
    own_maps = editable_maps(request).values("pk")
    if persona and persona.journey_maps.exclude(pk__in=own_maps).exists():
        persona = None  # shared with maps this person may not change: this map gets a copy
    form = PersonaForm(request.POST, instance=persona)
    if not form.is_valid():
        return part(request, journey_map, "maps/persona_form.html", {"form": form}, status=422)
    # A persona can be shared: every map that shows it gets the new header.
    also = (
        editable_maps(request).filter(persona=persona).exclude(pk=journey_map.pk) if persona else ()
    )
    push = actions.save_persona(
        journey_map, persona, by=author(request), also=also, **form.cleaned_data
    )
    return answer(request, journey_map, push)


@require_POST
@login_required
@transaction.atomic
def share_rotate(request, map_id: int):
    """A new read-only link for this map; whoever opened the old one loses access at once."""
    journey_map = get_map_for_edit(request, map_id)
    if request.role.kind != EDITOR:
        raise Http404
    actions.rotate_link(journey_map)
    return redirect(f"{journey_map.get_absolute_url()}#share")


# Stages ---------------------------------------------------------------------------------------


@require_POST
@login_required
@transaction.atomic
def stage_add(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    form = StageForm(request.POST, journey_map=journey_map)
    if not form.is_valid():
        return part(request, journey_map, "maps/stage_add_form.html", {"form": form}, status=422)
    push = actions.add_stage(journey_map, name=form.cleaned_data["name"], by=author(request))
    return answer(request, journey_map, push)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def stage_rename(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    if request.method == "GET":
        form = StageForm(instance=stage)
        return part(request, journey_map, "maps/stage_form.html", {"form": form, "stage": stage})
    form = StageForm(request.POST, instance=stage)
    if not form.is_valid():
        context = {"form": form, "stage": stage}
        return part(request, journey_map, "maps/stage_form.html", context, status=422)
    push = actions.rename_stage(stage, name=form.cleaned_data["name"], by=author(request))
    return answer(request, journey_map, push)


@require_POST
@login_required
@transaction.atomic
def stage_move(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    form = DirectionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["direction"] not in ("left", "right"):
        return HttpResponse(_("Move a stage left or right."), status=422)
    steps = -1 if form.cleaned_data["direction"] == "left" else 1
    return answer(request, journey_map, actions.move_stage(stage, steps=steps, by=author(request)))


@require_POST
@login_required
@transaction.atomic
def stage_delete(request, map_id: int, stage_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.STAGES)
    stage = get_object_or_404(journey_map.stages, pk=stage_id)
    return answer(request, journey_map, actions.delete_stage(stage, by=author(request)))


@require_POST
@transaction.atomic
def ready(request, workshop_id: int):
    """A participant's "다 했어요" (or taking it back) for the step running now."""
    workshop = get_object_or_404(Workshop.objects.select_for_update(), pk=workshop_id)
    participant = access.participant_in(request.session, workshop.pk)
    if participant is None:
        raise Http404
    if workshop.step_index is None or workshop.is_closed:
        message = _("No step is running: there is nothing to be done with yet.")
        return HttpResponse(message, status=422, content_type="text/plain")
    participant.workshop = workshop
    actions_facilitation.set_ready(participant, ready=request.POST.get("ready") == "1")
    journey_map = participant.team.journey_map
    if not request.htmx:
        return redirect(journey_map)
    ready = participant.ready_step == workshop.step_index
    return HttpResponse(mine.render(journey_map, [mine.READY], {"ready": ready}))
