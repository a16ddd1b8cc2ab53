"""What changed since a saved version: touchpoints added and removed, MOTs set and cleared,
feelings and figures that moved, plans done since with their results."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maps import changes, portable
from maps.models import ActionPlan, Card, EmotionCard, Lane, MapVersion, TouchpointFigures

pytestmark = pytest.mark.django_db


def test_what_changed_since_a_version(editor_client, journey_map, stages):
    pay = Card.objects.create(stage=stages[2], lane=Lane.TOUCHPOINT, text="앱  결제 화면")
    chat = Card.objects.create(stage=stages[2], lane=Lane.TOUCHPOINT, text="상담 채팅", is_mot=True)
    gone = Card.objects.create(stage=stages[1], lane=Lane.TOUCHPOINT, text="전단지")
    idea = Card.objects.create(stage=stages[2], lane=Lane.OPPORTUNITY, text="결제 간소화")
    plan = ActionPlan.objects.create(opportunity=idea, what="결제 단계 줄이기", owner="UX")
    EmotionCard.objects.create(touchpoint=pay, score=-2)
    figures = TouchpointFigures.objects.create(touchpoint=pay, satisfaction=40)
    editor_client.post(reverse("maps:version-save", args=[journey_map.pk]), {"label": "봄"})
    version = MapVersion.objects.get()

    # Since then: the payment screen moved (to another stage too) and was flagged, the chat
    # is no longer a MOT, the leaflet is gone, a review site appeared, the plan was done.
    pay.text, pay.is_mot, pay.stage = "앱 결제 화면", True, stages[3]
    pay.save()
    EmotionCard.objects.filter(touchpoint=pay).update(stage=stages[3])
    EmotionCard.objects.create(touchpoint=pay, score=2)
    chat.is_mot = False
    chat.save()
    gone.delete()
    Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="리뷰 사이트")
    plan.status, plan.result = "done", "결제 이탈 27% → 15%"
    plan.save()
    figures.satisfaction = 90
    figures.save()

    diff = changes.compare(version.data, portable.dump(journey_map))
    assert diff.added == ["리뷰 사이트"] and diff.removed == ["전단지"]
    assert diff.mots_set == ["앱 결제 화면"] and diff.mots_cleared == ["상담 채팅"]
    [moved] = diff.touchpoints
    assert (moved.name, moved.before, moved.after) == ("앱 결제 화면", -2.0, 0.0)
    [measured] = diff.measured
    assert (measured.before, measured.after) == (-0.4, 1.6)
    assert [p["result"] for p in diff.plans_done] == ["결제 이탈 27% → 15%"]

    page = editor_client.get(
        reverse("maps:compare", args=[journey_map.pk]), {"with": f"version:{version.pk}"}
    ).content.decode()
    section = page.split('class="panel changes"')[1].split("</section>")[0]
    for text in ("리뷰 사이트", "전단지", "★ 앱 결제 화면", "결제 이탈 27% → 15%", "+2.0"):
        assert text in section, text


def test_nothing_changed_says_so_and_two_versions_show_no_section(editor_client, journey_map):
    for label in ("하나", "둘"):
        editor_client.post(reverse("maps:version-save", args=[journey_map.pk]), {"label": label})
    one, two = MapVersion.objects.order_by("pk")
    url = reverse("maps:compare", args=[journey_map.pk])
    page = editor_client.get(url, {"with": f"version:{one.pk}"}).content.decode()
    assert "그 뒤로 지도에서 바뀐 것이 없습니다" in page
    both = editor_client.get(url, {"with": [f"version:{one.pk}", f"version:{two.pk}"]})
    assert 'class="panel changes"' not in both.content.decode()


@pytest.mark.django_db(transaction=True)  # the PDF reads committed rows
def test_what_changed_on_paper(editor_client, journey_map, stages, tmp_path):
    import shutil
    import subprocess

    from tests.conftest import need

    need(
        shutil.which("pdftotext") is not None, "pdftotext is missing: apt-get install poppler-utils"
    )
    Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="전단지")
    editor_client.post(reverse("maps:version-save", args=[journey_map.pk]), {"label": "봄"})
    version = MapVersion.objects.get()
    Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="리뷰 사이트")
    response = editor_client.get(
        reverse("maps:compare-pdf", args=[journey_map.pk]), {"with": f"version:{version.pk}"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "changes.pdf"
    pdf.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "봄" in text and "이후 바뀐 것" in text and "리뷰 사이트" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Nanum" in fonts and "Type 3" not in fonts
