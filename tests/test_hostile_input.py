"""Property-based tests (hypothesis): whatever arrives in a form, a URL or a file, the answer
is a clear refusal or a success, never a 500, and a refusal changes nothing."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from maps import portable
from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane, MapVersion, Stage
from workshops.models import AgendaStep, Dot, Participant, Workshop

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REFUSALS = {403, 404, 405, 409, 410, 413, 422, 429}

# Text people should be able to write, and text nobody should.
anything = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=400, max_size=1200),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202ehello",  # right-to-left override
            "مرحبا بالعالم",
            "😀" * 300,
            "0000-00-00",
            "-1",
            "99999999999999999999",
            "<script>alert(1)</script>",
            "null",
            "[]",
        ]
    ),
)
ids = st.one_of(st.integers(min_value=-5, max_value=10**12), st.text(max_size=12))


def seg(value) -> str:
    """A generated id as one URL path segment ("?" or "/" in it must not end the path)."""
    return quote(str(value), safe="")


def state() -> tuple:
    """Everything a refused write must leave as it was."""
    return (
        tuple(
            Card.all_objects.order_by("pk").values_list(
                "pk", "text", "stage", "lane", "position", "joined"
            )
        ),
        tuple(EmotionCard.all_objects.values_list("pk", "score", "words")),
        tuple(ActionPlan.objects.values_list("pk", "what", "owner", "due_date", "status")),
        tuple(Stage.objects.values_list("pk", "name", "position")),
        tuple(JourneyMap.objects.values_list("pk", "title", "start_point", "extra_lanes")),
        tuple(
            AgendaStep.objects.values_list(
                "pk", "title", "minutes", "instructions", "areas", "position"
            )
        ),
        tuple(Participant.objects.values_list("pk", "removed_at")),
        Workshop.objects.count(),
        MapVersion.objects.count(),
        Dot.objects.count(),
    )


def check(response, before) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code in REFUSALS:
        assert state() == before
    else:
        assert response.status_code in (200, 201, 204, 302), response.status_code


@pytest.fixture
def world(editor_client, journey_map, stages, workshop):
    other_stage = workshop.teams.first().journey_map.stages.first()
    touchpoint = Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="앱")
    opportunity = Card.objects.create(stage=stages[0], lane=Lane.OPPORTUNITY, text="기회")
    return {
        "client": editor_client,
        "map": journey_map,
        "stage": stages[0],
        "other_stage": other_stage,
        "touchpoint": touchpoint,
        "opportunity": opportunity,
    }


@SETTINGS
@given(
    text=anything,
    lane=st.one_of(st.sampled_from(Lane.values), anything),
    stage=st.one_of(st.sampled_from(["own", "other map's"]), ids),
)
def test_adding_a_card(world, text, lane, stage):
    stage = {"own": world["stage"].pk, "other map's": world["other_stage"].pk}.get(stage, stage)
    before = state()
    response = world["client"].post(
        reverse("maps:card-add", args=[world["map"].pk]),
        {"stage": stage, "lane": lane, "text": text, "channel": text[:20]},
        **HTMX,
    )
    check(response, before)
    if response.status_code == 200:
        card = Card.objects.latest("pk")
        assert card.journey_map_id == world["map"].pk  # never into another map
        assert card.stage is None or card.stage.journey_map_id == world["map"].pk


@SETTINGS
@given(
    text=anything,
    version=st.one_of(st.integers(-3, 5), anything),
    card=st.one_of(st.just("own"), ids),
)
def test_editing_a_card(world, text, version, card):
    card = world["touchpoint"].pk if card == "own" else card
    before = state()
    response = world["client"].post(
        reverse("maps:card-update", args=[world["map"].pk, card])
        if isinstance(card, int) and card >= 0
        else f"/maps/{world['map'].pk}/cards/{seg(card)}/edit/",
        {"text": text, "version": version},
        **HTMX,
    )
    check(response, before)


@SETTINGS
@given(score=st.one_of(st.integers(-100, 100), anything), words=anything, target=ids)
def test_adding_an_emotion_card(world, score, words, target):
    before = state()
    response = world["client"].post(
        reverse("maps:emotion-add", args=[world["map"].pk]),
        {"touchpoint": target, "stage": target, "score": score, "words": words},
        **HTMX,
    )
    check(response, before)
    for emotion in EmotionCard.objects.all():
        assert -2 <= emotion.score <= 2


@SETTINGS
@given(what=anything, owner=anything, due=anything, status=anything)
def test_adding_an_action_plan(world, what, owner, due, status):
    before = state()
    response = world["client"].post(
        reverse("maps:plan-add", args=[world["map"].pk]),
        {
            "opportunity": world["opportunity"].pk,
            "what": what,
            "owner": owner,
            "due_date": due,
            "status": status,
        },
        **HTMX,
    )
    check(response, before)


@SETTINGS
@given(title=anything, start=anything, map_type=anything)
def test_editing_the_map_details(world, title, start, map_type):
    before = state()
    response = world["client"].post(
        reverse("maps:details-update", args=[world["map"].pk]),
        {"title": title, "start_point": start, "map_type": map_type},
        **HTMX,
    )
    check(response, before)


@SETTINGS
@given(name=anything, organisation=anything, team=ids)
def test_joining(workshop, name, organisation, team):
    before = state()
    response = Client().post(
        f"/j/{workshop.join_token}/",
        {"display_name": name, "organisation": organisation, "team": team},
    )
    check(response, before)


@SETTINGS
@given(code=anything)
def test_typing_a_join_code(workshop, code):
    before = state()
    response = Client(REMOTE_ADDR=f"10.0.{len(code) % 250}.1").post("/join/", {"code": code})
    check(response, before)


def _nested(depth: int) -> bytes:
    """JSON nested `depth` levels deep (built as text: json.dumps itself would recurse)."""
    return (
        '{"format": "journeymap", "map": ' + '{"stages": [' * depth + '"x"' + "]}" * depth + "}"
    ).encode()


@SETTINGS
@given(
    cut=st.floats(min_value=0, max_value=1),
    mangle=st.sampled_from(["truncate", "nest", "types", "huge", "garbage"]),
    junk=anything,
)
def test_importing_a_broken_or_hostile_file(world, cut, mangle, junk):
    good = portable.dumps(world["map"])
    if mangle == "truncate":
        raw = good[: int(len(good) * cut)]
    elif mangle == "nest":
        raw = _nested(int(cut * 50000) + 10)
    elif mangle == "types":
        data = json.loads(good)
        data["map"]["stages"] = {"not": "a list"} if cut < 0.5 else [junk, 3, None]
        raw = json.dumps(data).encode()
    elif mangle == "huge":
        raw = b'{"format": "journeymap", "map": {"title": "' + b"A" * (3 * 1024 * 1024) + b'"}}'
    else:
        raw = junk.encode("utf-8", "surrogatepass")
    before = state()
    response = world["client"].post(
        reverse("maps:import"), {"file": SimpleUploadedFile("x.json", raw)}
    )
    if mangle != "truncate" or cut < 1:
        assert response.status_code == 422, response.content[:300]
    check(response, before)


@SETTINGS
@given(name=anything, profile=anything, quote=anything)
def test_editing_the_persona(world, name, profile, quote):
    before = state()
    response = world["client"].post(
        reverse("maps:persona-update", args=[world["map"].pk]),
        {"name": name, "profile": profile, "quote": quote},
        **HTMX,
    )
    check(response, before)


@SETTINGS
@given(name=anything, stage=st.one_of(st.just("own"), ids), direction=anything)
def test_adding_renaming_and_moving_stages(world, name, stage, direction):
    stage = world["stage"].pk if stage == "own" else stage
    m = world["map"].pk
    for path, data in (
        (reverse("maps:stage-add", args=[m]), {"name": name}),
        (f"/maps/{m}/stages/{seg(stage)}/rename/", {"name": name}),
        (f"/maps/{m}/stages/{seg(stage)}/move/", {"direction": direction}),
    ):
        before = state()
        check(world["client"].post(path, data, **HTMX), before)


lanes = st.one_of(st.sampled_from(Lane.values), anything)


@SETTINGS
@given(
    direction=anything,
    stage=st.one_of(st.just("other map's"), ids),
    position=st.one_of(st.integers(-10, 10**9), anything),
    lane=st.one_of(st.none(), lanes),
    to=st.one_of(st.none(), anything, st.tuples(ids, lanes).map(lambda t: f"{t[0]}:{t[1]}")),
)
@example(direction="", stage="", position="", lane="unsorted", to=None)
def test_moving_a_card(world, direction, stage, position, lane, to):
    stage = world["other_stage"].pk if stage == "other map's" else stage
    data = {"direction": direction, "stage": stage, "position": position}
    data.update({k: v for k, v in (("lane", lane), ("to", to)) if v is not None})
    before = state()
    response = world["client"].post(
        reverse("maps:card-move", args=[world["map"].pk, world["touchpoint"].pk]),
        data,
        **HTMX,
    )
    check(response, before)
    card = Card.objects.select_related("stage").get(pk=world["touchpoint"].pk)
    assert card.journey_map_id == world["map"].pk
    assert card.stage is None or card.stage.journey_map_id == world["map"].pk


@SETTINGS
@given(cards=st.lists(st.one_of(st.sampled_from(["touchpoint", "opportunity"]), ids), max_size=5))
@example(cards=["touchpoint", "touchpoint"])
@example(cards=["opportunity", "touchpoint"])
def test_merging_any_cards(world, cards):
    cards = [world[c].pk if c in ("touchpoint", "opportunity") else c for c in cards]
    before = state()
    url = reverse("maps:card-merge", args=[world["map"].pk])
    check(world["client"].post(url, {"cards": cards}, **HTMX), before)


@SETTINGS
@given(chosen=st.lists(lanes, max_size=6), confirm=st.one_of(st.none(), anything))
def test_choosing_any_lanes(world, chosen, confirm):
    data = {"lanes": chosen, **({"confirm": confirm} if confirm is not None else {})}
    before = state()
    url = reverse("maps:lanes-update", args=[world["map"].pk])
    check(world["client"].post(url, data, **HTMX), before)


@SETTINGS
@given(undo=ids)
def test_undoing_by_any_id(world, undo):
    before = state()
    response = world["client"].post(f"/maps/{world['map'].pk}/undo/{seg(undo)}/", **HTMX)
    check(response, before)


@SETTINGS
@given(
    action=st.sampled_from(["vote-open", "private-start", "mot-top", "extend", "step", "go"]),
    lane=anything,
    number=st.one_of(st.integers(-5, 10**6), anything),
)
def test_console_controls(world, workshop, action, lane, number):
    before = state()
    response = world["client"].post(
        reverse(f"workshops:control-{action}", args=[workshop.pk]),
        {"lane": lane, "dots": number, "areas": lane, "count": number, "minutes": number,
         "step": number, "where": lane},
        **HTMX,
    )  # fmt: skip
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert state() == before


@SETTINGS
@given(
    title=anything,
    topic=anything,
    map_type=anything,
    persona=anything,
    preset=st.one_of(st.just("funnel"), anything),
)
@example(title="새 지도", topic="", map_type="current", persona="", preset="funnel")
def test_creating_a_map(world, title, topic, map_type, persona, preset):
    before = state()
    response = world["client"].post(
        reverse("maps:create"),
        {
            "title": title,
            "topic": topic,
            "map_type": map_type,
            "persona": persona,
            "preset": preset,
        },
    )
    check(response, before)
    if response.status_code == 200:  # the form again, with its errors
        pytest.fail("a refused form must answer 422")


@SETTINGS
@given(
    title=anything,
    date=st.one_of(st.dates().map(str), anything),
    teams=st.one_of(st.lists(anything, max_size=30).map("\n".join), anything),
    preset=st.one_of(st.just("funnel"), anything),
    agenda=st.one_of(st.sampled_from(["built-in:compact", "saved:1", "saved:-1"]), anything),
    start_from=st.one_of(st.sampled_from(["example:loan", "map:1", "map:-1", ""]), anything),
    map_type=st.one_of(st.sampled_from(["blueprint", "current"]), anything),
)
@example(
    title="워크숍",
    date="2026-12-01",
    teams="1팀\n2팀",
    preset="funnel",
    agenda="built-in:compact",
    start_from="example:loan",
    map_type="future",
)
def test_creating_a_workshop(world, title, date, teams, preset, agenda, start_from, map_type):
    before = state()
    data = {"title": title, "date": date, "teams": teams, "preset": preset, "agenda": agenda}
    data |= {"start_from": start_from, "map_type": map_type, "with_cards": "on"}
    response = world["client"].post(reverse("workshops:list"), data)
    check(response, before)
    if response.status_code == 302:
        workshop = Workshop.objects.latest("pk")
        assert 1 <= workshop.teams.count() <= 30
        for team in workshop.teams.all():
            assert team.name.strip() and team.journey_map.stages.exists()


@SETTINGS
@given(
    step=st.one_of(st.sampled_from(["own", "other workshop's"]), ids),
    title=anything,
    minutes=st.one_of(st.integers(-10, 10**6), anything),
    instructions=anything,
    areas=st.lists(st.one_of(st.sampled_from(["emotion", "touchpoint", "plan"]), anything)),
)
@example(step="own", title="공감", minutes=15, instructions="", areas=["emotion"])
def test_editing_an_agenda_step(world, workshop, editor, step, title, minutes, instructions, areas):
    other = Workshop.create(
        title="남의 워크숍", date=workshop.date, teams=["A"], preset="funnel", facilitator=editor
    )
    step = {
        "own": workshop.steps.first().pk,
        "other workshop's": other.steps.first().pk,
    }.get(step, step)
    before = state()
    prefix = f"s{step}-"
    response = world["client"].post(
        f"/workshops/{workshop.pk}/steps/{seg(step)}/",
        {
            prefix + "title": title,
            prefix + "minutes": minutes,
            prefix + "instructions": instructions,
            prefix + "areas": areas,
        },
        **HTMX,
    )
    check(response, before)
    for saved in AgendaStep.objects.all():
        assert 1 <= saved.minutes <= 240


@SETTINGS
@given(
    step=st.one_of(st.sampled_from(["own", "other workshop's"]), ids),
    what=st.sampled_from(["move", "remove", "add"]),
    direction=st.one_of(st.sampled_from(["up", "down"]), anything),
)
@example(step="own", what="move", direction="down")
def test_reordering_removing_and_adding_steps(world, workshop, editor, step, what, direction):
    other = Workshop.create(
        title="남의 워크숍", date=workshop.date, teams=["A"], preset="funnel", facilitator=editor
    )
    step = {
        "own": workshop.steps.last().pk,
        "other workshop's": other.steps.first().pk,
    }.get(step, step)
    before = state()
    url = {
        "move": f"/workshops/{workshop.pk}/steps/{seg(step)}/move/",
        "remove": f"/workshops/{workshop.pk}/steps/{seg(step)}/remove/",
        "add": f"/workshops/{workshop.pk}/steps/add/",
    }[what]
    data = {"direction": direction, "new-title": direction, "new-minutes": 5}
    check(world["client"].post(url, data, **HTMX), before)
    positions = list(workshop.steps.values_list("position", flat=True))
    assert positions == list(range(len(positions)))


@SETTINGS
@given(
    plan=st.one_of(st.sampled_from(["own", "other map's"]), ids),
    what=anything,
    owner=anything,
    due=st.one_of(st.dates().map(str), anything),
    status=anything,
    opportunity=st.one_of(st.sampled_from(["own", "other map's"]), ids),
)
@example(
    plan="own", what="검토", owner="이서연", due="2026-12-31", status="todo", opportunity="own"
)
def test_editing_an_action_plan(world, plan, what, owner, due, status, opportunity):
    other_opportunity = Card.objects.create(
        stage=world["other_stage"], lane=Lane.OPPORTUNITY, text="남의 기회"
    )
    mine = ActionPlan.objects.create(
        journey_map=world["map"], opportunity=world["opportunity"], what="할 일", owner="나"
    )
    theirs = ActionPlan.objects.create(
        journey_map=other_opportunity.stage.journey_map,
        opportunity=other_opportunity,
        what="남의 일",
        owner="남",
    )
    plan = {"own": mine.pk, "other map's": theirs.pk}.get(plan, plan)
    opportunity = {"own": world["opportunity"].pk, "other map's": other_opportunity.pk}.get(
        opportunity, opportunity
    )
    before = state()
    response = world["client"].post(
        f"/maps/{world['map'].pk}/plans/{seg(plan)}/edit/",
        {
            "opportunity": opportunity,
            "what": what,
            "owner": owner,
            "due_date": due,
            "status": status,
        },
        **HTMX,
    )
    check(response, before)
    theirs.refresh_from_db()
    assert (theirs.what, theirs.journey_map_id) == (
        "남의 일",
        other_opportunity.stage.journey_map_id,
    )
    for saved in ActionPlan.objects.select_related("opportunity__stage"):
        assert saved.opportunity.stage.journey_map_id == saved.journey_map_id


@SETTINGS
@given(label=anything, compare_with=st.lists(st.one_of(anything, ids.map("version:{}".format))))
def test_saving_and_comparing_versions(world, label, compare_with):
    before = state()
    check(
        world["client"].post(
            reverse("maps:version-save", args=[world["map"].pk]), {"label": label}
        ),
        before,
    )
    response = world["client"].get(
        reverse("maps:compare", args=[world["map"].pk]), {"with": compare_with}
    )
    assert response.status_code in (200, 404), response.status_code


@SETTINGS
@given(
    kind=st.sampled_from(["cards", "stages", "emotions", "plans", "participants"]),
    target=ids,
    change=st.one_of(st.sampled_from(["add", "remove"]), anything),
)
def test_deleting_removing_and_dotting_by_any_id(world, workshop, kind, target, change):
    m = world["map"].pk
    paths = {
        "cards": [f"/maps/{m}/cards/{seg(target)}/delete/", f"/maps/{m}/cards/{seg(target)}/mot/"],
        "stages": [f"/maps/{m}/stages/{seg(target)}/delete/"],
        "emotions": [f"/maps/{m}/emotions/{seg(target)}/delete/"],
        "plans": [f"/maps/{m}/plans/{seg(target)}/delete/"],
        "participants": [f"/workshops/{workshop.pk}/participants/{seg(target)}/remove/"],
    }[kind]
    paths.append(f"/maps/{m}/cards/{seg(target)}/dot/{seg(change)}/")
    for path in paths:
        before = state()
        check(world["client"].post(path, {"version": change}, **HTMX), before)
