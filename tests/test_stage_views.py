from __future__ import annotations

import re

import pytest
from django.urls import reverse

from maps.models import Card

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, journey_map, *args):
    return reverse(f"maps:{name}", args=[journey_map.pk, *args])


def names(journey_map):
    return list(journey_map.stages.values_list("name", flat=True))


def test_it_adds_a_stage_at_the_end(editor_client, journey_map):
    response = editor_client.post(url("stage-add", journey_map), {"name": "재구매"}, **HTMX)
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    assert 'id="board-grid" class="board rows-7" hx-swap-oob="true"' in response.content.decode()
    assert names(journey_map)[-1] == "재구매"
    assert ">재구매</h2>" in response.content.decode()


def test_a_stage_needs_a_short_name(editor_client, journey_map):
    for name in ["", "가" * 61]:
        response = editor_client.post(url("stage-add", journey_map), {"name": name}, **HTMX)
        assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert len(names(journey_map)) == 4


def test_it_renames_a_stage(editor_client, journey_map, stages):
    response = editor_client.post(
        url("stage-rename", journey_map, stages[0].pk), {"name": "발견"}, **HTMX
    )
    assert response.status_code == 200
    assert names(journey_map)[0] == "발견"


def test_an_invalid_rename_keeps_the_name(editor_client, journey_map, stages):
    response = editor_client.post(
        url("stage-rename", journey_map, stages[0].pk), {"name": ""}, **HTMX
    )
    assert response.status_code == 422
    assert names(journey_map)[0] == "인지"


def test_the_rename_form_is_a_page_without_javascript(editor_client, journey_map, stages):
    response = editor_client.get(url("stage-rename", journey_map, stages[0].pk))
    assert response.status_code == 200 and 'value="인지"' in response.content.decode()


def test_it_reorders_stages(editor_client, journey_map, stages):
    response = editor_client.post(
        url("stage-move", journey_map, stages[0].pk), {"direction": "right"}, **HTMX
    )
    assert names(journey_map) == ["고려", "인지", "구매", "유지 및 추천"]
    # What everyone sees, too: the pushed grid and the page show the new order.
    for html in (
        response.content.decode(),
        editor_client.get(url("board", journey_map)).content.decode(),
    ):
        shown = re.findall(r'<h2 id="stage-name-\d+">([^<]+)</h2>', html)
        assert shown == ["고려", "인지", "구매", "유지 및 추천"]
    editor_client.post(url("stage-move", journey_map, stages[0].pk), {"direction": "left"}, **HTMX)
    editor_client.post(url("stage-move", journey_map, stages[0].pk), {"direction": "left"}, **HTMX)
    assert names(journey_map) == ["인지", "고려", "구매", "유지 및 추천"]


def test_a_bad_direction_changes_nothing(editor_client, journey_map, stages):
    response = editor_client.post(
        url("stage-move", journey_map, stages[0].pk), {"direction": "sideways"}, **HTMX
    )
    assert response.status_code == 422
    assert names(journey_map) == ["인지", "고려", "구매", "유지 및 추천"]


def test_it_removes_a_stage_and_its_cards(editor_client, journey_map, stages, make_card):
    make_card("a", stage=stages[1])
    response = editor_client.post(url("stage-delete", journey_map, stages[1].pk), **HTMX)
    assert response.status_code == 200
    assert names(journey_map) == ["인지", "구매", "유지 및 추천"]
    assert not Card.objects.exists()


def test_the_delete_button_says_how_many_cards_go(editor_client, journey_map, stages, make_card):
    make_card("a", stage=stages[1])
    make_card("b", stage=stages[1])
    html = editor_client.get(url("board", journey_map)).content.decode()
    assert "“고려” 단계와 카드 2장을 삭제할까요?" in html


def test_stages_of_another_map_are_404(editor_client, journey_map, stages):
    from maps.models import JourneyMap

    other = JourneyMap.objects.create_from_preset(title="o", preset="blank")
    for name in ["stage-rename", "stage-move", "stage-delete"]:
        response = editor_client.post(url(name, other, stages[0].pk), {"name": "x"}, **HTMX)
        assert response.status_code == 404
    assert len(names(journey_map)) == 4


@pytest.mark.parametrize("name", ["stage-add", "stage-move", "stage-delete"])
def test_stage_writes_reject_get_and_anonymous(client, editor_client, journey_map, stages, name):
    args = [] if name == "stage-add" else [stages[0].pk]
    assert editor_client.get(url(name, journey_map, *args)).status_code == 405
    client.logout()
    assert client.post(url(name, journey_map, *args), {"name": "x"}).status_code == 302
    assert len(names(journey_map)) == 4
