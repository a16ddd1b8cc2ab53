"""Stage presets from DOMAIN.md. Names are translated when a map is created from them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PRESETS = {
    "aida": (
        _("Awareness · interest · purchase · experience · loyalty"),
        [
            _("Awareness"),
            _("Interest"),
            pgettext_lazy("AIDA stage", "Purchase"),
            _("Experience"),
            _("Loyalty"),
        ],
    ),
    "search": (
        _("Recognition · search · information · comparison · (re)purchase"),
        [
            _("Recognition"),
            _("Search"),
            _("Gathering information"),
            _("Comparing and reviewing"),
            _("Purchase and repurchase"),
        ],
    ),
    "funnel": (
        _("Recognition · consideration · purchase · retention and referral"),
        [_("Recognition"), _("Consideration"), _("Purchase"), _("Retention and referral")],
    ),
    "purchase": (
        _("Before · during · after purchase"),
        [_("Before purchase"), _("During purchase"), _("After purchase")],
    ),
    # A day in the life: the customer's day in time-of-day stages (with its own lane for what
    # happens outside the business, maps/models/choices.py TYPE_LANES).
    "day": (
        _("A day: morning · commute · work · lunch · afternoon · evening · night"),
        [
            _("Morning"),
            _("Commute"),
            _("At work"),
            _("Lunch"),
            _("Afternoon"),
            _("Evening"),
            _("Night"),
        ],
    ),
    "blank": (_("Blank (no stages)"), []),
}


def choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _names) in PRESETS.items()]


def stage_names(preset: str) -> list[str]:
    return [str(name) for name in PRESETS[preset][1]]
