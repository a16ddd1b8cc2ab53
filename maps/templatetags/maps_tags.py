from __future__ import annotations

import uuid

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from maps import charts, scoring
from maps import touchpoint_chart as touchpoint_chart_module
from maps.forms import CLIENT_TOKEN
from maps.models import SCALE_NOTE, Channel, EmotionCard
from maps.perspectives import FeltByWhom
from maps.touchpoints import TouchpointView

register = template.Library()

# Set in the context of what is rendered once for a whole room (a push): see client_token.
SHARED = "shared"


# A map's address by (script prefix, map id): a board of 300 cards asked `reverse` for each
# card's address, an eighth of its rendering time; the addresses under it are built on this.
_MAP_URLS: dict[tuple[str, int], str] = {}


@register.filter
def map_url(journey_map_id: int) -> str:
    key = (get_script_prefix(), journey_map_id)
    if key not in _MAP_URLS:
        if len(_MAP_URLS) > 10_000:
            _MAP_URLS.clear()
        _MAP_URLS[key] = reverse("maps:board", args=[journey_map_id])
    return _MAP_URLS[key]


@register.filter
def card_url(card) -> str:
    """maps:card, the address every action on a card is under (tested against `reverse`)."""
    return f"{map_url(card.journey_map_id)}cards/{card.pk}/"


@register.simple_tag
def channel_choices() -> list[tuple[str, str]]:
    return Channel.choices


@register.simple_tag
def emotion_scores() -> list[tuple[int, str]]:
    return list(EmotionCard.EMOJI.items())


@register.simple_tag(takes_context=True)
def client_token_field(context) -> str:
    """The hidden field that makes a resent add create once: a fresh token per add form. A form
    rendered once for a whole room (a push) gets an empty one: sharing one token would make
    everyone's adds look like resends of the first; journeymap.js gives each browser its own
    when the form is sent."""
    token = "" if context.get(SHARED) else str(uuid.uuid4())
    return format_html('<input type="hidden" name="{}" value="{}">', CLIENT_TOKEN, token)


@register.filter
def chart(curve) -> str:
    """The emotion curve drawn as inline SVG (drawn once per state, see maps/charts.py)."""
    return charts.inline_svg(charts.render(curve, "svg"))


@register.filter
def chart_words(curve) -> str:
    """What the curve shows, in words: the alternative text of its image."""
    return charts.describe(curve)


@register.filter
def due_for_review(journey_map) -> bool:
    return journey_map.due_for_review(timezone.localdate())


@register.filter
def felt_by_whom(curve) -> FeltByWhom:
    return FeltByWhom(curve)


@register.filter
def touchpoint_view(curve) -> TouchpointView:
    return TouchpointView(curve)


@register.filter
def touchpoint_chart(curve) -> str:
    """The curve by touchpoint as inline SVG (for paper: it fetches nothing)."""
    return charts.inline_svg(touchpoint_chart_module.render(curve, "svg"))


@register.simple_tag
def scale_note() -> str:
    return str(SCALE_NOTE)


@register.filter
def signed(value, digits: int = 1) -> str:
    """+1.5 / −0.7 / 0.0: the sign always shown, with a real minus sign."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):+.{int(digits)}f}"
    if float(text) == 0:
        return text[1:]  # neither positive nor negative
    return text.replace("-", "−")


@register.filter
def mood(value) -> str:
    """The emoji nearest to a mean score."""
    if value is None:
        return ""
    return EmotionCard.EMOJI[max(-2, min(2, round(float(value))))]


@register.filter
def emotion_summary(emotions) -> str:
    """One line for a touchpoint's emotion cards, for paper: 😟 −1.5 · 2 cards (−2…−1).
    Cards a later scoring round replaced are left out, as the curve leaves them out."""
    scores = [e.score for e in emotions if not getattr(e, "replaced", False)]
    if not scores:
        return ""
    mean = sum(scores) / len(scores)
    count = ngettext("%(n)d card", "%(n)d cards", len(scores)) % {"n": len(scores)}
    spread = f" ({signed(min(scores), 0)}…{signed(max(scores), 0)})" if len(scores) > 1 else ""
    return f"{mood(mean)} {signed(mean)} · {count}{spread}"


@register.filter
def matrix(priorities) -> str:
    """The value × effort matrix as inline SVG (maps/scoring.py)."""
    return charts.inline_svg(scoring.render_matrix(priorities, "svg"))


@register.filter
def matrix_digest(priorities) -> str:
    return scoring.matrix_digest(priorities)


@register.filter
def matrix_words(priorities) -> str:
    return scoring.describe(priorities)


@register.filter
def lane_name(lane, journey_map) -> str:
    """A lane as its map calls it (a map's own lanes have the names it gave them)."""
    return journey_map.lane_name(lane) if journey_map else str(lane.label)


@register.filter
def css_string(value) -> str:
    """`value` as a quoted CSS string, safe inside a <style> element: a title typed by
    anyone (quotes, backslashes, "</style>") stays a title (the PDF's running title)."""
    text = "".join(
        ch if ch.isalnum() or ch in " .,-_()·:" else f"\\{ord(ch):x} " for ch in str(value)
    )
    return mark_safe(f'"{text}"')  # noqa: S308 - every other character escaped above
