from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_korean_is_the_default_language(editor_client, journey_map):
    html = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert '<html lang="ko">' in html and "고객 행동" in html and "단계 추가" in html


def test_the_language_switch_turns_the_ui_english(editor_client, journey_map):
    board = reverse("maps:board", args=[journey_map.pk])
    response = editor_client.post(reverse("set_language"), {"language": "en", "next": board})
    assert response.status_code == 302
    html = editor_client.get(board).content.decode()
    assert '<html lang="en">' in html and "Customer actions" in html and "Add stage" in html
    assert "고객 행동" not in html


def test_the_page_offers_both_languages(editor_client):
    html = editor_client.get(reverse("maps:list")).content.decode()
    assert 'name="language"' in html and "English" in html and "한국어" in html


def test_no_template_comment_leaks_onto_the_page(editor_client, journey_map):
    html = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert "{#" not in html and "#}" not in html and "{%" not in html
