"""Who may see and change what: the one place every view asks.

For now staff users edit every map. The workshop issue extends this with facilitators,
participants and read-only viewers; views keep calling the same helpers.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from maps.models import JourneyMap


def can_edit_maps(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def login_required(view):
    """Like Django's, but an htmx request is sent to the login page as a whole page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        response = redirect_to_login(request.get_full_path())
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401, headers={"HX-Redirect": response["Location"]})
        return response

    return wrapper


def require_editor(request: HttpRequest) -> None:
    """Pages that only map editors may see answer 404 to everyone else."""
    if not can_edit_maps(request.user):
        raise Http404


def editable_maps(request: HttpRequest):
    """The maps this request may open and change (others answer 404, not 403)."""
    if not can_edit_maps(request.user):
        return JourneyMap.objects.none()
    return JourneyMap.objects.all()


def get_map_for_edit(request: HttpRequest, map_id: int) -> JourneyMap:
    return get_object_or_404(editable_maps(request).select_related("persona"), pk=map_id)
