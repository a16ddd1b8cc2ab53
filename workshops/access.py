"""Who may see and change what: the one place every view and socket asks.

- A facilitator is a staff account: sees and edits every map and runs every workshop.
- A participant joined a workshop from its link or code, without an account; their browser
  session remembers them. They edit their own team's map while the workshop is open, the
  board is not locked and the current agenda step opens that part of the map.
- A viewer opened a read-only link: a workshop's (they read and export all its teams' maps)
  or one map's (that map alone).
- Everyone else gets 404 for every map, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from maps.models import JourneyMap
from workshops import presence, ratelimit
from workshops.models import Area, Participant, Team, Workshop

# Session keys: {workshop id: participant id}, {workshop id: the read-only link's token} and
# {map id: the map link's token}. The token is kept so that rotating a link ends its access.
PARTICIPANTS = "jm_participants"
VIEWS = "jm_views"
MAP_VIEWS = "jm_map_views"

EDITOR, PARTICIPANT, VIEWER, GUEST = "editor", "participant", "viewer", "guest"


class WriteRefused(Exception):
    """A reader tried to write: answered 403 with the message (see RefusalMiddleware)."""

    status = 403


class Removed(WriteRefused):
    """A participant the facilitator removed opens their old map: told so, not a bare 404."""

    status = 410
    template = "workshops/removed.html"


class TooFast(WriteRefused):
    """Changes faster than a person makes them: answered 429, nothing changed."""

    status = 429


@dataclass
class Role:
    kind: str
    team: Team | None = None
    participant: Participant | None = None
    # A viewer by the workshop's link reads every team's map; by a map's link, that map.
    whole_workshop: bool = False

    @property
    def workshop(self) -> Workshop | None:
        return self.team.workshop if self.team else None

    @property
    def can_override(self) -> bool:
        """Facilitators write while the board is locked and in any lane."""
        return self.kind == EDITOR


def can_edit_maps(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def participant_in(session, workshop_id: int) -> Participant | None:
    """The participant this browser joined `workshop_id` as, unless they were removed."""
    pk = session.get(PARTICIPANTS, {}).get(str(workshop_id))
    if pk is None:
        return None
    return Participant.objects.filter(pk=pk, workshop_id=workshop_id, removed_at=None).first()


def removed_from(session, journey_map: JourneyMap) -> bool:
    team = team_of(journey_map)
    pk = session.get(PARTICIPANTS, {}).get(str(team.workshop_id)) if team else None
    removed = Participant.objects.filter(pk=pk, removed_at__isnull=False)
    return pk is not None and removed.filter(workshop_id=team.workshop_id).exists()


def _rights_added(request: HttpRequest) -> None:
    """A new session id whenever a browser gains rights (as logging in does), so an id
    someone planted or read beforehand grants nothing."""
    request.session.cycle_key()


def remember_participant(request: HttpRequest, participant: Participant) -> None:
    joined = dict(request.session.get(PARTICIPANTS, {}))
    joined[str(participant.workshop_id)] = participant.pk
    request.session[PARTICIPANTS] = joined
    _rights_added(request)


def _links(session, key: str) -> dict:
    links = session.get(key)
    return links if isinstance(links, dict) else {}


def remember_viewer(request: HttpRequest, workshop: Workshop) -> None:
    request.session[VIEWS] = {
        **_links(request.session, VIEWS),
        str(workshop.pk): workshop.view_token,
    }
    _rights_added(request)


def remember_map_viewer(request: HttpRequest, journey_map: JourneyMap) -> None:
    links = _links(request.session, MAP_VIEWS)
    request.session[MAP_VIEWS] = {**links, str(journey_map.pk): journey_map.view_token}
    _rights_added(request)


def holds_link(session, workshop: Workshop) -> bool:
    """This browser opened the workshop's read-only link, and it has not been rotated since."""
    return _links(session, VIEWS).get(str(workshop.pk)) == workshop.view_token


def holds_map_link(session, journey_map: JourneyMap) -> bool:
    return _links(session, MAP_VIEWS).get(str(journey_map.pk)) == journey_map.view_token


def team_of(journey_map: JourneyMap) -> Team | None:
    """The workshop team whose map this is (loaded with the map by WITH_TEAM), or None."""
    try:
        return journey_map.team
    except Team.DoesNotExist:
        return None


# Load a map with its team and workshop in the same query: every access check needs them.
WITH_TEAM = ("team__workshop",)


def role_for(user, session, journey_map: JourneyMap) -> Role | None:
    team = team_of(journey_map)
    if can_edit_maps(user):
        return Role(EDITOR, team=team)
    if team is not None:
        participant = participant_in(session, team.workshop_id)
        if participant is not None:
            participant.workshop = team.workshop
            if participant.team_id == team.pk:
                return Role(PARTICIPANT, team=team, participant=participant)
            if team.workshop.gallery_open:
                return Role(GUEST, team=team, participant=participant)
        if holds_link(session, team.workshop):
            return Role(VIEWER, team=team, whole_workshop=True)
    if holds_map_link(session, journey_map):
        return Role(VIEWER, team=team)
    return None


def can_read_workshop(request: HttpRequest, workshop: Workshop) -> bool:
    """Every team's map at once: facilitators, the workshop's read-only link, and its
    participants while the facilitator has the gallery open."""
    if can_edit_maps(request.user) or holds_link(request.session, workshop):
        return True
    return workshop.gallery_open and participant_in(request.session, workshop.pk) is not None


def is_known(request: HttpRequest) -> bool:
    session = request.session
    return request.user.is_authenticated or any(
        session.get(key) for key in (PARTICIPANTS, VIEWS, MAP_VIEWS)
    )


def login_required(view):
    """Signed in, or joined a workshop, or holding a read-only link; anyone else goes to the
    login page (an htmx request as a whole page). The view still checks the map."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_known(request):
            return view(request, *args, **kwargs)
        response = redirect_to_login(request.get_full_path())
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401, headers={"HX-Redirect": response["Location"]})
        return response

    return wrapper


def require_editor(request: HttpRequest) -> None:
    """Pages that only facilitators may see answer 404 to everyone else."""
    if not can_edit_maps(request.user):
        raise Http404


def editable_maps(request: HttpRequest):
    """The maps this request may open to compare with, list or push to."""
    if can_edit_maps(request.user):
        return JourneyMap.objects.all()
    joined = request.session.get(PARTICIPANTS, {}).values()
    return JourneyMap.objects.filter(
        team__participants__pk__in=list(joined), team__participants__removed_at=None
    )


def get_map(request: HttpRequest, map_id: int, *, lock: bool = False) -> JourneyMap:
    """The map if this request may read it (404 otherwise); `request.role` says how."""
    queryset = JourneyMap.objects.select_related("persona", *WITH_TEAM)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    journey_map = get_object_or_404(queryset, pk=map_id)
    role = role_for(request.user, request.session, journey_map)
    if role is None:
        if removed_from(request.session, journey_map):
            raise Removed(_("The facilitator removed you from this workshop."))
        raise Http404
    request.role = role
    return journey_map


def get_map_for_edit(request: HttpRequest, map_id: int, area: str | None = None) -> JourneyMap:
    """The map if this request may change it. A write locks its row until the view's
    transaction ends, so edits of one map happen one after another and each push shows a
    state at least as new as its own."""
    journey_map = get_map(request, map_id, lock=request.method == "POST")
    role = request.role
    if request.method == "POST" and role.kind in (EDITOR, PARTICIPANT):
        limit = settings.WRITES_PER_MINUTE
        if not ratelimit.hit(f"writes:{author_key(request)}", limit, 60):
            raise TooFast(
                _("Slow down: at most %(n)d changes a minute. Wait a moment and try again.")
                % {"n": limit}
            )
    if role.kind == VIEWER:
        raise WriteRefused(_("This is a read-only link: it shows the map but cannot change it."))
    if role.kind == GUEST:
        raise WriteRefused(_("This is another team's map: you can read it, not change it."))
    workshop = role.workshop
    if workshop is not None:
        if workshop.is_closed:
            raise WriteRefused(_("The workshop is closed: its maps can be read, not changed."))
        if workshop.locked and not role.can_override:
            raise WriteRefused(_("The facilitator has locked the board for now."))
    if area is not None:
        check_area(request, area)
    return journey_map


def person_key(request: HttpRequest) -> str:
    """Who is asking, for counting: the account, else the participant, else the browser's
    session (as a digest), else the address."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    joined = request.session.get(PARTICIPANTS) or {}
    if joined:
        return "p" + "-".join(str(pk) for pk in sorted(joined.values()))
    if request.session.session_key:
        return f"v{ratelimit.hashed(request.session.session_key)}"
    return f"a{ratelimit.hashed(request.META.get('REMOTE_ADDR', ''))}"


# Reads that cost seconds of CPU (a PDF) or a fraction of one (a chart drawn anew).
HEAVY = {"pdf": "EXPORTS_PER_MINUTE", "chart": "CHARTS_PER_MINUTE"}


def limit_heavy(request: HttpRequest, kind: str) -> None:
    """Refuse (429) a person's next PDF or chart past their limit for this minute, so one
    person repeating them cannot take the server from the rest of the room."""
    limit = getattr(settings, HEAVY[kind])
    if not ratelimit.hit(f"heavy:{kind}:{person_key(request)}", limit, 60):
        raise TooFast(
            _("That was a lot of exports in a minute: wait a moment and try again.")
            if kind == "pdf"
            else _("That was a lot of charts in a minute: wait a moment and try again.")
        )


def check_area(request: HttpRequest, area: str, *or_areas: str) -> None:
    """Refuse a write to a part of the map the current agenda step does not open (any of
    `area` and `or_areas` will do)."""
    role = request.role
    workshop = role.workshop
    if workshop is None or role.can_override or {area, *or_areas} & set(workshop.open_areas()):
        return
    opening = workshop.step_opening(area)
    name = Area(area).label
    if opening is None:
        raise WriteRefused(_("%(area)s are closed in this workshop.") % {"area": name})
    raise WriteRefused(
        _("%(area)s are closed now; step %(number)s (%(step)s) opens them.")
        % {"area": name, "number": opening.number, "step": opening.title}
    )


@dataclass(frozen=True)
class Author:
    """Who makes a change, as what they write remembers them: the name shown on it, the key
    private cards and dots are kept under ("p<participant>" or "u<user>"), and the account."""

    name: str
    key: str = ""
    user: object = None
    # What a participant said of themselves on joining: emotion cards keep it.
    work_role: str = ""
    company: str = ""
    # Whether a card written without a name may keep the two above (the facilitator's call).
    anonymous_keeps_role: bool = False


def author(request: HttpRequest) -> Author:
    """The person behind this request (after get_map or require_editor)."""
    role = getattr(request, "role", None)
    participant = role.participant if role is not None else None
    if participant is None:
        return Author(name=who(request), key=f"u{request.user.pk}", user=user_or_none(request))
    return Author(
        name=who(request),
        key=f"p{participant.pk}",
        user=user_or_none(request),
        work_role=participant.role,
        company=participant.organisation,
        anonymous_keeps_role=participant.workshop.anonymous_keeps_role,
    )


def who(request: HttpRequest) -> str:
    """The name shown on what this request writes."""
    role = getattr(request, "role", None)
    if role is not None and role.participant is not None:
        return role.participant.display_name
    return request.user.get_full_name() or request.user.get_username()


def author_key(request: HttpRequest) -> str:
    """Who wrote or voted, as private cards and dots remember it: a participant or a user."""
    return author(request).key


def private_to(request: HttpRequest, *areas: str) -> str:
    """The key a card written now in any of `areas` stays private to; "" when public."""
    workshop = request.role.workshop
    if workshop is not None and set(areas) & set(workshop.private_areas):
        return author_key(request)
    return ""


def user_or_none(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def member_for_socket(scope, map_id: int) -> dict | None:
    """Who this socket is in the map's room, or None when it may not join."""
    journey_map = JourneyMap.objects.select_related(*WITH_TEAM).filter(pk=map_id).first()
    user, session = scope["user"], scope["session"]
    role = role_for(user, session, journey_map) if journey_map else None
    if role is None:
        return None
    if role.participant is not None:
        key, name = f"p{role.participant.pk}", role.participant.display_name
    elif role.kind == VIEWER:
        # Shown to the room (presence) and used in group names: never the session id itself.
        key, name = f"v{ratelimit.hashed(session.session_key or '')}", _("Viewer")
    else:
        key, name = f"u{user.pk}", user.get_full_name() or user.get_username()
    return {
        "map_id": map_id,
        "user": key,
        "name": name,
        "colour": presence.colour_for(key),
        "participant": role.participant.pk if role.participant else None,
    }


class RefusalMiddleware:
    """Turns WriteRefused into a 403 that says why: plain text for htmx (shown as a toast),
    a page with a way back otherwise. Nothing was changed: the view's transaction rolls back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, WriteRefused):
            return None
        if getattr(request, "htmx", False):
            return HttpResponse(str(exception), status=exception.status, content_type="text/plain")
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = "/"
        context = {"message": exception, "back": back}
        template = getattr(exception, "template", "workshops/refused.html")
        return render(request, template, context, status=exception.status)
