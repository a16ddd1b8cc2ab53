from __future__ import annotations

import re

import pytest
from django.urls import reverse

from maps.models import Card, EmotionCard, JourneyMap, Lane
from workshops.protocol import PUSH_MARK, SEQ_HEADER

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, journey_map, *args):
    return reverse(f"maps:{name}", args=[journey_map.pk, *args])


def test_it_adds_a_touchpoint_and_returns_its_cell_and_a_fresh_form(
    editor_client, journey_map, stages
):
    response = editor_client.post(
        url("card-add", journey_map),
        {
            "stage": stages[1].pk,
            "lane": "touchpoint",
            "text": "  리뷰 사이트 후기  ",
            "channel": "review_site",
            "is_direct": "",
        },
        **HTMX,
    )
    assert response.status_code == 200
    card = Card.objects.get()
    assert (card.text, card.channel, card.is_direct, card.stage, card.position) == (
        "리뷰 사이트 후기",
        "review_site",
        False,
        stages[1],
        0,
    )
    html = response.content.decode()
    # The add form comes back open and empty for the next card; after the mark, the push: only
    # the new card, appended to its cell, with the push's sequence number in a header.
    form, push = html.split(PUSH_MARK)
    assert push.lstrip().startswith(
        f'<div hx-swap-oob="beforeend:#cards-{stages[1].pk}-touchpoint">'
    )
    assert f'<article id="card-{card.pk}"' in push and "리뷰 사이트 후기" in push
    assert response[SEQ_HEADER] == str(JourneyMap.objects.get(pk=journey_map.pk).seq)
    assert html.startswith(
        f'<details id="add-{stages[1].pk}-touchpoint" class="add-card" open data-fresh>'
    )
    assert "></textarea>" in html


def test_new_cards_go_to_the_end_of_their_cell(editor_client, journey_map, stages, make_card):
    make_card("first")
    editor_client.post(
        url("card-add", journey_map),
        {"stage": stages[0].pk, "lane": "action", "text": "second"},
        **HTMX,
    )
    assert list(stages[0].cards.values_list("text", "position")) == [("first", 0), ("second", 1)]


def test_without_javascript_adding_redirects_to_the_board(editor_client, journey_map, stages):
    response = editor_client.post(
        url("card-add", journey_map), {"stage": stages[0].pk, "lane": "action", "text": "카드"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("board", journey_map)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": ""}, "카드에 내용을 적어 주세요"),
        ({"text": "   "}, "카드에 내용을 적어 주세요"),
        ({"text": "가" * 501}, "500"),
        ({"lane": "nonsense"}, "올바르게 선택해 주세요"),
        ({"lane": "staff"}, "올바르게 선택해 주세요"),  # backstage lane on a current-state map
        ({"stage": "abc"}, "올바르게 선택해 주세요"),
    ],
)
def test_invalid_cards_come_back_with_the_error_and_save_nothing(
    editor_client, journey_map, stages, data, message
):
    payload = {"stage": stages[0].pk, "lane": "action", "text": "ok", **data}
    response = editor_client.post(url("card-add", journey_map), payload, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert Card.objects.count() == 0


def test_without_javascript_an_invalid_card_renders_a_form_page(editor_client, journey_map, stages):
    response = editor_client.post(
        url("card-add", journey_map), {"stage": stages[0].pk, "lane": "action", "text": ""}
    )
    assert response.status_code == 422
    assert "<html" in response.content.decode()


def test_a_stage_of_another_map_is_not_a_valid_choice(editor_client, journey_map):
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    response = editor_client.post(
        url("card-add", journey_map),
        {"stage": other.stages.first().pk, "lane": "action", "text": "x"},
        **HTMX,
    )
    assert response.status_code == 422
    assert Card.objects.count() == 0


def test_other_channel_needs_a_name(editor_client, journey_map, stages):
    response = editor_client.post(
        url("card-add", journey_map),
        {"stage": stages[0].pk, "lane": "touchpoint", "text": "x", "channel": "other"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "채널 이름을 적어 주세요" in response.content.decode()


def test_it_edits_a_card_inline(editor_client, journey_map, make_card):
    card = make_card("old")
    form = editor_client.get(url("card-update", journey_map, card.pk), **HTMX)
    assert form.status_code == 200 and "<textarea" in form.content.decode()
    response = editor_client.post(
        url("card-update", journey_map, card.pk), {"text": "new", "version": 1}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert f'<article id="card-{card.pk}"' in response.content.decode()
    card.refresh_from_db()
    assert (card.text, card.version) == ("new", 2)


def test_an_invalid_edit_keeps_the_old_text(editor_client, journey_map, make_card):
    card = make_card("old")
    response = editor_client.post(
        url("card-update", journey_map, card.pk), {"text": "가" * 501, "version": 1}, **HTMX
    )
    assert response.status_code == 422
    card.refresh_from_db()
    assert card.text == "old"


def test_cancel_shows_the_card_again(editor_client, journey_map, make_card):
    card = make_card("그대로")
    response = editor_client.get(url("card", journey_map, card.pk), **HTMX)
    assert response.status_code == 200 and "그대로" in response.content.decode()


def test_it_flags_and_unflags_mot(editor_client, journey_map, make_card):
    card = make_card("웹사이트", lane=Lane.TOUCHPOINT)
    response = editor_client.post(url("card-mot", journey_map, card.pk), **HTMX)
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    card.refresh_from_db()
    assert card.is_mot
    editor_client.post(url("card-mot", journey_map, card.pk), **HTMX)
    card.refresh_from_db()
    assert not card.is_mot


def test_only_touchpoints_can_be_flagged(editor_client, journey_map, make_card):
    card = make_card("행동")
    assert editor_client.post(url("card-mot", journey_map, card.pk), **HTMX).status_code == 404


def test_it_moves_a_card_by_keyboard_buttons(editor_client, journey_map, stages, make_card):
    make_card("a")
    b = make_card("b")
    response = editor_client.post(url("card-move", journey_map, b.pk), {"direction": "up"}, **HTMX)
    assert response.status_code == 200
    assert list(stages[0].cards.values_list("text", flat=True)) == ["b", "a"]
    response = editor_client.post(
        url("card-move", journey_map, b.pk), {"direction": "right"}, **HTMX
    )
    html = response.content.decode()
    # Both cells swap in by id: the card leaves one and appears in the other.
    assert f'<div class="cards" id="cards-{stages[0].pk}-action"' in html
    assert f'<div class="cards" id="cards-{stages[1].pk}-action"' in html
    b.refresh_from_db()
    assert (b.stage, b.position) == (stages[1], 0)


def test_it_moves_a_card_by_drag_and_drop(editor_client, journey_map, stages, make_card):
    card = make_card("a")
    make_card("x", stage=stages[2])
    editor_client.post(
        url("card-move", journey_map, card.pk), {"stage": stages[2].pk, "position": 1}, **HTMX
    )
    assert list(stages[2].cards.values_list("text", "position")) == [("x", 0), ("a", 1)]


def test_a_card_cannot_be_moved_into_another_map(editor_client, journey_map, make_card):
    card = make_card("a")
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    response = editor_client.post(
        url("card-move", journey_map, card.pk),
        {"stage": other.stages.first().pk, "position": 0},
        **HTMX,
    )
    assert response.status_code == 422
    card.refresh_from_db()
    assert card.stage.journey_map == journey_map


def test_moving_left_from_the_first_stage_stays_put(editor_client, journey_map, stages, make_card):
    card = make_card("a")
    editor_client.post(url("card-move", journey_map, card.pk), {"direction": "left"}, **HTMX)
    card.refresh_from_db()
    assert card.stage == stages[0]


def test_it_deletes_a_card_with_its_emotion_cards(editor_client, journey_map, make_card):
    card = make_card("a", lane=Lane.TOUCHPOINT)
    EmotionCard.objects.create(touchpoint=card, score=1)
    response = editor_client.post(url("card-delete", journey_map, card.pk), **HTMX)
    assert response.status_code == 200
    assert not Card.objects.exists() and not EmotionCard.objects.exists()


def test_cards_of_another_map_are_404(editor_client, journey_map, make_card):
    card = make_card("a")
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    for name in ["card-move", "card-mot", "card-delete"]:
        response = editor_client.post(url(name, other, card.pk), {"text": "x"}, **HTMX)
        assert response.status_code == 404, name
    # The editor's save answers as for a deleted card, without saying the card exists elsewhere.
    response = editor_client.post(url("card-update", other, card.pk), {"text": "x"}, **HTMX)
    assert response.status_code == 410
    card.refresh_from_db()
    assert card.text == "a"


@pytest.mark.parametrize("name", ["card-move", "card-mot", "card-delete"])
def test_writes_reject_get(editor_client, journey_map, make_card, name):
    card = make_card("a", lane=Lane.TOUCHPOINT)
    assert editor_client.get(url(name, journey_map, card.pk)).status_code == 405


def test_an_add_form_loads_when_opened_for_its_own_cell_only(editor_client, journey_map, stages):
    """The board carries a stub per cell (maps/lazy_form.html); opening it asks for the form."""
    board = editor_client.get(url("board", journey_map)).content.decode()
    stub = board.split(f'<details id="add-{stages[0].pk}-action"')[1].split("</details>")[0]
    assert "data-lazy" in stub
    assert f'href="/maps/{journey_map.pk}/cards/add/?stage={stages[0].pk}&amp;lane=action"' in stub
    outside_templates = re.sub(r"<template.*?</template>", "", board, flags=re.S)
    assert 'name="text"' not in outside_templates  # no add form until one is opened
    opened = editor_client.get(
        url("card-add", journey_map), {"stage": stages[0].pk, "lane": "action"}, **HTMX
    )
    html = opened.content.decode()
    assert opened.status_code == 200
    assert html.startswith(f'<details id="add-{stages[0].pk}-action" class="add-card" open')
    assert 'name="text"' in html and "autofocus" in html
    tokens = [
        re.search(
            r'name="client_token" value="([^"]+)"',
            editor_client.get(
                url("card-add", journey_map), {"stage": stages[0].pk, "lane": "action"}, **HTMX
            ).content.decode(),
        ).group(1)
        for _ in range(2)
    ]
    assert tokens[0] != tokens[1]  # each opening its own: a retry resends its own only
    # Without JavaScript the same address is a page with the form.
    page = editor_client.get(
        url("card-add", journey_map), {"stage": stages[0].pk, "lane": "action"}
    )
    assert (
        page.status_code == 200
        and "<html" in page.content.decode()
        and 'name="text"' in page.content.decode()
    )
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    for query in (
        {},
        {"stage": "x", "lane": "action"},
        {"stage": stages[0].pk, "lane": "nonsense"},
        {"stage": other.stages.first().pk, "lane": "action"},
        {"stage": "9" * 40, "lane": "action"},
        {"stage": "²", "lane": "action"},  # a digit to str.isdigit, not to int()
        {"stage": "١٢", "lane": "action"},
    ):
        assert editor_client.get(url("card-add", journey_map), query).status_code == 404


def test_a_plan_form_opens_on_an_opportunity_or_a_mot_only(editor_client, journey_map, make_card):
    opportunity = make_card("기회", lane=Lane.OPPORTUNITY)
    touchpoint = make_card("접점", lane=Lane.TOUCHPOINT)
    action = make_card("행동", lane=Lane.ACTION)

    def opened(card):
        return editor_client.get(url("plan-add", journey_map), {"opportunity": card.pk}, **HTMX)

    assert opened(opportunity).status_code == 200
    assert opened(touchpoint).status_code == 404  # not a MOT (yet)
    assert opened(action).status_code == 404
    touchpoint.is_mot = True
    touchpoint.save()
    assert opened(touchpoint).status_code == 200


@pytest.mark.parametrize("name", ["card-update", "card-move", "card-mot", "card-delete"])
def test_writes_need_a_login(client, journey_map, make_card, name):
    card = make_card("a", lane=Lane.TOUCHPOINT)
    response = client.post(url(name, journey_map, card.pk), {"text": "x"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.text == "a" and not card.is_mot


def test_a_missing_card_is_404(editor_client, journey_map):
    assert editor_client.get(url("card", journey_map, 99999)).status_code == 404
    assert editor_client.post(url("card-mot", journey_map, 99999)).status_code == 404


def test_every_edit_marks_the_map_as_changed(editor_client, journey_map, stages):
    before = JourneyMap.objects.get(pk=journey_map.pk).updated_at
    editor_client.post(
        url("card-add", journey_map),
        {"stage": stages[0].pk, "lane": "action", "text": "새 카드"},
        **HTMX,
    )
    assert JourneyMap.objects.get(pk=journey_map.pk).updated_at > before


def test_adding_a_card_costs_the_same_queries_however_full_the_cell(
    editor_client, journey_map, stages, make_card
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url_add = url("card-add", journey_map)
    counts = []
    for extra in (1, 60):
        for i in range(extra):
            make_card(f"기존 {i}", stage=stages[2])
        with CaptureQueriesContext(connection) as queries:
            editor_client.post(
                url_add, {"stage": stages[2].pk, "lane": "action", "text": "새 카드"}, **HTMX
            )
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] > 5, counts


def test_adding_a_card_costs_the_same_few_queries_on_any_map(editor_client, journey_map, stages):
    """The edit request is lean, and does not grow with the map (big rooms wait on it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_add(text):
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.post(
                url("card-add", journey_map),
                {"stage": stages[1].pk, "lane": "action", "text": text},
                **HTMX,
            )
        assert response.status_code == 200
        return len(queries)

    small = queries_to_add("처음")
    Card.objects.bulk_create(
        Card(journey_map=journey_map, stage=stages[n % 4], lane="thought", text=f"{n}", position=n)
        for n in range(300)
    )
    assert queries_to_add("300장 뒤") == small <= 12


def test_a_card_s_buttons_come_once_per_board_and_address_that_card(
    editor_client, journey_map, make_card
):
    """maps/card_tools.html: journeymap's cards.js puts __CARD__ → the card's data-url."""
    cards = [make_card(f"카드 {i}", lane=Lane.TOUCHPOINT) for i in range(3)]
    board = editor_client.get(url("board", journey_map)).content.decode()
    outside_templates = re.sub(r"<template.*?</template>", "", board, flags=re.S)
    assert "/cards/" + str(cards[0].pk) + "/move/" not in outside_templates
    assert "/cards/" + str(cards[0].pk) + "/delete/" not in outside_templates
    tools = re.search(r'<template id="card-tools">(.*?)</template>', board, re.S).group(1)
    dots = re.search(r'<template id="card-dots">(.*?)</template>', board, re.S).group(1)
    card = cards[1]
    card_url = re.search(rf'id="card-{card.pk}"[^>]* data-url="([^"]+)"', board).group(1)
    filled = (tools + dots).replace("__CARD__", card_url)
    for name, args in [
        ("card-update", []),
        ("figures-update", []),
        ("card-move", []),
        ("card-delete", []),
        ("card-dot", ["add"]),
        ("card-dot", ["remove"]),
    ]:
        assert f'="{url(name, journey_map, card.pk, *args)}"' in filled, name
    assert f'hx-post="{url("card-mot", journey_map, card.pk)}"' in outside_templates
    # The other addresses a card carries, built on its map's (maps_tags.map_url).
    emotion = EmotionCard.objects.create(touchpoint=card, score=1)
    opportunity = make_card("기회", lane=Lane.OPPORTUNITY)
    board = editor_client.get(url("board", journey_map)).content.decode()
    assert f'hx-post="{url("emotion-delete", journey_map, emotion.pk)}"' in board
    assert f'href="{url("emotion-add", journey_map)}?touchpoint={card.pk}"' in board
    assert f'href="{url("plan-add", journey_map)}?opportunity={opportunity.pk}"' in board
    outside_templates = re.sub(r"<template.*?</template>", "", board, flags=re.S)
    # Without JavaScript the card's ✎ opens its editor as a page.
    assert f'href="{url("card-update", journey_map, card.pk)}"' in outside_templates
    page = editor_client.get(url("card-update", journey_map, card.pk))
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_a_reader_s_board_carries_no_card_buttons(workshop, client):
    workshop_map = workshop.teams.first().journey_map
    Card.objects.create(stage=workshop_map.stages.first(), lane=Lane.ACTION, text="행동")
    assert client.get(f"/v/{workshop.view_token}/").status_code == 302
    board = client.get(url("board", workshop_map))
    assert board.status_code == 200
    assert 'id="card-tools"' not in board.content.decode()
