"""Agendas a workshop can start with: the built-in ones below (the workshop format of
DOMAIN.md and two variants) and those facilitators saved from a console (AgendaTemplate).

A step travels as a plain dict, {"title", "minutes", "areas", "instructions"}, so a built-in
agenda, a saved one and the steps of a running workshop convert into one another.
"""

from __future__ import annotations

from django.db.models import Case, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshops.models import AgendaStep, AgendaTemplate, Area, Participant, Workshop

# A workshop's agenda: enough steps for a long day, few enough to read on one screen.
MAX_STEPS = 12

WRITING = [
    Area.STAGES,
    Area.ACTION,
    Area.TOUCHPOINT,
    Area.MOT,
    Area.EMOTION,
    Area.THOUGHT,
    Area.PAIN_POINT,
    Area.BACKSTAGE,
    Area.MORE_LANES,
]
IMPROVING = [Area.PAIN_POINT, Area.MOT, Area.OPPORTUNITY, Area.PLAN, Area.MORE_LANES]


def _steps() -> dict[str, list[tuple]]:
    """(title, minutes, open areas, instructions) per built-in agenda, in the language of the
    request that creates the workshop (the steps are then the workshop's own text)."""
    topic = (
        _("Topic and persona"),
        25,
        [Area.SETUP, Area.STAGES],
        _("Pick the topic, set the start and end points, and describe the persona."),
    )
    writing = (
        _("Actions, touchpoints and emotions"),
        25,
        WRITING,
        _(
            "Write the customer's actions from start to end, the touchpoint of each action, "
            "then emotion cards for each touchpoint."
        ),
    )
    improving = (
        _("Improvements and action plans"),
        20,
        IMPROVING,
        _(
            "Read the map down each stage and across each lane; write opportunities and turn "
            "the best into action plans with an owner and a date."
        ),
    )
    sharing = (
        _("Sharing"),
        15,
        [],
        _("Each team presents its persona, what it found and its plans."),
    )
    practice = (
        _("Trying the board"),
        10,
        [Area.THOUGHT, Area.EMOTION],
        _(
            "Everyone adds one thought card and one emotion card, edits and deletes them, "
            "and watches a teammate's card appear."
        ),
    )
    return {
        "standard": [topic, writing, improving, sharing],
        "compact": [
            (topic[0], 10, topic[2], topic[3]),
            (writing[0], 25, writing[2], writing[3]),
            (improving[0], 15, improving[2], improving[3]),
            (sharing[0], 10, sharing[2], sharing[3]),
        ],
        "practice": [practice, topic, writing, improving, sharing],
    }


BUILT_IN = {
    "standard": gettext_lazy("Journey-map workshop: 3 steps and sharing (85 min)"),
    "compact": gettext_lazy("Compact workshop (60 min)"),
    "practice": gettext_lazy("With a step to try the board first (95 min)"),
}
DEFAULT = "standard"


def built_in(key: str) -> list[dict]:
    return [
        {"title": str(t), "minutes": m, "areas": [str(a) for a in areas], "instructions": str(i)}
        for t, m, areas, i in _steps()[key]
    ]


def choices() -> list[tuple[str, str]]:
    """The agendas a new workshop can start with: built-in first, then the saved ones."""
    saved = [(f"saved:{t.pk}", t.name) for t in AgendaTemplate.objects.order_by("name")]
    return [(f"built-in:{key}", label) for key, label in BUILT_IN.items()] + saved


def steps_for(choice: str) -> list[dict] | None:
    """The steps of a choice from `choices()`; None if it names nothing (any more)."""
    kind, _sep, key = choice.partition(":")
    if kind == "built-in" and key in BUILT_IN:
        return built_in(key)
    if kind == "saved" and key.isdigit():
        template = AgendaTemplate.objects.filter(pk=int(key)).first()
        return template.steps if template else None
    return None


def as_dicts(steps: list[AgendaStep]) -> list[dict]:
    return [
        {
            "title": s.title,
            "minutes": s.minutes,
            "areas": list(s.areas),
            "instructions": s.instructions,
        }
        for s in steps
    ]


# Changing a workshop's agenda, also while it runs: the step running now stays the one running,
# wherever it moves.


class AgendaRefusal(Exception):
    """A change the agenda cannot take; the message says why, for the facilitator."""


def add_step(workshop: Workshop, step: dict) -> AgendaStep:
    steps = list(workshop.steps.all())
    if len(steps) >= MAX_STEPS:
        raise AgendaRefusal(_("An agenda has at most %(max)d steps.") % {"max": MAX_STEPS})
    added = AgendaStep.objects.create(workshop=workshop, position=len(steps), **step)
    _forget_steps(workshop)
    return added


def remove_step(workshop: Workshop, step: AgendaStep) -> None:
    steps = list(workshop.steps.all())
    if len(steps) == 1:
        raise AgendaRefusal(_("An agenda keeps at least one step."))
    if step.position == workshop.step_index:
        raise AgendaRefusal(_("This step is running: go to another step before removing it."))
    current, gone = workshop.step, step.pk
    Participant.objects.filter(workshop=workshop, ready_step=step.position).update(ready_step=None)
    step.delete()
    _renumber(workshop, [s for s in steps if s.pk != gone], current)


def move_step(workshop: Workshop, step: AgendaStep, offset: int) -> None:
    """One place earlier (-1) or later (+1); nothing happens at either end."""
    steps = list(workshop.steps.all())
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index + offset
    if not 0 <= other < len(steps):
        return
    current = workshop.step
    steps[index], steps[other] = steps[other], steps[index]
    _renumber(workshop, steps, current)


def _renumber(workshop: Workshop, steps: list[AgendaStep], current: AgendaStep | None) -> None:
    moved = {}
    for position, step in enumerate(steps):
        if step.position != position:
            moved[step.position] = position
        step.position = position
    AgendaStep.objects.bulk_update(steps, ["position"])
    # "다 했어요" is kept by the step's position: it follows its step (one UPDATE, so two
    # steps trading places do not overwrite each other).
    if moved:
        Participant.objects.filter(workshop=workshop, ready_step__in=moved).update(
            ready_step=Case(*(When(ready_step=old, then=new) for old, new in moved.items()))
        )
    if current is not None:
        workshop.step_index = next(s.position for s in steps if s.pk == current.pk)
        workshop.save(update_fields=["step_index"])
    _forget_steps(workshop)


def _forget_steps(workshop: Workshop) -> None:
    """The prefetched steps are stale now: the room bar reads them again."""
    getattr(workshop, "_prefetched_objects_cache", {}).pop("steps", None)


def save_template(workshop: Workshop, *, name: str, by) -> AgendaTemplate:
    return AgendaTemplate.objects.create(
        name=name, steps=as_dicts(list(workshop.steps.all())), created_by=by
    )
