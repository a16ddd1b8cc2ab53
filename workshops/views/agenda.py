"""The agenda on the console: changing a step, adding, removing and reordering steps (also
while the workshop runs), saving the agenda as a template, and the projector screen that
shows the step and its clock to the whole room."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workshops import room
from workshops.access import author, login_required, require_editor
from workshops.actions import facilitation as actions
from workshops.agenda import AgendaRefusal
from workshops.forms import AgendaTemplateForm, StepForm, StepMoveForm
from workshops.models import AgendaTemplate
from workshops.views.console import console_answer, console_context, get_workshop
from workshops.views.controls import refused


def _agenda_with(request, workshop, status: int = 422, **forms):
    """The agenda panel again with a refused form and its errors."""
    context = console_context(request, workshop)
    step_form = forms.pop("step_form", None)
    if step_form is not None:
        context["step_forms"] = [
            (
                s,
                step_form
                if s.pk == step_form.instance.pk
                else StepForm(instance=s, prefix=f"s{s.pk}"),
            )
            for s in workshop.steps.all()
        ]
    context |= forms
    template = "workshops/console_agenda.html" if request.htmx else "workshops/console.html"
    return render(request, template, context, status=status)


def agenda_change(view):
    """A change of the agenda: POST, a facilitator, the workshop row locked (and the step, if
    the URL names one); an AgendaRefusal is answered in words; then the steps as saved."""

    @require_POST
    @login_required
    @transaction.atomic
    @wraps(view)
    def run(request, workshop_id: int, step_id: int | None = None):
        workshop = get_workshop(request, workshop_id, lock=True)
        args = [] if step_id is None else [get_object_or_404(workshop.steps.all(), pk=step_id)]
        if workshop.is_closed:
            return refused(request, workshop, _("The workshop is closed. Reopen it first."))
        try:
            answer = view(request, workshop, *args)
        except AgendaRefusal as refusal:
            return refused(request, workshop, str(refusal))
        return answer or console_answer(request, get_workshop(request, workshop_id))

    return run


@agenda_change
def step_update(request, workshop, step):
    form = StepForm(request.POST, instance=step, prefix=f"s{step.pk}")
    if not form.is_valid():
        return _agenda_with(request, workshop, step_form=form)
    actions.edit_step(step, by=author(request), **form.cleaned_data)


@agenda_change
def step_add(request, workshop):
    form = StepForm(request.POST, prefix="new")
    if not form.is_valid():
        return _agenda_with(request, workshop, new_step_form=form)
    actions.add_step(workshop, by=author(request), **form.cleaned_data)


@agenda_change
def step_remove(request, workshop, step):
    actions.remove_step(workshop, step, by=author(request))


@agenda_change
def step_move(request, workshop, step):
    form = StepMoveForm(request.POST)
    if form.is_valid():
        actions.move_step(workshop, step, offset=form.offset, by=author(request))


@require_POST
@login_required
@transaction.atomic
def agenda_save(request, workshop_id: int):
    workshop = get_workshop(request, workshop_id)
    form = AgendaTemplateForm(request.POST, prefix="template")
    if not form.is_valid():
        return _agenda_with(request, workshop, template_form=form)
    template = actions.save_agenda(workshop, name=form.cleaned_data["name"], by=author(request))
    context = console_context(request, workshop)
    context["saved_template"] = template
    if request.htmx:
        return render(request, "workshops/console_agenda.html", context)
    messages.success(request, _("Agenda saved: new workshops can start from it."))
    return redirect(workshop)


@require_POST
@login_required
@transaction.atomic
def template_delete(request, id: int):
    require_editor(request)
    actions.delete_agenda(get_object_or_404(AgendaTemplate, pk=id))
    messages.success(request, _("Agenda deleted. Workshops made from it keep their steps."))
    return redirect("workshops:list")


# The projector ---------------------------------------------------------------------------------


@require_GET
@login_required
def projector(request, workshop_id: int):
    """For the whole room: the join code before the start, then the step, its instructions,
    what is open and a large clock (with a chime when the timebox ends, if asked for)."""
    workshop = get_workshop(request, workshop_id)
    return render(request, "workshops/projector.html", _projector_context(request, workshop))


@require_GET
@login_required
def projector_state(request, workshop_id: int):
    """Polled by the projector every two seconds: one screen, a few queries."""
    workshop = get_workshop(request, workshop_id)
    context = _projector_context(request, workshop)
    return render(request, "workshops/projector_state.html", context)


def _projector_context(request, workshop) -> dict:
    ready = room.ready_counts(workshop)
    return {
        "workshop": workshop,
        "ready": ready,
        "all_ready": bool(ready) and all(done == people for _n, done, people in ready),
    }
