"""What one person sees of their own in a workshop and nobody else does: the cards they wrote
during private writing (until the reveal) and the dots they have left in a vote.

These parts of the board page are never in a push, because a push is the same HTML for the
whole room; the writer's own answers update them. Pushes only ever put them back into the one
state everyone shares (private writing started or over, a vote opened or closed).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from maps.models import Card, EmotionCard, JourneyMap
from workshops import access, voting

# The two parts of the page that are one person's own.
PRIVATE_CARDS = "workshops/private_mine.html"
DOTS_LEFT = "workshops/my_dots.html"
READY = "workshops/my_ready.html"


def context(request, journey_map: JourneyMap) -> dict:
    role = getattr(request, "role", None)
    workshop = role.workshop if role else None
    if workshop is None or role.kind not in (access.EDITOR, access.PARTICIPANT):
        return {}
    key = access.author_key(request)
    mine: dict = {}
    if workshop.private_areas:
        mine["private"] = private = {
            "cards": list(
                Card.all_objects.filter(journey_map=journey_map, private_to=key)
                .select_related("stage")
                .order_by("stage__position", "id")
            ),
            "emotions": list(
                EmotionCard.all_objects.filter(journey_map=journey_map, private_to=key)
                .select_related("stage", "touchpoint")
                .order_by("stage__position", "id")
            ),
        }
        private["count"] = len(private["cards"]) + len(private["emotions"])
    if workshop.vote_open:
        mine["dots_left"] = voting.dots_left(workshop, key)
    if role.participant is not None and workshop.step_index is not None:
        mine["ready"] = role.participant.ready_step == workshop.step_index
    return mine


def render(journey_map: JourneyMap, parts: list[str], mine: dict) -> str:
    """Parts of "mine" (PRIVATE_CARDS, DOTS_LEFT), to swap out-of-band."""
    base = {"journey_map": journey_map, "mine": mine, "oob": True, "csrf_token": ""}
    return "".join(render_to_string(name, base) for name in parts)
