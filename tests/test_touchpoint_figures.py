"""Figures on a touchpoint: entered on the card, shown in a line, pushed live, kept in the
JSON and in versions, drawn as the measured line, and read for blind spots."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from maps import importing, portable
from maps.curve import CurveData
from maps.models import Card, EmotionCard, Lane, TouchpointFigures, measured_score
from maps.touchpoints import TouchpointView

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def touchpoints(journey_map, stages):
    made = []
    for n, (text, scores) in enumerate(
        [("앱 결제 화면", [-2, -1]), ("상담 채팅", [1, 0]), ("SNS 광고", [1]), ("이메일", [2])]
    ):
        card = Card.objects.create(stage=stages[n % 4], lane=Lane.TOUCHPOINT, text=text)
        for score in scores:
            EmotionCard.objects.create(touchpoint=card, score=score)
        made.append(card)
    return made


def test_the_scale_puts_figures_on_minus_two_to_two():
    assert measured_score({"satisfaction": 50}, None) == 0
    assert measured_score({"satisfaction": 100}, None) == 2
    assert measured_score({"satisfaction": 5, "satisfaction_scale": "mean5"}, None) == 2
    assert measured_score({"response_hours": 48, "response_target_hours": 24}, None) == -2
    assert measured_score({"response_hours": 24, "response_target_hours": 24}, None) == 0
    assert measured_score({"drop_off": 25}, None) == 0
    assert measured_score({"complaints": 12}, 6) == -2
    assert measured_score({"complaints": 6}, 6) == 0
    assert measured_score({}, 6) is None


def test_entering_figures_on_a_card_saves_shows_and_pushes_them(
    editor_client, journey_map, touchpoints, django_capture_on_commit_callbacks, monkeypatch
):
    from workshops import broadcast

    sent = []
    monkeypatch.setattr(broadcast, "send", lambda map_id, message: sent.append(message))
    chat = touchpoints[1]
    url = reverse("maps:figures-update", args=[journey_map.pk, chat.pk])
    form = editor_client.get(url, **HTMX)
    assert form.status_code == 200 and 'name="complaints"' in form.content.decode()
    data = {
        "complaints": "41",
        "complaint_types": "답변 지연, 연결 실패",
        "response_hours": "31",
        "response_target_hours": "24",
        "satisfaction_scale": "percent",
        "source": "cs",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 200
    figures = TouchpointFigures.objects.get(touchpoint=chat)
    assert (figures.complaints, figures.tags) == (41, ["답변 지연", "연결 실패"])
    assert figures.response_hours == Decimal("31")
    [push] = [m for m in sent if m["type"] == "room.push"]
    assert "응답 31h/24h" in push["html"] and "답변 지연" in push["html"]
    assert 'id="curve"' in push["html"]  # the measured line and the insights move


def test_figures_are_refused_out_of_range_with_the_field_named(
    editor_client, journey_map, touchpoints
):
    url = reverse("maps:figures-update", args=[journey_map.pk, touchpoints[0].pk])
    data = {"satisfaction": "7", "satisfaction_scale": "mean5", "drop_off": "140"}
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 422
    assert not TouchpointFigures.objects.exists()


def test_only_touchpoints_have_figures(editor_client, journey_map, stages):
    action = Card.objects.create(stage=stages[0], lane=Lane.ACTION, text="검색한다")
    url = reverse("maps:figures-update", args=[journey_map.pk, action.pk])
    assert editor_client.post(url, {"complaints": "3"}, **HTMX).status_code == 404


def test_a_blind_spot_is_felt_fine_and_measured_badly_and_joins_the_mot_candidates(
    journey_map, touchpoints
):
    payment, chat, ad, mail = touchpoints
    for card, complaints in ((payment, 6), (ad, 3), (mail, 2)):
        TouchpointFigures.objects.create(touchpoint=card, complaints=complaints)
    TouchpointFigures.objects.create(touchpoint=chat, complaints=41, satisfaction=95)
    data = CurveData.load(journey_map)
    view = TouchpointView(data)
    [spot] = view.blind_spots
    assert spot.row.touchpoint.text == "상담 채팅"
    assert "41" in spot.reason and "4.5" in spot.reason  # the map's median, in words
    assert [r.touchpoint.text for r in view.strengths][0] == "이메일"
    assert view.weaknesses[0].touchpoint.text == "앱 결제 화면"
    assert any(c.touchpoint.text == "상담 채팅" for c in data.mot_candidates())
    # The same cards with figures that are good: an over-worry, not a blind spot.
    TouchpointFigures.objects.filter(touchpoint=payment).update(complaints=0, satisfaction=98)
    view = TouchpointView(CurveData.load(journey_map))
    assert [f.row.touchpoint.text for f in view.over_worries] == ["앱 결제 화면"]


def test_the_touchpoint_curve_draws_both_lines(editor_client, journey_map, touchpoints):
    TouchpointFigures.objects.create(touchpoint=touchpoints[1], complaints=41)
    TouchpointFigures.objects.create(touchpoint=touchpoints[0], complaints=3)
    page = editor_client.get(journey_map.get_absolute_url()).content.decode()
    digest = CurveData.load(journey_map).digest
    assert f"/touchpoints.svg?v={digest}." in page
    svg = editor_client.get(reverse("maps:touchpoint-curve-svg", args=[journey_map.pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    text = svg.content.decode()
    assert "상담 채팅" in text  # the SVG's title, in words
    png = editor_client.get(reverse("maps:touchpoint-curve-png", args=[journey_map.pk]))
    assert png.content[:4] == b"\x89PNG"


def test_figures_survive_the_json_round_trip_and_versions(journey_map, touchpoints, editor):
    TouchpointFigures.objects.create(
        touchpoint=touchpoints[1],
        complaints=41,
        satisfaction=Decimal("64.5"),
        complaint_types="답변 지연",
        measured_on="2026-11-30",
        source="cs",
    )
    exported = portable.dump(journey_map)
    copy = importing.loads(json.dumps(exported).encode(), user=editor)
    assert portable.dump(copy)["map"]["stages"] == exported["map"]["stages"]
    again = TouchpointFigures.objects.get(journey_map=copy)
    assert (again.complaints, again.satisfaction, str(again.measured_on)) == (
        41,
        Decimal("64.5"),
        "2026-11-30",
    )
    assert CurveData.from_export(exported).stages[1].touchpoints[0].measured["complaints"] == 41


def test_figures_on_something_other_than_a_touchpoint_are_refused_on_import(journey_map, stages):
    Card.objects.create(stage=stages[0], lane=Lane.ACTION, text="검색한다")
    data = portable.dump(journey_map)
    data["map"]["stages"][0]["cards"][0]["figures"] = {"complaints": 3}
    with pytest.raises(importing.ImportProblem) as problem:
        importing.check(data)
    assert str(problem.value).startswith("map.stages[0].cards[0].figures")


def test_the_pdf_prints_figures_and_the_measured_row(journey_map, touchpoints):
    from maps import pdf

    TouchpointFigures.objects.create(touchpoint=touchpoints[1], complaints=41, source="cs")
    html = pdf.print_html(journey_map)
    assert "lane-measured" in html and "41" in html
    # The overview's curve, the stage curve under the grid, and the touchpoint curve.
    assert html.count('class="curve-chart"') == 3


def test_compare_overlays_the_measured_line_of_a_version_and_of_now(
    editor_client, journey_map, touchpoints
):
    """After a re-import, "did the fix move the figure" reads on the compare page."""
    from maps import charts
    from maps.curve import stage_axis
    from maps.models import MapVersion

    chat = TouchpointFigures.objects.create(touchpoint=touchpoints[1], satisfaction=40)
    editor_client.post(reverse("maps:version-save", args=[journey_map.pk]), {"label": "개선 전"})
    chat.satisfaction = 90
    chat.save()
    version = MapVersion.objects.get()
    series = [
        ("지금", CurveData.load(journey_map)),
        ("개선 전", CurveData.from_export(version.data)),
    ]
    axis = stage_axis(series)
    now, before = (charts.measured_means(data, axis) for _label, data in series)
    stage = axis.index(touchpoints[1].stage.name)
    assert (before[stage], now[stage]) == (-0.4, 1.6)
    assert [m for i, m in enumerate(now) if i != stage] == [None] * (len(axis) - 1)
    for name in ("maps:compare", "maps:compare-svg"):
        response = editor_client.get(
            reverse(name, args=[journey_map.pk]), {"with": f"version:{version.pk}"}
        )
        assert response.status_code == 200
