from __future__ import annotations

import uuid

from django import template

from maps.models import Channel, EmotionCard

register = template.Library()


@register.simple_tag
def channel_choices() -> list[tuple[str, str]]:
    return Channel.choices


@register.simple_tag
def emotion_scores() -> list[tuple[int, str]]:
    return list(EmotionCard.EMOJI.items())


@register.simple_tag
def client_token() -> str:
    return str(uuid.uuid4())


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
