"""Action plans for the tools managers already use: a spreadsheet and a calendar."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

# A cell that starts with one of these is a formula to Excel (CSV injection): =HYPERLINK(…).
# The full-width forms too: Excel with a Korean or Japanese input method may read them so.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def plans_csv(journey_map) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel reads Korean as mojibake."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("What"),
            _("Opportunity or MOT"),
            _("Stage"),
            _("Owner"),
            _("Due date"),
            _("Status"),
            _("Result"),
            _("Result as a number"),
            _("Missing"),
        ]
    )
    for plan in journey_map.action_plans.select_related("opportunity__stage").order_by(
        "due_date", "id"
    ):
        writer.writerow(
            cell(v)
            for v in (
                plan.what,
                plan.answers,
                plan.opportunity.stage.name,
                plan.owner,
                plan.due_date.isoformat() if plan.due_date else "",
                plan.get_status_display(),
                plan.result,
                "" if plan.result_number is None else plan.result_number,
                ", ".join(
                    label
                    for label, missing in (
                        (_("owner"), not plan.owner),
                        (_("due date"), not plan.due_date),
                    )
                    if missing
                ),
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "")
    ).replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines of at most 75 octets, continued with a space; never split a character."""
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0]] + [" " + p for p in parts[1:]]


def plans_ics(journey_map, host: str = "journeymap") -> bytes:
    """The map's action plans with a due date, as a calendar file."""
    return plans_calendar(journey_map.action_plans.all(), journey_map.title, host=host)


def plans_calendar(plans, name: str, host: str = "journeymap") -> bytes:
    """Each plan with a due date as an all-day event on that date; an open one reminds at
    9:00 the day before, so the calendar people already use does the reminding."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//journeymap//action plans//KO",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_text(name)}",
    ]
    plans = plans.select_related("opportunity", "journey_map").exclude(due_date=None)
    for plan in plans.order_by("due_date", "id"):
        done = plan.status == plan.Status.DONE
        description = "\n".join(
            f"{label}: {value}"
            for label, value in [
                (_("Owner"), plan.owner or "—"),
                (_("Opportunity or MOT"), plan.answers),
                (_("Status"), plan.get_status_display()),
                (_("Result"), plan.result or "—"),
                (_("Journey map"), plan.journey_map.title),
            ]
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:action-plan-{plan.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{plan.due_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{plan.due_date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(('✓ ' if done else '') + plan.what)}",
            f"DESCRIPTION:{_ics_text(description)}",
        ]
        if not done:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "TRIGGER:-PT15H",
                f"DESCRIPTION:{_ics_text(plan.what)}",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line)).encode()
