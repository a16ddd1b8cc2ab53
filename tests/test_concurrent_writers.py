"""20 people writing to one map at the same moment, through a real daphne.

On SQLite (WAL, immediate transactions) nobody may see "database is locked"; on both backends
every card lands, in a dense order, and no request fails."""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from maps.models import Card, JourneyMap, Lane
from tests.servers import Editor

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS, CARDS_EACH = 20, 5


def test_twenty_writers_at_once_all_land(daphne, django_user_model):
    journey_map = JourneyMap.objects.create_from_preset(title="동시 쓰기", preset="funnel")
    stage = journey_map.stages.first()
    editors = _editors(daphne, django_user_model, journey_map, "w", WRITERS)

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
    with _database_sessions(f"journeymap:{daphne.process.pid}") as sessions:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

    assert statuses == {200: WRITERS * CARDS_EACH}, daphne.log()[-4000:]
    # Each request runs on a thread of its own: without the pool, 100 writes held 86
    # PostgreSQL connections at once (the server allows 100 in all).
    pool = settings.DATABASES["default"]["OPTIONS"].get("pool", {}).get("max_size", 0)
    assert 0 < sessions.most <= pool if connection.vendor == "postgresql" else pool == 0
    positions = list(
        stage.cards.filter(lane=Lane.ACTION).order_by("position").values_list("position", flat=True)
    )
    assert positions == list(range(WRITERS * CARDS_EACH))
    journey_map.refresh_from_db()
    assert journey_map.seq >= WRITERS * CARDS_EACH
    assert "database is locked" not in daphne.log()


class _Sessions:
    most = 0


@contextlib.contextmanager
def _database_sessions(application: str):
    """The most sessions `application` had open on PostgreSQL meanwhile (0 on SQLite)."""
    sessions, done = _Sessions(), threading.Event()

    def sample():
        import psycopg

        params = connection.get_connection_params()
        params.pop("pool", None)
        params.pop("cursor_factory", None)
        with psycopg.connect(**params, autocommit=True) as probe:
            while not done.wait(0.01):
                (count,) = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                    [application],
                ).fetchone()
                sessions.most = max(sessions.most, count)

    sampler = threading.Thread(target=sample, daemon=True)
    if connection.vendor == "postgresql":
        sampler.start()
    try:
        yield sessions
    finally:
        done.set()
        if sampler.is_alive():
            sampler.join(5)


def _editors(daphne, django_user_model, journey_map, prefix: str, count: int = 2) -> list:
    """`count` people with the map's board open through the real server."""
    editors = []
    for n in range(count):
        client = Client()
        client.force_login(django_user_model.objects.create_user(f"{prefix}{n}", is_staff=True))
        editor = Editor(daphne, client.cookies["sessionid"].value)
        editor.open_board(journey_map.pk)
        editors.append(editor)
    return editors


class Screen:
    """A third person's board, kept by its socket alone: each push replaces the cells it
    carries, in the order of its sequence number, as static/js/live.js does."""

    CELL = re.compile(r'<div class="cards" id="cards-([^"]*)"')
    CARD = re.compile(r'<article id="card-(\d+)"')

    def __init__(self, daphne, session: str, map_id: int):
        from websockets.sync.client import connect

        self.held = contextlib.ExitStack()  # closed, with the socket, in cells()
        self.socket = self.held.enter_context(
            connect(
                f"ws://127.0.0.1:{daphne.port}/ws/maps/{map_id}/",
                origin=daphne.url,
                additional_headers={"Cookie": f"sessionid={session}"},
            )
        )
        self.pushes: list[tuple[int, str]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            while True:
                frame = json.loads(self.socket.recv())
                if frame.get("type") == "push":
                    self.pushes.append((frame["seq"], frame["html"]))
        except Exception:  # closed at the end of the test
            return

    def cells(self, until_seq: int) -> dict[str, list[int]]:
        """Every cell the pushes showed, as the last push to show it left it."""
        import time

        for _ in range(100):
            if self.pushes and max(seq for seq, _html in self.pushes) >= until_seq:
                break
            time.sleep(0.05)
        shown: dict[str, list[int]] = {}
        for _seq, html in sorted(self.pushes):
            starts = [(m.start(), m.group(1)) for m in self.CELL.finditer(html)]
            for (start, cell), (end, _next) in zip(
                starts, [*starts[1:], (len(html), "")], strict=True
            ):
                shown[cell] = [int(pk) for pk in self.CARD.findall(html[start:end])]
        self.held.close()
        return shown


def test_two_people_sorting_the_same_cards_at_once_lose_and_double_nothing(
    daphne, django_user_model
):
    """Both move the same four cards between the unsorted area and cells of two lanes, at
    the same moments: every move lands, each card ends in one place, every cell stays dense."""
    journey_map = JourneyMap.objects.create_from_preset(title="동시 정리", preset="funnel")
    stages = list(journey_map.stages.all())
    cards = [
        Card.objects.create(
            journey_map=journey_map, lane=Lane.UNSORTED, text=f"메모 {n}", position=n
        )
        for n in range(4)
    ]
    editors = _editors(daphne, django_user_model, journey_map, "s")
    watcher = Client()
    watcher.force_login(django_user_model.objects.create_user("watcher", is_staff=True))
    screen = Screen(daphne, watcher.cookies["sessionid"].value, journey_map.pk)
    places = [(stage.pk, lane) for stage in stages[:2] for lane in ("thought", "pain_point")]
    places.append(("", "unsorted"))
    statuses: Counter = Counter()
    start = threading.Barrier(2)

    def sort(n: int, editor: Editor) -> None:
        start.wait()
        order = cards if n == 0 else cards[::-1]
        for i in range(12):
            card = order[i % len(order)]
            stage, lane = places[(i + n * 2) % len(places)]
            path = f"/maps/{journey_map.pk}/cards/{card.pk}/move/"
            statuses[editor.post(path, {"stage": stage, "position": i % 3, "lane": lane})] += 1

    threads = [threading.Thread(target=sort, args=(n, e)) for n, e in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert statuses == {200: 24}
    cells: dict = {}
    for card in Card.objects.filter(journey_map=journey_map):
        assert (card.stage_id is None) == (card.lane == Lane.UNSORTED)
        cells.setdefault((card.stage_id, card.lane), []).append(card.position)
    assert sum(len(positions) for positions in cells.values()) == 4
    for positions in cells.values():
        assert sorted(positions) == list(range(len(positions)))
    # The screen that only listened shows every cell as the database has it.
    journey_map.refresh_from_db()
    shown = screen.cells(until_seq=journey_map.seq)
    for stage_id, lane in [(s, lane) for s, lane in places]:
        key = f"{stage_id}-{lane}"
        ordered = Card.objects.filter(journey_map=journey_map, stage_id=stage_id or None, lane=lane)
        assert shown.get(key, []) == list(ordered.order_by("position").values_list("pk", flat=True))


def test_two_people_merging_overlapping_cards_at_once_keep_every_text_once(
    daphne, django_user_model
):
    """One merges x and y while the other merges y and z: the map lock lets one go first.
    If x+y goes first, the other is told y is gone (422); if y+z goes first, y still stands
    and x+y takes all three. Either way no text is lost or doubled."""
    journey_map = JourneyMap.objects.create_from_preset(title="동시 합치기", preset="funnel")
    stage = journey_map.stages.first()
    texts = ["엑스", "와이", "제트"]
    x, y, z = (
        Card.objects.create(stage=stage, lane=Lane.THOUGHT, text=text, position=n)
        for n, text in enumerate(texts)
    )
    editors = _editors(daphne, django_user_model, journey_map, "m")
    statuses: list = []
    start = threading.Barrier(2)

    def merge(editor: Editor, cards) -> None:
        start.wait()
        path = f"/maps/{journey_map.pk}/cards/merge/"
        statuses.append(editor.post(path, {"cards": [card.pk for card in cards]}))

    threads = [
        threading.Thread(target=merge, args=(editors[0], (x, y))),
        threading.Thread(target=merge, args=(editors[1], (y, z))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(statuses) in ([200, 200], [200, 422])
    left = Card.objects.filter(journey_map=journey_map)
    written = [text for card in left for text in (card.text, *card.joined)]
    assert sorted(written) == sorted(texts)
    assert sorted(left.values_list("position", flat=True)) == list(range(left.count()))
