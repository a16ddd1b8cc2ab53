"""Touchpoint figures to and from spreadsheets: a template of a map's touchpoints (.xlsx) to
fill in, and reading what comes back (.xlsx as people's spreadsheets save it, or .csv as CS
tools export it, in UTF-8 or the Korean Windows encoding).

Reading never writes: `read` gives a `Preview` of what would change (matched rows with their
old and new values, rows that name no touchpoint) or the problems, each with its row and
column, and then nothing is applied at all. Rows name a touchpoint by the ID the template
carries, or by its text.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maps.exports import cell
from maps.models import Card, JourneyMap, Lane, Scale, Source, TouchpointFigures

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

# The columns, as the template heads them (Korean first) and as other files may name them.
COLUMNS = [
    ("id", "ID", ["id", "번호"]),
    ("stage", gettext_lazy("Stage"), ["stage", "단계"]),
    ("touchpoint", gettext_lazy("Touchpoint"), ["touchpoint", "접점", "터치포인트"]),
    ("response_hours", gettext_lazy("Response time (hours)"), ["응답시간", "응답 시간"]),
    ("response_target_hours", gettext_lazy("Response target (hours)"), ["응답목표", "목표 응답"]),
    ("satisfaction", gettext_lazy("Satisfaction"), ["만족도", "csat"]),
    ("satisfaction_scale", gettext_lazy("Satisfaction scale (percent or mean5)"), ["척도"]),
    ("satisfaction_target", gettext_lazy("Satisfaction target"), ["만족도 목표", "목표 만족도"]),
    ("complaints", gettext_lazy("Complaints"), ["불만", "불만 건수", "불만건수"]),
    ("complaint_types", gettext_lazy("Complaint types"), ["불만 유형", "불만유형"]),
    ("drop_off", gettext_lazy("Drop-off (%)"), ["이탈률", "이탈"]),
    ("source", gettext_lazy("Source"), ["출처"]),
    ("measured_on", gettext_lazy("Measured on"), ["측정일"]),
    ("period_start", gettext_lazy("Period from"), ["기간 시작", "시작일"]),
    ("period_end", gettext_lazy("Period to"), ["기간 끝", "종료일"]),
]
NUMBERS = {"response_hours", "response_target_hours", "satisfaction", "satisfaction_target",
           "drop_off"}  # fmt: skip
DATES = {"measured_on", "period_start", "period_end"}


def _key(text) -> str:
    return re.sub(r"[\s_()%·\-]+", "", str(text or "")).lower()


def _header_names() -> dict[str, str]:
    names = {}
    for name, heading, aliases in COLUMNS:
        for alias in [name, str(heading), *aliases]:
            names[_key(alias)] = name
    return names


class SheetProblem(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, too big, no header)."""


@dataclass
class Change:
    row: int
    touchpoint: Card
    new: dict
    old: dict

    @property
    def differences(self) -> list[tuple[str, object, object]]:
        """(column heading, now, new) of what this row changes."""
        return [(_heading(name), self.old.get(name), value) for name, value in self.new.items()
                if self.old.get(name) != value]  # fmt: skip


@dataclass
class Preview:
    changes: list[Change] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0  # rows whose every value is what the touchpoint has already

    @property
    def ok(self) -> bool:
        return not self.problems

    def payload(self) -> dict:
        """What applying needs, as plain data (signed into the preview page)."""
        return {str(c.touchpoint.pk): _plain(c.new) for c in self.changes}


def _plain(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else str(v) if isinstance(
        v, Decimal) else v) for k, v in values.items()}  # fmt: skip


# Reading ---------------------------------------------------------------------------------------


def read(name: str, raw: bytes, journey_map: JourneyMap) -> Preview:
    if len(raw) > MAX_BYTES:
        raise SheetProblem(_("The file is larger than 2 MB."))
    rows = _xlsx_rows(raw) if name.lower().endswith(".xlsx") else _csv_rows(raw)
    rows = [r for r in rows if any(str(v).strip() for v in r if v is not None)]
    if not rows:
        raise SheetProblem(_("The file holds no rows."))
    if len(rows) > MAX_ROWS + 1:
        raise SheetProblem(_("At most %(n)d rows at a time.") % {"n": MAX_ROWS})
    return _preview(rows[0], rows[1:], journey_map)


def _xlsx_rows(raw: bytes) -> list[list]:
    """At most MAX_ROWS + 2 rows of at most the known columns (and a few more, to name an
    unknown one): a sheet may declare itself a million rows long in a kilobyte, and
    openpyxl would pad every row out to that size. A cell shown as a percentage (Excel
    keeps 18% as 0.18) is read as the percentage people see."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        if not book.worksheets:
            raise SheetProblem(_("The file holds no rows."))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # do not trust the size the file declares
        rows = sheet.iter_rows(max_col=len(COLUMNS) + 5)
        return [[_cell(c) for c in row] for row in itertools.islice(rows, MAX_ROWS + 2)]
    except SheetProblem:
        raise
    except Exception as error:  # a damaged zip, bad XML, a value openpyxl cannot read
        raise SheetProblem(_("This is not an .xlsx file Excel could open.")) from error


def _cell(cell):
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if "%" in number_format and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)) * 100
    return value


def _csv_rows(raw: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp949"):  # Excel in Korea saves CSV in cp949
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetProblem(_("The file is neither UTF-8 nor Korean (CP949) text."))
    if "\x00" in text:
        raise SheetProblem(_("This is not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text), dialect), MAX_ROWS + 2))
    except csv.Error as error:
        raise SheetProblem(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None


def _preview(header: list, rows: list[list], journey_map: JourneyMap) -> Preview:
    names = _header_names()
    columns, preview = [], Preview()
    for index, heading in enumerate(header):
        if heading is None or not str(heading).strip():
            columns.append(None)
            continue
        name = names.get(_key(heading))
        if name is None:
            preview.problems.append(
                _("Column %(column)s “%(heading)s”: not a column this import knows.")
                % {"column": _letter(index), "heading": str(heading)[:40]}
            )
        columns.append(name)
    if "id" not in columns and "touchpoint" not in columns:
        preview.problems.append(_("No “ID” or “Touchpoint” column says which touchpoint a row is."))
    if preview.problems:
        return preview
    touchpoints = list(journey_map.cards.filter(lane=Lane.TOUCHPOINT).select_related("stage"))
    by_id = {t.pk: t for t in touchpoints}
    by_text: dict[str, list[Card]] = {}
    for t in touchpoints:
        by_text.setdefault(" ".join(t.text.split()), []).append(t)
    current = {
        f.touchpoint_id: f for f in TouchpointFigures.objects.filter(journey_map=journey_map)
    }
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=2):
        values = {}
        for index, name in enumerate(columns):
            if name is None or index >= len(row) or row[index] in (None, ""):
                continue
            values[name] = row[index]
        touchpoint = _which(values, by_id, by_text, number, preview)
        if touchpoint is None:
            continue
        if touchpoint.pk in seen:
            preview.problems.append(
                _("Row %(row)d: the same touchpoint as row %(first)d.")
                % {"row": number, "first": seen[touchpoint.pk]}
            )
            continue
        seen[touchpoint.pk] = number
        new = {}
        for index, name in enumerate(columns):
            if name in (None, "id", "stage", "touchpoint") or name not in values:
                continue
            value = _value(name, values[name], number, _letter(index), preview)
            if value is not None:
                new[name] = value
        change = Change(number, touchpoint, new, _old(current.get(touchpoint.pk), new))
        if change.differences and not _valid(
            current.get(touchpoint.pk), touchpoint, new, number, preview
        ):
            continue
        if change.differences:
            preview.changes.append(change)
        elif new:
            preview.unchanged += 1
    return preview


def _which(values, by_id, by_text, number, preview) -> Card | None:
    if "id" in values:
        try:
            touchpoint = by_id.get(int(str(values["id"]).strip()))
        except ValueError:
            touchpoint = None
        if touchpoint is not None:
            return touchpoint
    text = " ".join(str(values.get("touchpoint", "")).split())
    found = by_text.get(text, [])
    if len(found) > 1:
        preview.problems.append(
            _("Row %(row)d: “%(text)s” names %(n)d touchpoints; use the ID column.")
            % {"row": number, "text": text[:40], "n": len(found)}
        )
        return None
    if not found:
        preview.unmatched.append((number, text or str(values.get("id", ""))))
        return None
    return found[0]


def _value(name, raw, row, column, preview):
    where = _("Row %(row)d, column %(column)s") % {"row": row, "column": column}
    try:
        if name in NUMBERS or name == "complaints":
            number = _number(raw)
            if name == "complaints":
                if number != number.to_integral_value() or number < 0:
                    raise ValueError(_("a whole number of complaints"))
                return int(number)
            percent = name in ("satisfaction", "satisfaction_target", "drop_off")
            if number < 0 or (percent and number > 100):
                raise ValueError(_("a number in range"))
            if number > Decimal("1e9"):
                raise ValueError(_("a number in range"))
            return number.quantize(Decimal("0.1"))
        if name in DATES:
            return _date(raw)
        text = str(raw).strip()
        if name == "satisfaction_scale":
            return _choice(text, Scale, {"%": Scale.PERCENT, "5": Scale.MEAN5})
        if name == "source":
            return _choice(text, Source, {})
        if len(text) > 300 or "\x00" in text:
            raise ValueError(_("a shorter text"))
        return text
    except (ValueError, ArithmeticError) as error:
        if not isinstance(error, ValueError):
            error = _("a number in range")
        preview.problems.append(
            _("%(where)s (%(heading)s): expected %(expected)s, found “%(found)s”.")
            % {
                "where": where,
                "heading": _heading(name),
                "expected": error,
                "found": str(raw)[:30],
            }  # fmt: skip
        )
        return None


def _number(raw) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(_("a number"))
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw))
    text = str(raw).strip().replace(",", "").rstrip("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("a number")) from None
    if not number.is_finite():
        raise ValueError(_("a number"))
    return number


def _date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip().replace(".", "-").replace("/", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("a date like 2026-12-31")) from None


def _choice(text: str, choices, extra: dict) -> str:
    lowered = text.lower()
    for value, label in choices.choices:
        if lowered in (value, str(label).lower()):
            return value
    if text in extra:
        return extra[text]
    raise ValueError(", ".join(str(v) for v in choices.values))


def _valid(figures, touchpoint: Card, new: dict, row: int, preview: Preview) -> bool:
    """The touchpoint's figures as they would be saved (what it has, with this row's values)
    pass the model's own checks: ranges, a mean of 1–5, a period in order."""
    merged = TouchpointFigures(touchpoint=touchpoint, journey_map_id=touchpoint.journey_map_id)
    for name in TouchpointFigures.FIELDS:
        setattr(merged, name, new.get(name, getattr(figures, name, None) if figures else None))
    if merged.satisfaction_scale is None:
        merged.satisfaction_scale = Scale.PERCENT
    try:
        merged.clean_fields(exclude=["touchpoint", "journey_map"])
        merged.clean()
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            heading = _heading(field_name) if field_name in {c[0] for c in COLUMNS} else ""
            preview.problems.append(
                _("Row %(row)d%(heading)s: %(problem)s")
                % {
                    "row": row,
                    "heading": f" ({heading})" if heading else "",
                    "problem": " ".join(messages),
                }
            )
        return False
    return True


def _old(figures, new: dict) -> dict:
    return {name: getattr(figures, name) for name in new} if figures else {}


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _heading(name: str) -> str:
    return next(str(heading) for key, heading, _aliases in COLUMNS if key == name)


def template(journey_map: JourneyMap) -> bytes:
    """An .xlsx of the map's touchpoints in board order, with their figures so far."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Touchpoint figures")[:31]
    sheet.append([str(heading) for _name, heading, _aliases in COLUMNS])
    for heading_cell in sheet[1]:
        heading_cell.font = Font(bold=True)
    figures = {
        f.touchpoint_id: f for f in TouchpointFigures.objects.filter(journey_map=journey_map)
    }
    touchpoints = journey_map.cards.filter(lane=Lane.TOUCHPOINT).select_related("stage")
    for t in touchpoints.order_by("stage__position", "position", "id"):
        row = [t.pk, cell(t.stage.name), cell(t.text)]  # never a formula
        known = figures.get(t.pk)
        for name in (column[0] for column in COLUMNS[3:]):
            value = getattr(known, name, None) if known else None
            if isinstance(value, Decimal):
                value = float(value)
            row.append(cell(value) if isinstance(value, str) else value)
        sheet.append(row)
    sheet.column_dimensions["C"].width = 36
    sheet.freeze_panes = "D2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
