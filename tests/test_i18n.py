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


def test_every_message_has_its_korean_translation():
    """Korean first: a string added without its translation shows English to Korean users.
    (After changing strings: makemessages, translate, compilemessages; README.)"""
    import re
    from pathlib import Path

    po = Path(__file__).resolve().parent.parent / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    entries = po.read_text().split("\n\n")[1:]  # the first is the header
    untranslated = [
        entry
        for entry in entries
        if not entry.startswith("#~")
        and ("#, fuzzy" in entry or re.search(r'msgstr(\[\d\])? ""\s*$', entry))
    ]
    assert untranslated == []


def test_the_compiled_catalog_is_the_po_file_compiled(tmp_path):
    """The committed .mo (make run needs no gettext) says what the .po says."""
    import gettext
    import shutil
    import subprocess
    from pathlib import Path

    from tests.conftest import need

    need(shutil.which("msgfmt") is not None, "msgfmt is missing: apt-get install gettext")
    po = Path(__file__).resolve().parent.parent / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as a, po.with_suffix(".mo").open("rb") as b:
        assert gettext.GNUTranslations(b)._catalog == gettext.GNUTranslations(a)._catalog
