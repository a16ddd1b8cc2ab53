"""The agenda a new workshop starts with: the steps of DOMAIN.md's workshop format."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workshops.models import Area

# The four steps of DOMAIN.md: (title, minutes, open areas, instructions).
DEFAULT_AGENDA = [
    (
        _("Topic and persona"),
        25,
        [Area.SETUP, Area.STAGES],
        _("Pick the topic, set the start and end points, and describe the persona."),
    ),
    (
        _("Actions, touchpoints and emotions"),
        25,
        [
            Area.STAGES,
            Area.ACTION,
            Area.TOUCHPOINT,
            Area.EMOTION,
            Area.THOUGHT,
            Area.PAIN_POINT,
            Area.BACKSTAGE,
        ],
        _(
            "Write the customer's actions from start to end, the touchpoint of each action, "
            "then emotion cards for each touchpoint."
        ),
    ),
    (
        _("Improvements and action plans"),
        20,
        [Area.PAIN_POINT, Area.OPPORTUNITY, Area.PLAN],
        _(
            "Read the map down each stage and across each lane; write opportunities and turn "
            "the best into action plans with an owner and a date."
        ),
    ),
    (
        _("Sharing"),
        15,
        [],
        _("Each team presents its persona, what it found and its plans."),
    ),
]
