"""The map as JSON and back: lossless, and a bad file creates nothing and says why."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from maps import importing, portable
from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Persona, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return JourneyMap.objects.get(team=None)


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (JourneyMap, Persona, Stage, Card, EmotionCard, ActionPlan)
    )


def test_the_round_trip_is_lossless(demo):
    exported = portable.dump(demo)
    copy = importing.loads(json.dumps(exported).encode())
    assert copy.pk != demo.pk
    assert portable.dump(copy) == exported
    # Everything came along: the demo's 25 cards, 20 emotion cards, 2 plans, MOTs, persona.
    assert copy.cards.count() == 25 and copy.emotion_cards.count() == 20
    assert copy.action_plans.count() == 2 and copy.cards.filter(is_mot=True).count() == 3
    assert copy.persona.name == demo.persona.name and copy.persona_id != demo.persona_id


def test_export_and_import_through_the_pages(editor_client, demo):
    response = editor_client.get(reverse("maps:export-json", args=[demo.pk]))
    assert response["Content-Type"] == "application/json"
    assert quote("에너지 투자 플랫폼 첫 투자에서") in response["Content-Disposition"]
    upload = SimpleUploadedFile("지도.json", response.content, "application/json")
    imported = editor_client.post(reverse("maps:import"), {"file": upload})
    assert imported.status_code == 302
    copy = JourneyMap.objects.exclude(pk=demo.pk).get(team=None)
    assert imported["Location"] == reverse("maps:board", args=[copy.pk])
    assert portable.dump(copy) == portable.dump(demo)


def hostile_files(demo_json: dict) -> dict[str, bytes]:
    def changed(path, value):
        data = json.loads(json.dumps(demo_json))
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json.dumps(data).encode()

    def first(lane):
        for s, stage in enumerate(demo_json["map"]["stages"]):
            for c, card in enumerate(stage["cards"]):
                if card["lane"] == lane:
                    return ["map", "stages", s, "cards", c]
        raise AssertionError(lane)

    card, opportunity, thought = first("action"), first("opportunity"), first("thought")
    return {
        "truncated": json.dumps(demo_json).encode()[:500],
        "not json": b"<html>not a map</html>",
        "not utf-8": "지도".encode("euc-kr"),
        "deeply nested": b"[" * 100_000 + b"]" * 100_000,
        "huge": b'{"format": "journeymap", "pad": "' + b"x" * (3 * 1024 * 1024) + b'"}',
        "a list": b"[1, 2, 3]",
        "another format": json.dumps({"format": "miro", "version": 1}).encode(),
        "no title": changed(["map", "title"], None),
        "title too long": changed(["map", "title"], "가" * 201),
        "unknown lane": changed([*card, "lane"], "spaceship"),
        "text as a number": changed([*card, "text"], 12),
        "score out of range": changed(["map", "stages", 0, "emotions"], [{"score": 7}]),
        "score as true": changed(["map", "stages", 0, "emotions"], [{"score": True}]),
        "date 0000-00-00": changed(
            [*opportunity, "plans"], [{"what": "x", "due_date": "0000-00-00"}]
        ),
        "a plan on a thought": changed([*thought, "plans"], [{"what": "계획"}]),
        "too many cards": changed(
            ["map", "stages", 0, "cards"], [{"lane": "action", "text": "x"}] * 2001
        ),
        "stages not a list": changed(["map", "stages"], {"0": "인지"}),
    }


def test_hostile_and_broken_files_create_nothing_and_say_why(demo):
    before = counts()
    for name, raw in hostile_files(portable.dump(demo)).items():
        with pytest.raises(importing.ImportProblem) as problem:
            importing.loads(raw)
        assert str(problem.value), name
        assert counts() == before, name


def test_a_bad_file_comes_back_on_the_page_with_its_error(editor_client, demo):
    before = counts()
    raw = json.dumps({"format": "journeymap", "version": 1, "map": {"title": "x" * 300}})
    upload = SimpleUploadedFile("bad.json", raw.encode(), "application/json")
    response = editor_client.post(reverse("maps:import"), {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html and "map: title" in html
    assert counts() == before


def test_the_error_names_the_place_in_the_file(demo):
    data = portable.dump(demo)
    data["map"]["stages"][2]["cards"][1]["emotions"] = [{"score": -3}]
    with pytest.raises(importing.ImportProblem) as problem:
        importing.load(data)
    assert str(problem.value).startswith("map.stages[2].cards[1].emotions[0]")


def test_import_needs_an_editor(client, demo):
    upload = SimpleUploadedFile("x.json", b"{}", "application/json")
    response = client.post(reverse("maps:import"), {"file": upload})
    assert response.status_code == 302 and "/login" in response["Location"]


def test_plans_on_a_mot_touchpoint_travel_with_it(journey_map, stages):
    from maps import importing, portable
    from maps.models import ActionPlan, Card, Lane

    touchpoint = Card.objects.create(
        stage=stages[1], lane=Lane.TOUCHPOINT, text="상품 수령", is_mot=True
    )
    ActionPlan.objects.create(journey_map=journey_map, opportunity=touchpoint, what="이중 포장")
    copy = importing.load(portable.dump(journey_map))
    plan = ActionPlan.objects.get(journey_map=copy)
    assert plan.opportunity.text == "상품 수령" and plan.opportunity.is_mot
    assert portable.dump(copy)["map"]["stages"] == portable.dump(journey_map)["map"]["stages"]
