"""The emotion curve: its maths on plain data, then the drawn SVG and PNG."""

from __future__ import annotations

import io
import statistics

import pytest

from maps import charts
from maps.curve import CurveData, Emotion, StageData, Touchpoint
from tests.conftest import korean_font_installed, need

APP = Touchpoint(1, "앱 설치", is_mot=False, is_direct=True)
CALL = Touchpoint(2, "콜센터", is_mot=True, is_direct=True)
BANK = Touchpoint(3, "은행 인증", is_mot=False, is_direct=False)


def journey(*stages: StageData) -> CurveData:
    return CurveData(tuple(stages))


def stage(name, *scores, touchpoints=(), on=None) -> StageData:
    return StageData(name, tuple(Emotion(s, on) for s in scores), tuple(touchpoints))


def test_mean_and_spread_of_a_stage():
    s = stage("고려", -2, 0, 1)
    assert s.mean == pytest.approx(-1 / 3)
    assert s.spread == pytest.approx(statistics.pstdev([-2, 0, 1]))
    assert (s.low, s.high) == (-2, 1)


def test_one_card_has_its_score_as_mean_and_no_spread():
    s = stage("인지", 2)
    assert (s.mean, s.spread, s.low, s.high) == (2, 0, 2, 2)


def test_an_empty_stage_is_a_gap_not_a_zero():
    data = journey(stage("인지", 1), stage("탐색"), stage("가입", -1))
    assert data.means == [1, None, -1]
    assert data.stages[1].spread is None
    # The drop is measured between scored stages, across the gap.
    assert data.steepest_drop == (0, 2, 2)


def test_all_stages_empty():
    data = journey(stage("인지"), stage("탐색"))
    assert data.is_empty
    assert data.means == [None, None]
    assert (data.lowest, data.widest, data.steepest_drop) == ([], [], None)
    assert data.mot_candidates() == []
    assert data.negative_split() == {"direct": 0, "third_party": 0, "stage": 0}


def test_a_map_without_stages():
    data = journey()
    assert data.is_empty and data.lowest == [] and charts.points(data) == []


def test_the_lowest_stages_are_the_pain_points_ties_included():
    data = journey(stage("인지", 1), stage("고려", -1, -1), stage("가입", -2, 0), stage("이용"))
    assert data.lowest == [1, 2]


def test_widest_spread_needs_two_cards():
    data = journey(stage("인지", 2), stage("고려", -2, 2), stage("가입", -1, 0))
    assert data.widest == [1]
    assert journey(stage("인지", 2), stage("고려", -1, -1)).widest == []


def test_equal_scores_are_spread_apart_and_centred():
    data = journey(stage("인지", 1, 1, 1, -2))
    xs = sorted(x for x, score in charts.points(data) if score == 1)
    assert len(set(xs)) == 3 and sum(xs) == pytest.approx(0)
    assert [(x, s) for x, s in charts.points(data) if s == -2] == [(0, -2)]
    assert charts.spread_offsets(40) == sorted(set(charts.spread_offsets(40)))
    assert max(map(abs, charts.spread_offsets(40))) <= 0.25


def test_mot_candidates_come_from_the_steepest_drop_and_negative_clusters():
    data = journey(
        stage("인지", 2, 1),
        stage("가입", -1, -2, -1, touchpoints=(APP, CALL), on=None),
        StageData(
            "이용",
            (Emotion(-1, BANK.id), Emotion(-2, BANK.id), Emotion(2, BANK.id)),
            (BANK,),
        ),
    )
    found = {c.touchpoint.id: c for c in data.mot_candidates()}
    # 가입 is where the curve falls most (1.5 → −1.3); CALL is already a MOT.
    assert set(found) == {APP.id, BANK.id}
    assert found[APP.id].stage == "가입" and "−" in found[APP.id].reason
    assert found[BANK.id].stage == "이용" and "2" in found[BANK.id].reason


def test_negative_cards_split_between_direct_third_party_and_stage():
    data = journey(
        StageData(
            "가입",
            (Emotion(-2, APP.id), Emotion(-1, BANK.id), Emotion(-1, BANK.id), Emotion(1, APP.id)),
            (APP, BANK),
        ),
        stage("이용", -1, 0),
    )
    assert data.negative_split() == {"direct": 1, "third_party": 2, "stage": 1}


def test_the_digest_follows_the_data():
    a = journey(stage("인지", 1))
    assert a.digest == journey(stage("인지", 1)).digest
    assert a.digest != journey(stage("인지", 2)).digest
    assert a.digest != journey(stage("인식", 1)).digest


# Drawing ------------------------------------------------------------------------------------

DEMO = journey(
    stage("인지", 1, 2, 1),
    stage("탐색 및 비교"),
    stage("고려", -2, -1, -1, 0, -2, touchpoints=(CALL,)),
    stage("가입", 0, 1),
)


@pytest.fixture
def korean_font():
    need(korean_font_installed(), "No Korean font: `apt-get install fonts-nanum` (make test does).")


def test_the_svg_names_every_stage_and_draws_korean_with_nanum(korean_font):
    from matplotlib import font_manager

    svg = charts.draw(DEMO, "svg").decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    for name in ("인지", "탐색 및 비교", "고려", "가입"):
        assert name in svg
    assert "-1.2" in svg  # the mean of 고려, in words, with an ASCII minus
    # The font that draws Hangul is the one chosen, not whatever the machine has first.
    path = font_manager.findfont(
        font_manager.FontProperties(family=charts.FONT_FAMILY), fallback_to_default=False
    )
    assert "NanumGothic" in path


def test_the_png_is_a_valid_image_of_the_expected_size(korean_font):
    from PIL import Image

    png = charts.draw(DEMO, "png", width=10, height=2.6)
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert (image.format, image.size) == ("PNG", (1500, 390))


def test_an_empty_curve_still_draws(korean_font):
    svg = charts.draw(journey(stage("인지"), stage("고려")), "svg").decode()
    assert "인지" in svg and "고려" in svg
    assert charts.draw(journey(), "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unchanged_curve_is_drawn_once(monkeypatch, korean_font):
    from django.core.cache import cache

    cache.clear()
    drawn = []
    real = charts.draw
    monkeypatch.setattr(charts, "draw", lambda *a, **k: drawn.append(1) or real(*a, **k))
    first = charts.render(DEMO, "svg")
    assert charts.render(journey(*DEMO.stages), "svg") == first
    assert len(drawn) == 1
    charts.render(journey(*DEMO.stages, stage("추천", 2)), "svg")
    assert len(drawn) == 2


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        charts.draw(DEMO, "gif")
