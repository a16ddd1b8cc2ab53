"""Names are drawn as written: a stage, team, version or map name that is also chart markup
(matplotlib's mathtext: a pair of `$`) or otherwise hostile to a chart never breaks a page,
a push, a download or a PDF."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maps import charts, portable
from maps.curve import CurveData, Emotion, StageData
from maps.models import Card, EmotionCard, JourneyMap, Lane, MapVersion
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

# Mathtext that raises (a bad command, braces too deep), one that parses, very long words,
# right-to-left text, emoji, only spaces around a letter, a lone dollar.
CHART_HOSTILE = [
    r"$\foo$",
    "$" + "{" * 60 + "$",
    r"$x^2$ 단계",
    "가" * 60,
    "W" * 60,
    "مرحبا بالعالم",
    "😀🚀🎉",
    "   .   ",
    "$",
]


@pytest.fixture
def hostile_map(db):
    journey_map = JourneyMap.objects.create_from_preset(title=r"$\bar{x}$ 지도", preset="blank")
    stages = [journey_map.add_stage(name[:60]) for name in CHART_HOSTILE]
    touchpoint = Card.objects.create(
        stage=stages[0], lane=Lane.TOUCHPOINT, text=r"$\foo$ 접점", is_mot=True
    )
    EmotionCard.objects.create(touchpoint=touchpoint, score=-2)
    for stage in stages[1:]:
        EmotionCard.objects.create(stage=stage, score=1)
    return journey_map


def test_the_board_and_its_curve_open(editor_client, hostile_map):
    for name in ("maps:board", "maps:curve-svg", "maps:curve-png", "maps:compare"):
        response = editor_client.get(reverse(name, args=[hostile_map.pk]))
        assert response.status_code == 200, name


def test_adding_an_emotion_card_still_works(editor_client, hostile_map):
    stage = hostile_map.stages.last()
    response = editor_client.post(
        reverse("maps:emotion-add", args=[hostile_map.pk]),
        {"stage": stage.pk, "score": -1},
        **HTMX,
    )
    assert response.status_code == 200
    assert 'class="curve-chart"' in response.content.decode()


def test_compare_with_a_saved_version_and_another_map(editor_client, hostile_map):
    editor_client.post(reverse("maps:version-save", args=[hostile_map.pk]), {"label": r"$\x$"})
    version = MapVersion.objects.get()
    other = JourneyMap.objects.create_from_preset(title="$$ 다른 지도", preset="funnel")
    query = f"?with=version:{version.pk}&with=map:{other.pk}"
    for name in ("maps:compare", "maps:compare-svg", "maps:compare-png"):
        response = editor_client.get(reverse(name, args=[hostile_map.pk]) + query)
        assert response.status_code == 200, name


@pytest.mark.django_db(transaction=True)  # the PDF worker reads committed rows
def test_a_map_pdf_with_such_names(editor_client, hostile_map):
    response = editor_client.get(reverse("maps:export-pdf", args=[hostile_map.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)  # the PDF worker reads committed rows
def test_team_names_in_the_gallery_the_reveal_and_the_workshop_pdf(editor, editor_client):
    workshop = Workshop.create(
        title="$워크숍$",
        date=datetime.date.today(),
        teams=[r"$\foo$", "$" + "{" * 60 + "$"],
        preset="funnel",
        facilitator=editor,
    )
    for team in workshop.teams.all():
        EmotionCard.objects.create(stage=team.journey_map.stages.first(), score=-1)
    workshop.gallery_open = True
    workshop.save()
    gallery = editor_client.get(reverse("workshops:gallery", args=[workshop.pk]))
    assert gallery.status_code == 200 and 'class="curve-chart"' in gallery.content.decode()
    reveal = editor_client.post(reverse("workshops:control-reveal", args=[workshop.pk]), **HTMX)
    assert reveal.status_code == 200
    pdf = editor_client.get(reverse("workshops:export-pdf", args=[workshop.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_imported_file_with_such_stages_opens(editor_client, hostile_map):
    raw = json.dumps(portable.dump(hostile_map), ensure_ascii=False).encode()
    upload = SimpleUploadedFile("map.json", raw, content_type="application/json")
    response = editor_client.post(reverse("maps:import"), {"file": upload})
    assert response.status_code == 302
    assert editor_client.get(response["Location"]).status_code == 200


names = st.one_of(
    st.sampled_from(CHART_HOSTILE),
    st.text(max_size=60),
    st.text(alphabet="${}\\^_ ", max_size=60),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stage_names=st.lists(names, min_size=1, max_size=6), labels=st.lists(names, max_size=4))
def test_any_name_draws(stage_names, labels):
    data = CurveData(tuple(StageData(name, (Emotion(-1), Emotion(2))) for name in stage_names))
    assert charts.draw(data, "svg").startswith(b"<?xml")
    assert charts.draw(data, "png")[:4] == b"\x89PNG"
    series = [(label, data) for label in labels] or [("", data)]
    assert charts.draw_compare(series, "svg").startswith(b"<?xml")


def test_the_touchpoint_curve_and_the_split_by_company_draw_any_name(editor_client, hostile_map):
    """Touchpoint texts reach the touchpoint curve; companies and roles, typed by participants
    on joining, reach the split curve's legend."""
    stage = hostile_map.stages.first()
    touchpoint = hostile_map.cards.get()
    for n, company in enumerate(CHART_HOSTILE):
        EmotionCard.objects.create(
            touchpoint=touchpoint, score=n % 5 - 2, author_company=company, author_role="cs"
        )
    EmotionCard.objects.create(stage=stage, score=2, author_role="marketing")
    for name in ("maps:touchpoint-curve-svg", "maps:touchpoint-curve-png"):
        assert editor_client.get(reverse(name, args=[hostile_map.pk])).status_code == 200, name
    for by in ("role", "company"):
        for fmt in ("svg", "png"):
            url = reverse("maps:curve-split", args=[hostile_map.pk, by, fmt])
            response = editor_client.get(url)
            assert response.status_code == 200, (by, fmt)
            assert response.content.startswith(b"\x89PNG" if fmt == "png" else b"<?xml")
    assert editor_client.get(reverse("maps:board", args=[hostile_map.pk])).status_code == 200
