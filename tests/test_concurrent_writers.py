"""20 people writing to one map at the same moment, through a real daphne.

On SQLite (WAL, immediate transactions) nobody may see "database is locked"; on both backends
every card lands, in a dense order, and no request fails."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.test import Client

from maps.models import JourneyMap, Lane
from tests.servers import Editor

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS, CARDS_EACH = 20, 5


def test_twenty_writers_at_once_all_land(daphne, django_user_model):
    journey_map = JourneyMap.objects.create_from_preset(title="동시 쓰기", preset="funnel")
    stage = journey_map.stages.first()
    editors = []
    for n in range(WRITERS):
        client = Client()
        client.force_login(django_user_model.objects.create_user(f"w{n}", is_staff=True))
        editor = Editor(daphne, client.cookies["sessionid"].value)
        editor.open_board(journey_map.pk)
        editors.append(editor)

    statuses: Counter = Counter()
    start = threading.Barrier(WRITERS)

    def write(n: int, editor: Editor) -> None:
        start.wait()
        for i in range(CARDS_EACH):
            statuses[
                editor.post(
                    f"/maps/{journey_map.pk}/cards/add/",
                    {"stage": stage.pk, "lane": "action", "text": f"{n}번의 카드 {i}"},
                )
            ] += 1

    threads = [threading.Thread(target=write, args=(n, e)) for n, e in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert statuses == {200: WRITERS * CARDS_EACH}
    positions = list(
        stage.cards.filter(lane=Lane.ACTION).order_by("position").values_list("position", flat=True)
    )
    assert positions == list(range(WRITERS * CARDS_EACH))
    journey_map.refresh_from_db()
    assert journey_map.seq >= WRITERS * CARDS_EACH
    assert "database is locked" not in daphne.log()
