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
from workshops import presence


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
    """The map, or 404. A write locks its row until the view's transaction ends, so edits of
    one map happen one after another and each push shows a state at least as new as its own."""
    queryset = editable_maps(request).select_related("persona")
    if request.method == "POST":
        queryset = queryset.select_for_update(of=("self",))
    return get_object_or_404(queryset, pk=map_id)


def member_for_socket(user, map_id: int) -> dict | None:
    """Who this socket is in the map's room, or None when it may not join."""
    if not can_edit_maps(user) or not JourneyMap.objects.filter(pk=map_id).exists():
        return None
    name = user.get_full_name() or user.get_username()
    return {
        "map_id": map_id,
        "user": f"u{user.pk}",
        "name": name,
        "colour": presence.colour_for(f"u{user.pk}"),
    }
