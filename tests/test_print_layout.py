"""The PDF as a manager reads it, walked page by page (pdftotext per page): the overview
first, every grid page naming its stages and its lane, thirty stages in readable bands, long
texts in an appendix; and the layout's own rules (maps/print_layout.py)."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from django.urls import reverse

from maps import print_layout
from maps.board import Board
from maps.models import ActionPlan, Card, EmotionCard, Lane, Stage, TouchpointFigures

# A PDF's map is read by the worker process, on a connection of its own: it sees committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

LANE_NAMES = ("고객 행동", "접점", "생각", "불편", "기회")


def pages_of(client, journey_map, tmp_path) -> list[str]:
    response = client.get(reverse("maps:export-pdf", args=[journey_map.pk]))
    assert response.status_code == 200
    path = tmp_path / "map.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def fill(journey_map, stages, cards: int) -> None:
    lanes = [Lane.ACTION, Lane.TOUCHPOINT, Lane.THOUGHT, Lane.PAIN_POINT, Lane.OPPORTUNITY]
    Card.objects.bulk_create(
        Card(
            journey_map=journey_map,
            stage=stages[n % len(stages)],
            lane=lanes[(n // len(stages)) % len(lanes)],
            text=f"카드{n:03d} 고객이 모바일 앱에서 상품 설명을 읽고 가격을 비교한다"
            + " 상담원 연결까지 대기 시간이 길다" * (n % 3),
            position=n,
        )
        for n in range(cards)
    )
    touchpoint = journey_map.cards.filter(lane=Lane.TOUCHPOINT).first()
    EmotionCard.objects.create(
        journey_map=journey_map, stage_id=touchpoint.stage_id, touchpoint=touchpoint, score=-2
    )
    opportunity = journey_map.cards.filter(lane=Lane.OPPORTUNITY).first()
    ActionPlan.objects.create(
        journey_map=journey_map,
        opportunity=opportunity,
        what="상담 대기 알림",
        owner="고객센터 박팀장",
        due_date=date(2027, 1, 15),
    )


def assert_every_card_printed(pages: list[str], cards: int) -> None:
    text = "".join(pages)
    assert all(f"카드{n:03d}" in text for n in range(cards))


def test_every_grid_page_names_its_stages_and_its_lane(
    editor_client,
    journey_map,
    stages,
    poppler,
    tmp_path,
):
    fill(journey_map, stages, 300)
    pages = pages_of(editor_client, journey_map, tmp_path)
    # The overview: the curve, the plan with its owner and date, the legend, before any card.
    assert "감정 곡선" in pages[0] and "읽는 법" in pages[0]
    assert "고객센터 박팀장" in pages[0] and "2027-01-15" in pages[0]
    assert "카드150" not in pages[0] and "(계속)" not in pages[0]  # no grid yet
    after = next(i for i, page in enumerate(pages) if "곡선이 말해 주는 것" in page)
    grid = pages[1:after]  # between the overview and what the curve says
    assert len(grid) >= 4
    for page in grid:
        assert all(stage.name in page for stage in stages), page[:200]
        assert any(name in page for name in LANE_NAMES), page[:200]
    assert any("(계속)" in page for page in grid)
    assert_every_card_printed(pages, 300)


def test_thirty_stages_print_in_bands_that_each_name_their_stages(
    editor_client,
    journey_map,
    poppler,
    tmp_path,
):
    journey_map.stages.all().delete()
    stages = Stage.objects.bulk_create(
        Stage(journey_map=journey_map, name=f"단계이름{n:02d}", position=n) for n in range(30)
    )
    fill(journey_map, stages, 300)
    pages = pages_of(editor_client, journey_map, tmp_path)
    bands = {(1, 8), (9, 16), (17, 24), (25, 30)}
    for first, last in bands:
        title = f"30단계 중 {first}–{last}단계"
        band_pages = [page for page in pages if title in page]
        assert band_pages, title
        for page in band_pages:
            assert all(f"단계이름{n - 1:02d}" in page for n in range(first, last + 1))
            assert any(name in page for name in LANE_NAMES)
    assert_every_card_printed(pages, 300)


def test_a_card_too_long_for_paper_is_shortened_and_printed_in_full_at_the_end(
    editor_client,
    journey_map,
    stages,
    poppler,
    tmp_path,
):
    long = "처음부터 끝까지 " + "아주 긴 설명이 이어지는 카드 " * 30 + "마지막 문장"
    Card.objects.create(journey_map=journey_map, stage=stages[1], lane=Lane.ACTION, text=long)
    pages = pages_of(editor_client, journey_map, tmp_path)
    grid = next(page for page in pages if "처음부터 끝까지" in page)
    assert "[긴 글 1]" in grid and "마지막 문장" not in grid
    appendix = next(page for page in pages if "긴 글 전문" in page)
    assert "마지막 문장" in appendix and stages[1].name in appendix


def test_rows_fit_a_page_and_bands_cover_every_stage_once(journey_map, stages):
    fill(journey_map, stages, 400)
    board = Board.load(journey_map)
    bands = print_layout.bands(board)
    assert [c.stage for band in bands for c in band.columns] == [c.stage for c in board.columns]
    for band in bands:
        for lane in board.lanes:
            pieces = [row for row in band.rows if row.lane == lane]
            assert not pieces[0].continued and all(row.continued for row in pieces[1:])
            assert pieces[-1].last and not any(row.last for row in pieces[:-1])
        for row in band.rows:
            for cards in row.cells:
                tall = sum(print_layout.card_height(card, len(band.columns)) for card in cards)
                assert tall <= print_layout.ROW_HEIGHT or len(cards) == 1
    printed = [card.pk for band in bands for row in band.rows for c in row.cells for card in c]
    assert sorted(printed) == sorted(journey_map.cards.values_list("pk", flat=True))


@pytest.mark.parametrize(("count", "sizes"), [(6, [6]), (9, [5, 4]), (30, [8, 8, 8, 6])])
def test_past_eight_stages_the_grid_is_cut_in_even_bands(journey_map, count, sizes):
    journey_map.stages.all().delete()
    Stage.objects.bulk_create(
        Stage(journey_map=journey_map, name=f"S{n}", position=n) for n in range(count)
    )
    bands = print_layout.bands(Board.load(journey_map))
    assert [len(band.columns) for band in bands] == sizes


def test_every_page_carries_the_title_and_the_pdf_is_tagged_korean_with_cjk_covered(
    editor_client, journey_map, stages, poppler, tmp_path
):
    journey_map.title = '대출 "여정" \\ </style><b>굵게</b>'
    journey_map.save()
    fill(journey_map, stages, 120)
    Card.objects.create(
        journey_map=journey_map, stage=stages[0], lane=Lane.THOUGHT, text="한자 說明 简体说明"
    )
    touchpoint = Card.objects.create(
        journey_map=journey_map, stage=stages[0], lane=Lane.TOUCHPOINT, text="콜센터"
    )
    TouchpointFigures.objects.create(  # its line of figures, as a card prints it
        touchpoint=touchpoint, response_hours=31, response_target_hours=24, complaints=41
    )
    for score in range(-2, 3):  # every face of the scale, on the grid and in the summary
        EmotionCard.objects.create(
            journey_map=journey_map, stage=stages[score % len(stages)], score=score, words="느낌"
        )
    pages = pages_of(editor_client, journey_map, tmp_path)
    assert len(pages) >= 3
    assert all(journey_map.title in page for page in pages)  # the running title, as typed
    path = tmp_path / "map.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    assert b"/Lang (ko)" in path.read_bytes()
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and "Type 3" not in fonts  # CJK fallback; emoji as text
    assert "한자 說明 简体说明" in "".join(pages)
    assert all(face in "".join(pages) for face in EmotionCard.EMOJI.values())
    assert "응답 31h/24h" in "".join(pages)


def test_the_curve_reads_at_thirty_stages_and_with_long_names():
    from maps import charts

    long = "가입 서류를 모바일로 제출하고 본인 인증을 마치는 단계" * 2  # ~60 characters
    six = charts.stage_label(long, 6)
    assert six.count("\n") == 1 and six.endswith("…")  # two lines at most, shortened
    assert all(len(line) <= 16 for line in six.split("\n"))
    thirty = charts.stage_label(long, 30)
    assert "\n" not in thirty and len(thirty) <= 8 and thirty.endswith("…")
    assert charts.tick_style(30)["rotation"] == 45 and "rotation" not in charts.tick_style(8)
    assert charts.stage_label("인지", 30) == "인지"


def test_the_band_is_the_middle_half_from_ten_cards():
    from maps import charts

    assert charts.spread([-2, 0, 1]) == (-2, 1)  # few cards: lowest to highest
    many = [-2, -1, 0, 0, 1, 1, 1, 1, 2, 2]
    low, high = charts.spread(many)
    assert (low, high) != (-2, 2) and -1 <= low <= 0 and 1 <= high <= 2
    assert charts.spread([]) is None


def test_paper_lists_each_mot_candidate_wording_once(journey_map, stages):
    from maps import pdf

    for stage in stages:  # the same wording on every stage, each with two negative cards
        touchpoint = Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text="콜센터 대기")
        for _ in range(2):
            EmotionCard.objects.create(touchpoint=touchpoint, score=-2)
    context = pdf.document_context(journey_map)
    assert [c.touchpoint.text for c in context["mot_candidates"]] == ["콜센터 대기"]
