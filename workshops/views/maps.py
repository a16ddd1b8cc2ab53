"""The facilitator's list of maps: creating a map and importing one from a JSON export."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from maps import importing
from maps.forms import JourneyMapCreateForm, MapImportForm
from workshops.access import author, editable_maps, login_required, require_editor
from workshops.actions import maps as actions


def _list(request, *, form=None, import_form=None, status=200):
    context = {
        "maps": editable_maps(request).select_related("persona"),
        "form": form or JourneyMapCreateForm(),
        "import_form": import_form or MapImportForm(),
    }
    return render(request, "maps/list.html", context, status=status)


@require_GET
@login_required
def map_list(request):
    require_editor(request)
    return _list(request)


@require_POST
@login_required
def map_create(request):
    require_editor(request)
    form = JourneyMapCreateForm(request.POST)
    if not form.is_valid():
        return _list(request, form=form, status=422)
    return redirect(actions.create_map(by=author(request), **form.cleaned_data))


@require_POST
@login_required
def map_import(request):
    require_editor(request)
    form = MapImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            imported = importing.read(form.cleaned_data["file"].read())
        except importing.ImportProblem as problem:
            form.add_error("file", str(problem))
        else:
            return redirect(actions.import_map(imported, by=author(request)))
    return _list(request, import_form=form, status=422)
