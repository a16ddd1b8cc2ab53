"""The permission matrix: every URL of a team's map and of the workshop, for every kind of
visitor. Allowed reads answer 200, allowed writes succeed; refused ones answer 404 (nothing
there, as far as they can tell), 403 with a reason (a read-only link) or the login page, and a
refused write changes nothing in the database."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maps import portable
from maps.models import (
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Lane,
    MapVersion,
    OpportunityScore,
)
from workshops.models import AgendaTemplate, Dot, Participant, Workshop

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "team_a", "team_b", "other_workshop", "viewer", "anonymous"]


def everything() -> str:
    """The whole state a refused write must leave alone."""
    maps = [
        portable.dumps(team.journey_map) for w in Workshop.objects.all() for team in w.teams.all()
    ]
    maps.append(list(JourneyMap.objects.order_by("pk").values_list("pk", "scores_hidden")))
    maps.append(list(OpportunityScore.objects.values_list("card", "scorer", "effort")))
    workshops = list(
        Workshop.objects.values(
            "join_code",
            "view_token",
            "locked",
            "closed_at",
            "step_index",
            "clock_running",
            "clock_left",
            "gallery_open",
            "private_areas",
            "vote_open",
            "vote_lane",
            "calendar_token",
            "scoring_round",
            "anonymous_keeps_role",
            "show_room_mean",
        )
    )
    return json.dumps(
        [
            maps,
            workshops,
            Participant.objects.filter(removed_at=None).count(),
            MapVersion.objects.count(),
            list(Workshop.objects.values_list("steps__pk", "steps__position", "steps__minutes")),
            list(AgendaTemplate.objects.values_list("name", flat=True)),
            list(Card.all_objects.exclude(private_to="").values_list("pk", flat=True)),
            list(Dot.objects.values_list("card", "voter")),
            # A push counts in the map's sequence: a refused write tells nobody anything.
            list(JourneyMap.objects.order_by("pk").values_list("view_token", "seq")),
        ],
        default=str,
    )


@pytest.fixture
def world(workshop, join, editor, django_user_model):
    """Workshop with teams A and B, a participant in each, another workshop with its own
    participant, a viewer of the first workshop, and some cards on team A's map."""
    team_a = workshop.teams.get(name="팀 A")
    journey_map = team_a.journey_map
    stage = journey_map.stages.first()
    touchpoint = Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text="앱")
    action = Card.objects.create(stage=stage, lane=Lane.ACTION, text="검색한다")
    opportunity = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="개선")
    emotion = EmotionCard.objects.create(touchpoint=touchpoint, score=-1)
    plan = ActionPlan.objects.create(opportunity=opportunity, what="할 일")
    version = MapVersion.objects.create(journey_map=journey_map, data=portable.dump(journey_map))
    other = Workshop.create(
        title="다른 워크숍", date=workshop.date, teams=["팀 C"], preset="funnel", facilitator=editor
    )
    facilitator = Client()
    facilitator.force_login(editor)
    viewer = Client()
    assert viewer.get(f"/v/{workshop.view_token}/").status_code == 302
    clients = {
        "facilitator": facilitator,
        "team_a": join(workshop, "팀 A", "에이"),
        "team_b": join(workshop, "팀 B", "비"),
        "other_workshop": join(other, "팀 C", "씨"),
        "viewer": viewer,
        "anonymous": Client(),
    }
    # A vote open on touchpoints, and a card team A's participant wrote privately.
    workshop.open_vote(Lane.TOUCHPOINT, 3)
    author = Participant.objects.get(display_name="에이")
    private = Card.all_objects.create(
        stage=stage, lane=Lane.ACTION, text="비밀", private_to=f"p{author.pk}"
    )
    return {
        "clients": clients,
        "private": private,
        "workshop": workshop,
        "map": journey_map,
        "stage": stage,
        "touchpoint": touchpoint,
        "action": action,
        "opportunity": opportunity,
        "emotion": emotion,
        "plan": plan,
        "version": version,
        "participant": Participant.objects.get(display_name="비"),
        "step": workshop.steps.first(),
    }


def map_requests(w) -> dict[str, tuple[str, dict | None]]:
    """URL name -> (path, POST data or None for GET) for everything under /maps/<id>/."""
    m, s, t = w["map"].pk, w["stage"].pk, w["touchpoint"]
    details = {"title": "새 제목", "map_type": "current"}
    return {
        "maps:board": (reverse("maps:board", args=[m]), None),
        "maps:snapshot": (reverse("maps:snapshot", args=[m]), None),
        "maps:compare": (reverse("maps:compare", args=[m]), None),
        "maps:compare-svg": (reverse("maps:compare-svg", args=[m]), None),
        "maps:compare-png": (reverse("maps:compare-png", args=[m]), None),
        "maps:compare-pdf": (reverse("maps:compare-pdf", args=[m]), None),
        "maps:curve-svg": (reverse("maps:curve-svg", args=[m]), None),
        "maps:curve-png": (reverse("maps:curve-png", args=[m]), None),
        "maps:touchpoint-curve-svg": (reverse("maps:touchpoint-curve-svg", args=[m]), None),
        "maps:touchpoint-curve-png": (reverse("maps:touchpoint-curve-png", args=[m]), None),
        "maps:figures-template": (reverse("maps:figures-template", args=[m]), None),
        # The upload page is for those who may change the figures (the upload itself:
        # tests/test_figures_import.py).
        "maps:figures-import": (reverse("maps:figures-import", args=[m]), None),
        "maps:figures-update": (
            reverse("maps:figures-update", args=[m, t.pk]),
            {"complaints": "12", "source": "cs"},
        ),
        "maps:export-pdf": (reverse("maps:export-pdf", args=[m]), None),
        "maps:export-json": (reverse("maps:export-json", args=[m]), None),
        "maps:export-csv": (reverse("maps:export-csv", args=[m]), None),
        "maps:export-cards": (reverse("maps:export-cards", args=[m]), None),
        "maps:export-cards-csv": (reverse("maps:export-cards-csv", args=[m]), None),
        "maps:export-ics": (reverse("maps:export-ics", args=[m]), None),
        "maps:card": (reverse("maps:card", args=[m, t.pk]), None),
        "maps:version-save": (reverse("maps:version-save", args=[m]), {"label": "v2"}),
        "maps:details-update": (reverse("maps:details-update", args=[m]), details),
        "maps:persona-update": (reverse("maps:persona-update", args=[m]), {"name": "페르소나"}),
        "maps:lanes-update": (reverse("maps:lanes-update", args=[m]), {"lanes": ["goal"]}),
        "maps:stage-add": (reverse("maps:stage-add", args=[m]), {"name": "새 단계"}),
        "maps:stage-rename": (reverse("maps:stage-rename", args=[m, s]), {"name": "바뀐 단계"}),
        "maps:stage-move": (reverse("maps:stage-move", args=[m, s]), {"direction": "right"}),
        "maps:stage-delete": (reverse("maps:stage-delete", args=[m, s]), {}),
        "maps:card-add": (
            reverse("maps:card-add", args=[m]),
            {"stage": s, "lane": "action", "text": "새 카드"},
        ),
        "maps:card-update": (
            reverse("maps:card-update", args=[m, w["action"].pk]),
            {"text": "고친 카드", "version": w["action"].version},
        ),
        "maps:card-move": (
            reverse("maps:card-move", args=[m, w["action"].pk]),
            {"direction": "right"},
        ),
        "maps:card-mot": (reverse("maps:card-mot", args=[m, t.pk]), {}),
        "maps:card-delete": (reverse("maps:card-delete", args=[m, w["action"].pk]), {}),
        "maps:card-score": (
            reverse("maps:card-score", args=[m, w["opportunity"].pk]),
            {"customer_value": 3, "business_value": 4, "effort": 2},
        ),
        "maps:priorities-svg": (reverse("maps:priorities-svg", args=[m]), None),
        "maps:card-merge": (
            reverse("maps:card-merge", args=[m]),
            {"cards": [w["opportunity"].pk, w["action"].pk]},
        ),
        "maps:emotion-add": (
            reverse("maps:emotion-add", args=[m]),
            {"touchpoint": t.pk, "score": "2"},
        ),
        "maps:emotion-delete": (
            reverse("maps:emotion-delete", args=[m, w["emotion"].pk]),
            {},
        ),
        "maps:plan-add": (
            reverse("maps:plan-add", args=[m]),
            {"opportunity": w["opportunity"].pk, "what": "새 계획", "status": "todo"},
        ),
        "maps:plan-update": (
            reverse("maps:plan-update", args=[m, w["plan"].pk]),
            {"what": "고친 계획", "status": "doing", "opportunity": w["opportunity"].pk},
        ),
        "maps:plan-delete": (reverse("maps:plan-delete", args=[m, w["plan"].pk]), {}),
        "maps:plans": (reverse("maps:plans", args=[m]), None),
        "maps:review-start": (reverse("maps:review-start", args=[m]), {}),
        "maps:future-state": (reverse("maps:future-state", args=[m]), {}),
        # Giving out the owner's link is the editors' (the link itself: test_plans_followed.py).
        "maps:plan-owner-link": (reverse("maps:plan-owner-link", args=[m, w["plan"].pk]), None),
        "maps:card-dot": (reverse("maps:card-dot", args=[m, t.pk, "add"]), {}),
        "maps:share-rotate": (reverse("maps:share-rotate", args=[m]), {}),
        "maps:private-delete": (
            reverse("maps:private-delete", args=[m, "card", w["private"].pk]),
            {},
        ),
    }


# Every console control, with what makes it a valid request.
CONTROLS = {
    "start": {},
    "pause": {},
    "resume": {},
    "extend": {"minutes": 5},
    "step": {"step": 1},
    "lock": {},
    "unlock": {},
    "close": {},
    "reopen": {},
    "gallery-open": {},
    "gallery-close": {},
    "go": {"where": "own"},
    "private-start": {"areas": ["emotion"]},
    "reveal": {},
    "vote-open": {"lane": "touchpoint", "dots": 3},
    "vote-close": {},
    "mot-top": {"count": 1},
    "scores-private": {},
    "scores-reveal": {},
    "rotate": {},
    "rotate-view": {},
    "rescore": {},
    "rotate-calendar": {},
    "perspectives": {"show_room_mean": "on"},
}
# What a control needs first: adding minutes needs a running step.
PREPARE = {
    "workshops:control-extend": lambda w: w["workshop"].start(),
    "workshops:control-scores-reveal": lambda w: JourneyMap.objects.filter(
        team__workshop=w["workshop"]
    ).update(scores_hidden=True),
}


def workshop_requests(w) -> dict[str, tuple[str, dict | None]]:
    k = w["workshop"].pk
    step = w["step"]
    return {
        "workshops:console": (reverse("workshops:console", args=[k]), None),
        "workshops:teams": (reverse("workshops:teams", args=[k]), None),
        "workshops:maps": (reverse("workshops:maps", args=[k]), None),
        "workshops:qr": (reverse("workshops:qr", args=[k]), None),
        "workshops:gallery": (reverse("workshops:gallery", args=[k]), None),
        "workshops:export-pdf": (reverse("workshops:export-pdf", args=[k]), None),
        "workshops:present": (
            reverse("workshops:present", args=[k, w["map"].team.pk]),
            None,
        ),
        "workshops:screen": (reverse("workshops:screen", args=[k]), None),
        "workshops:screen-state": (reverse("workshops:screen-state", args=[k]), None),
        "workshops:plans": (reverse("workshops:plans", args=[k]), None),
        **{
            f"workshops:control-{name}": (reverse(f"workshops:control-{name}", args=[k]), data)
            for name, data in CONTROLS.items()
        },
        "workshops:step": (
            reverse("workshops:step", args=[k, step.pk]),
            {f"s{step.pk}-title": "1단계", f"s{step.pk}-minutes": "30"},
        ),
        "workshops:participant-remove": (
            reverse("workshops:participant-remove", args=[k, w["participant"].pk]),
            {},
        ),
        "workshops:step-add": (
            reverse("workshops:step-add", args=[k]),
            {"new-title": "추가 단계", "new-minutes": "5"},
        ),
        "workshops:step-remove": (reverse("workshops:step-remove", args=[k, step.pk]), {}),
        "workshops:step-move": (
            reverse("workshops:step-move", args=[k, step.pk]),
            {"direction": "down"},
        ),
        "workshops:agenda-save": (
            reverse("workshops:agenda-save", args=[k]),
            {"template-name": "우리 안건"},
        ),
    }


READS = {"facilitator", "team_a", "viewer"}
WRITES = {"facilitator", "team_a"}
# A private card is its author's alone: even the facilitator finds nothing there.
ALLOWED = {
    "maps:private-delete": {"team_a"},
    "maps:share-rotate": {"facilitator"},
    "maps:figures-import": WRITES,
    "maps:plan-owner-link": WRITES,
    "maps:review-start": {"facilitator"},
    "maps:future-state": {"facilitator"},
}
# The gallery and the presentation open to participants only while the gallery is open
# (tests/test_gallery.py); in this matrix it is closed.
WORKSHOP_READS = {
    "workshops:maps": {"facilitator", "viewer"},
    "workshops:gallery": {"facilitator", "viewer"},
    "workshops:export-pdf": {"facilitator", "viewer"},
    "workshops:present": {"facilitator", "viewer"},
    "workshops:plans": {"facilitator", "viewer"},
}


def _names(resolver, namespace="") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_the_matrix_covers_every_map_and_workshop_url(world):
    """A URL added later without a row here fails this test."""
    covered = set(map_requests(world)) | set(workshop_requests(world))
    by_design = {
        # Not about one map or workshop: staff pages, or open to everyone by design.
        "maps:list",
        "maps:create",
        "maps:import",
        "maps:mots",
        "maps:mot-match",
        "workshops:list",
        # The example library belongs to no map: tests/test_examples.py.
        "maps:examples",
        "maps:example",
        "maps:example-copy",
        "workshops:join-code",
        "workshops:join",
        "workshops:view",
        "workshops:map-view",  # tests/test_map_view_link.py
        # Drawn only where two roles wrote cards: who may read it, tests/test_felt_by_whom.py.
        "maps:curve-split",
        # Saved agendas belong to no workshop: tests/test_agenda_editing.py.
        "workshops:agenda-delete",
        # A participant's own "다 했어요": tests/test_ready_check.py.
        "workshops:ready",
        # A secret in the address, no session: tests/test_plans_followed.py.
        "workshops:calendar",
        "workshops:owner",
        "workshops:owner-calendar",
        # An undo is its author's alone, for two minutes: tests/test_merge_and_undo.py.
        "maps:undo",
    }
    names = {n for n in _names(get_resolver()) if n.split(":")[0] in ("maps", "workshops")}
    assert names - covered - by_design == set()


MAP_URLS = [
    "maps:board", "maps:snapshot", "maps:compare", "maps:compare-svg", "maps:compare-png",
    "maps:curve-svg", "maps:curve-png", "maps:export-pdf", "maps:export-json",
    "maps:export-csv", "maps:export-ics", "maps:card", "maps:version-save",
    "maps:details-update", "maps:persona-update", "maps:stage-add", "maps:stage-rename",
    "maps:stage-move", "maps:stage-delete", "maps:card-add", "maps:card-update",
    "maps:card-move", "maps:card-mot", "maps:card-delete", "maps:emotion-add",
    "maps:emotion-delete", "maps:plan-add", "maps:plan-update", "maps:plan-delete",
    "maps:card-dot", "maps:private-delete", "maps:share-rotate", "maps:touchpoint-curve-svg",
    "maps:touchpoint-curve-png", "maps:figures-template", "maps:figures-import",
    "maps:figures-update", "maps:plans", "maps:plan-owner-link", "maps:review-start",
    "maps:compare-pdf", "maps:export-cards", "maps:export-cards-csv", "maps:card-merge",
    "maps:lanes-update", "maps:card-score", "maps:priorities-svg", "maps:future-state",
]  # fmt: skip


def _call(client, path, data):
    if data is None:
        return client.get(path)
    return client.post(path, data, headers={"HX-Request": "true"})


def _committed(names: list[str]) -> list:
    """The PDF worker reads the map or workshop on its own connection: it sees only committed
    rows, so PDF downloads run in transactional tests."""
    committed = pytest.mark.django_db(transaction=True)
    return [pytest.param(n, marks=committed) if n.endswith("export-pdf") else n for n in names]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", _committed(MAP_URLS))
def test_map_urls(world, name, role):
    path, data = map_requests(world)[name]
    client = world["clients"][role]
    before = everything()
    response = _call(client, path, data)
    allowed = ALLOWED.get(name, WRITES if data is not None else READS)
    if role in allowed:
        assert response.status_code in (200, 204, 302), response.content[:300]
        if data is not None and name != "maps:version-save":
            assert everything() != before, "an allowed write changed nothing"
        return
    if role == "anonymous":
        assert response.status_code in (302, 401)
        assert "/login/" in (response.get("Location") or response.get("HX-Redirect"))
    elif role == "viewer":
        assert response.status_code == 403
        assert "read-only" in response.content.decode() or "읽기 전용" in response.content.decode()
    else:
        assert response.status_code == 404
        assert "팀 A" not in response.content.decode()
    assert everything() == before


WORKSHOP_URLS = [
    "workshops:console",
    "workshops:teams",
    "workshops:maps",
    "workshops:qr",
    "workshops:gallery",
    "workshops:export-pdf",
    "workshops:present",
    "workshops:screen",
    "workshops:screen-state",
    "workshops:plans",
    "workshops:step",
    "workshops:step-add",
    "workshops:step-remove",
    "workshops:step-move",
    "workshops:agenda-save",
    "workshops:participant-remove",
    *(f"workshops:control-{name}" for name in CONTROLS),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", _committed(WORKSHOP_URLS))
def test_workshop_urls(world, name, role):
    if name in PREPARE:
        PREPARE[name](world)
    path, data = workshop_requests(world)[name]
    client = world["clients"][role]
    before = everything()
    response = _call(client, path, data)
    allowed = WORKSHOP_READS.get(name, {"facilitator"})
    if role in allowed:
        assert response.status_code in (200, 302), response.content[:300]
        if data is not None:
            assert everything() != before
        return
    if role == "anonymous":
        assert response.status_code in (302, 401)
    else:
        assert response.status_code == 404
    assert everything() == before


@pytest.mark.parametrize("role", ["team_a", "team_b", "other_workshop", "viewer", "anonymous"])
@pytest.mark.parametrize(
    "name",
    ["maps:list", "maps:create", "maps:import", "maps:mots", "maps:mot-match", "workshops:list"],
)
def test_staff_pages_are_for_facilitators_only(world, name, role):
    client = world["clients"][role]
    before = everything()
    response = client.post(reverse(name), {"title": "몰래", "teams": "X"})
    assert response.status_code in (302, 401, 404, 405)
    if response.status_code == 302:
        assert "/login/" in response["Location"]
    assert everything() == before


def test_a_participant_of_team_a_is_still_themselves_in_the_same_browser(world):
    client = world["clients"]["team_a"]
    # The session cookie is what the browser keeps across a closed laptop lid.
    response = client.get(f"/j/{world['workshop'].join_token}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("maps:board", args=[world["map"].pk])
    assert client.get("/").headers["Location"] == reverse("maps:board", args=[world["map"].pk])
    assert Participant.objects.filter(display_name="에이").count() == 1


def test_every_write_needs_the_csrf_token(world):
    """The matrix's clients skip CSRF like Django's test client does; a browser does not. Every
    write, by someone allowed to make it, is refused without the token and changes nothing."""
    requests = {
        name: (path, data)
        for name, (path, data) in (map_requests(world) | workshop_requests(world)).items()
        if data is not None
    }
    requests |= {
        "maps:create": (reverse("maps:create"), {"title": "새 지도", "preset": "funnel"}),
        "workshops:list": (reverse("workshops:list"), {"title": "워크숍", "teams": "1팀"}),
        "workshops:join": (
            reverse("workshops:join", args=[world["workshop"].join_token]),
            {"display_name": "새 사람", "team": world["map"].team.pk},
        ),
        "workshops:join-code": (reverse("workshops:join-code"), {"code": "AAA AAA"}),
        "maps:import": (reverse("maps:import"), {"file": io.BytesIO(portable.dumps(world["map"]))}),
        "logout": (reverse("logout"), {}),
        "set_language": (reverse("set_language"), {"language": "en"}),
    }
    assert len(requests) >= 30  # the 27 of the matrix and these
    for name, (path, data) in requests.items():
        role = "team_a" if name == "maps:private-delete" else "facilitator"
        client = Client(enforce_csrf_checks=True)
        client.cookies = world["clients"][role].cookies
        before = everything()
        for htmx in (True, False):
            headers = {"HX-Request": "true"} if htmx else {}
            response = client.post(path, data, headers=headers)
            assert response.status_code == 403, (name, response.status_code)
            text = response.content.decode()
            assert "Reload the page" in text or "새로 고침" in text, (name, text[:200])
        assert everything() == before, name


def test_a_page_left_open_across_a_sign_in_explains_itself(world):
    client = Client(enforce_csrf_checks=True)
    client.cookies = world["clients"]["facilitator"].cookies
    board = reverse("maps:board", args=[world["map"].pk])
    response = client.post(
        reverse("maps:stage-add", args=[world["map"].pk]),
        {"name": "x", "csrfmiddlewaretoken": "stale" * 8},
        headers={"Referer": f"http://testserver{board}"},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert f'href="{board}"' in page or f'href="http://testserver{board}"' in page
    assert "<html" in page  # the site's own page, not Django's bare one
    elsewhere = client.post(
        reverse("maps:stage-add", args=[world["map"].pk]),
        {"name": "x"},
        headers={"Referer": "https://evil.example/"},
    )
    assert "evil.example" not in elsewhere.content.decode()
