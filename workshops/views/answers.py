"""How the board's views answer. One path for every edit:

1. the view locks the map row (`access.get_map_for_edit`, inside the view's transaction), so
   edits of one map are serialised and every push shows a state at least as new as its own;
2. a form of the domain validates the input; an invalid one comes back in place (422);
3. an action (workshops/actions/) changes the models and tells the room on commit;
4. `answer` gives the editor the same push the room gets, after the part that replaces what
   they clicked, with its sequence number, so live.js applies it once and in order.

Without JavaScript the same URLs redirect back to the board.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django_htmx.http import reswap

from maps.models import JourneyMap
from workshops import mine
from workshops.broadcast import Push
from workshops.protocol import PUSH_MARK, SEQ_HEADER


def answer(request, journey_map: JourneyMap, push: Push, *, primary: str = "") -> HttpResponse:
    """`primary` replaces the element that made the request; the push follows."""
    if not request.htmx:
        return redirect(journey_map)
    if push.seq is None:
        # A resend of something that landed before: the room heard of it then. The sender,
        # who may have missed that, gets the parts as they are now (swapped by id).
        return HttpResponse(primary + push.html)
    response = HttpResponse(primary + PUSH_MARK + push.html, headers={SEQ_HEADER: str(push.seq)})
    return response if primary else reswap(response, "none")


def offer_undo(response: HttpResponse, taken) -> HttpResponse:
    """Tell the person's page it may take this back (a toast with a button, and Ctrl+Z):
    an htmx event with the address to post to (static/js/cards.js)."""
    url = reverse("maps:undo", args=[taken.journey_map_id, taken.pk])
    offer = {"label": taken.label, "url": url, "button": gettext("Undo")}
    response["HX-Trigger"] = json.dumps({"jm-undo": offer})
    return response


def kept_private(request, journey_map: JourneyMap, primary: str = "") -> HttpResponse:
    """A write only its author may see yet (private writing): nothing went to the room; the
    author's answer updates their own list of private cards."""
    if not request.htmx:
        return redirect(journey_map)
    own = mine.render(journey_map, [mine.PRIVATE_CARDS], mine.context(request, journey_map))
    response = HttpResponse(primary + own)
    return response if primary else reswap(response, "none")


def part(request, journey_map: JourneyMap, template: str, context: dict, *, status=200):
    """One part of the board (a form, a card): in place for htmx, inside a page without it."""
    context = {"journey_map": journey_map, **context}
    if request.htmx:
        return render(request, template, context, status=status)
    context["part"] = template
    return render(request, "maps/form_page.html", context, status=status)


def fresh(request, journey_map: JourneyMap, template: str, **context) -> str:
    """A part rendered for this person, e.g. an empty add form to replace the one just used."""
    context = {"journey_map": journey_map, **context}
    return render(request, template, context).content.decode()
