"""Writes of a plan's owner, from their link (no account): the status, what came of it, and
progress notes; and the link itself, given out and rotated by the map's editors. Each reaches
the boards open on the map like any edit."""

from __future__ import annotations

from maps.models import ActionPlan, PlanNote
from workshops import fragments
from workshops.access import Author
from workshops.broadcast import Push, action, tell_room


def _told(plan: ActionPlan, by: Author) -> Push:
    html = fragments.render(plan.journey_map, cards=[plan.opportunity_id], plans=True)
    return tell_room(plan.journey_map, html, by=by.name)


@action
def record_progress(
    plan: ActionPlan, *, status: str, result: str, result_number, owner_email: str, by: Author
) -> Push:
    plan.status, plan.result, plan.result_number = status, result, result_number
    plan.owner_email = owner_email
    plan.save(update_fields=["status", "result", "result_number", "owner_email", "updated_at"])
    return _told(plan, by)


@action
def add_progress_note(plan: ActionPlan, *, text: str, by: Author) -> PlanNote:
    note = PlanNote.objects.create(plan=plan, text=text, author_name=by.name)
    plan.save(update_fields=["updated_at"])
    _told(plan, by)
    return note


@action
def owner_link(plan: ActionPlan, *, rotate: bool = False) -> str:
    """The owner's token, made on first use; `rotate` replaces it (the old link is dead)."""
    if rotate or not plan.owner_token:
        return plan.new_owner_token()
    return plan.owner_token
