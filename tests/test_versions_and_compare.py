"""Saved versions of a map, and curves compared: a map with its past, or with another map."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from maps import charts, curve, portable
from maps.curve import CurveData, Emotion, StageData
from maps.models import EmotionCard, JourneyMap, MapVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return JourneyMap.objects.get(team=None)


def test_a_saved_version_is_the_map_as_it_was(editor_client, demo):
    response = editor_client.post(
        reverse("maps:version-save", args=[demo.pk]), {"label": "봄 워크숍"}
    )
    version = MapVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?with=version:{version.pk}")
    assert version.data == portable.dump(demo) and version.created_by_name == "에디터"
    assert version.name.startswith("봄 워크숍 (20")
    # Later edits leave it alone.
    demo.cards.filter(lane="thought").delete()
    version.refresh_from_db()
    assert version.data != portable.dump(demo)
    assert (
        CurveData.from_export(version.data).means
        == CurveData.load(JourneyMap.objects.get(pk=demo.pk)).means
    )  # thoughts carry no emotions: the curve did not move


def test_the_curve_of_an_export_is_the_curve_of_the_map(demo):
    assert CurveData.from_export(portable.dump(demo)).means == CurveData.load(demo).means


def test_the_map_compared_with_its_version_shows_what_moved(editor_client, demo):
    editor_client.post(reverse("maps:version-save", args=[demo.pk]), {"label": "이전"})
    version = MapVersion.objects.get()
    buy = demo.stages.get(name="구매")
    for _ in range(5):
        EmotionCard.objects.create(journey_map=demo, stage=buy, score=2)
    response = editor_client.get(
        reverse("maps:compare", args=[demo.pk]), {"with": f"version:{version.pk}"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'class="curve-chart"' in html
    title = html.split("<title>")[2].split("</title>")[0]  # the chart's own title
    assert "이전 (" in title and "지금" in title
    row = html.split('<th scope="row">구매</th>')[1].split("</tr>")[0]
    assert "+0.6" in row and "−0.8" in row  # now, then
    png = editor_client.get(
        reverse("maps:compare-png", args=[demo.pk]), {"with": f"version:{version.pk}"}
    )
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_two_maps_line_up_by_stage_name():
    now = CurveData((StageData("인지", (Emotion(1),)), StageData("가입", (Emotion(-2),))))
    future = CurveData((StageData("인지", (Emotion(2),)), StageData("추천", (Emotion(2),))))
    axis = curve.stage_axis([("현재", now), ("미래", future)])
    assert axis == ["인지", "가입", "추천"]
    assert curve.aligned_means(future, axis) == [2, None, 2]
    svg = charts.draw_compare([("현재", now), ("미래", future)]).decode()
    assert "현재" in svg and "미래" in svg


def test_a_map_is_compared_with_another_map(editor_client, demo):
    future = JourneyMap.objects.create_from_preset(
        title="미래 상태", preset="funnel", map_type="future"
    )
    response = editor_client.get(
        reverse("maps:compare", args=[demo.pk]), {"with": f"map:{future.pk}"}
    )
    assert response.status_code == 200 and "미래 상태" in response.content.decode()


@pytest.mark.parametrize("value", ["version:999", "map:999", "stage:1", "version:x", "map:"])
def test_anything_else_to_compare_with_is_a_404(editor_client, demo, value):
    response = editor_client.get(reverse("maps:compare", args=[demo.pk]), {"with": value})
    assert response.status_code == 404


def test_a_version_of_another_map_is_a_404(editor_client, demo):
    other = JourneyMap.objects.create_from_preset(title="다른 지도", preset="funnel")
    version = MapVersion.objects.create(journey_map=other, data=portable.dump(other))
    response = editor_client.get(
        reverse("maps:compare", args=[demo.pk]), {"with": f"version:{version.pk}"}
    )
    assert response.status_code == 404


def test_a_too_long_label_comes_back_with_its_error(editor_client, demo):
    response = editor_client.post(
        reverse("maps:version-save", args=[demo.pk]), {"label": "가" * 101}
    )
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not MapVersion.objects.exists()
