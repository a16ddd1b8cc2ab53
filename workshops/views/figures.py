"""Touchpoint figures from a spreadsheet: the template to fill in, the upload, a preview of
what would change (nothing saved), and applying it (one transaction, one push)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from maps import figures_sheet
from maps.forms import FiguresFileForm
from workshops.access import author, get_map, get_map_for_edit, login_required
from workshops.actions import cards as actions
from workshops.models import Area
from workshops.views.downloads import XLSX, download, export_name

PAGE = "maps/figures_import.html"


def _salt(journey_map) -> str:
    return f"figures-import:{journey_map.pk}"


@require_GET
@login_required
def figures_template(request, map_id: int):
    journey_map = get_map(request, map_id)
    name = export_name(journey_map, _("touchpoint figures") + ".xlsx")
    return download(figures_sheet.template(journey_map), XLSX, name)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def figures_import(request, map_id: int):
    journey_map = get_map_for_edit(request, map_id, Area.TOUCHPOINT)
    context = {"journey_map": journey_map, "form": FiguresFileForm()}
    if request.method == "GET":
        return render(request, PAGE, context)
    if "preview" in request.POST:  # the second step: apply what was previewed
        return _apply(request, journey_map, context)
    form = context["form"] = FiguresFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, PAGE, context, status=422)
    upload = form.cleaned_data["file"]
    try:
        preview = figures_sheet.read(upload.name, upload.read(), journey_map)
    except figures_sheet.SheetProblem as problem:
        form.add_error("file", str(problem))
        return render(request, PAGE, context, status=422)
    context["preview"] = preview
    if preview.ok and preview.changes:
        context["signed"] = signing.dumps(preview.payload(), salt=_salt(journey_map), compress=True)
    return render(request, PAGE, context, status=200 if preview.ok else 422)


def _apply(request, journey_map, context):
    try:
        rows = signing.loads(request.POST["preview"], salt=_salt(journey_map), max_age=3600)
    except signing.BadSignature:
        context["stale"] = True
        return render(request, PAGE, context, status=422)
    known = set(
        journey_map.cards.filter(lane="touchpoint", pk__in=[int(k) for k in rows]).values_list(
            "pk", flat=True
        )
    )
    if len(known) != len(rows):  # deleted since the preview: nothing is applied
        context["stale"] = True
        return render(request, PAGE, context, status=409)
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves the view's transaction usable
            actions.apply_figures(journey_map, _typed(rows), by=author(request))
    except (ValidationError, IntegrityError):
        # Checked in the preview; the figures changed since in a way that no longer fits.
        context["stale"] = True
        return render(request, PAGE, context, status=409)
    messages.success(
        request,
        ngettext(
            "Figures of %(n)d touchpoint saved.", "Figures of %(n)d touchpoints saved.", len(rows)
        )
        % {"n": len(rows)},
    )
    return redirect(f"{journey_map.get_absolute_url()}#curve")


def _typed(rows: dict) -> dict:
    """The signed preview's plain values back into numbers and dates."""
    out = {}
    for pk, values in rows.items():
        typed = {}
        for name, value in values.items():
            if name in figures_sheet.NUMBERS:
                value = Decimal(value)
            elif name in figures_sheet.DATES:
                value = datetime.date.fromisoformat(value)
            typed[name] = value
        out[pk] = typed
    return out
