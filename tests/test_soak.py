"""Nothing lost: a seeded, randomized convergence soak against two real daphne processes on
Redis, on this pass's database (SQLite or PostgreSQL).

Simulated participants add, edit (the same card at the same time too), move and delete
cards, add emotion cards, flag MOTs and place dots, through HTTP like a browser, each with a
socket that hears the pushes. Meanwhile sockets drop and reconnect, some go half-open (left
unread, never closed), one server process is restarted and Redis goes away once. At the end:
every acknowledged add is in the database exactly once (resends deduplicated), no acknowledged
edit was overwritten (a stale save is refused, never applied), every dot is counted, every
participant's re-read board equals the database, and neither server logged a traceback.

CI runs a short version; `make soak` runs 50 clients and 10,000 operations on both backends.
A failure prints the seed: SOAK_SEED=<seed> replays it.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.test import Client

from maps.models import Card, EmotionCard, Lane
from tests.faults import Proxy
from tests.servers import ARTIFACTS, Daphne
from workshops.models import Dot, Workshop
from workshops.protocol import PUSH_MARK

SEED = int(os.environ.get("SOAK_SEED", "20261125"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "5"))
OPERATIONS = int(os.environ.get("SOAK_OPERATIONS", "150"))
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
CARD_ID = re.compile(r'<article id="card-(\d+)"')
BOARD_CARD = re.compile(r'<article id="card-(\d+)".*?<p class="card-text">(.*?)</p>', re.S)
VERSION = re.compile(r'name="version" value="(\d+)"')


class Stats(Counter):
    pass


class Person:
    """One participant: a session, a CSRF token, a socket (which drops now and then)."""

    def __init__(self, n: int, session: str, servers: list[Daphne], world: dict):
        self.name, self.session, self.servers, self.world = f"p{n}", session, servers, world
        self.rng = random.Random(SEED * 1000 + n)
        self.token = ""
        self.socket = self.reader = None
        self.pushes: list[int] = []
        self.abandoned: list = []

    # HTTP, like a browser: the same request again when the server is briefly gone.
    def _request(self, path: str, data: dict | None) -> tuple[int, str]:
        server = self.rng.choice(self.servers)
        headers = {
            "Cookie": f"sessionid={self.session}; csrftoken={self.token}",
            "X-CSRFToken": self.token,
            "HX-Request": "true",
            "Origin": server.url,
            "Referer": server.url + "/",
        }
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(server.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    async def http(self, path: str, data: dict | None = None) -> tuple[int, str]:
        """The answer; `self.retried` says an earlier try may have landed unanswered."""
        self.retried = False
        for _attempt in range(40):
            try:
                return await asyncio.to_thread(self._request, path, data)
            except (OSError, urllib.error.URLError):
                self.retried = True
                self.world["stats"]["requests resent after a connection error"] += 1
                await asyncio.sleep(0.25)
        raise AssertionError(f"{self.name}: no server answered {path} for 10 s")

    async def start(self, map_id: int):
        self.map_id = map_id
        status, page = await self.http(f"/maps/{map_id}/")
        assert status == 200
        self.token = page.split('"X-CSRFToken": "')[1].split('"')[0]
        await self.connect()

    async def connect(self):
        for _ in range(40):
            server = self.rng.choice(self.servers)
            try:
                self.socket = await websockets.connect(
                    f"ws://127.0.0.1:{server.port}/ws/maps/{self.map_id}/",
                    origin=server.url,
                    additional_headers={"Cookie": f"sessionid={self.session}"},
                    open_timeout=5,
                    ping_interval=None,
                )
                self.reader = asyncio.ensure_future(self.read(self.socket))
                return
            except (OSError, websockets.exceptions.WebSocketException, TimeoutError):
                await asyncio.sleep(0.25)
        raise AssertionError(f"{self.name}: could not reconnect")

    async def read(self, socket):
        try:
            async for text in socket:
                frame = json.loads(text)
                if frame["type"] == "push":
                    self.pushes.append(frame["seq"])
        except websockets.exceptions.ConnectionClosed:
            self.world["stats"]["sockets closed by the server side"] += 1

    async def drop(self):
        self.world["stats"]["drops"] += 1
        await self.socket.close()
        await self.connect()

    async def go_half_open(self):
        """Stop reading and never close: the server must cope (its pings time out)."""
        self.world["stats"]["half-open sockets"] += 1
        self.reader.cancel()
        self.abandoned.append(self.socket)
        await self.connect()

    # Operations --------------------------------------------------------------------------

    def pick(self, lanes=None):
        cards = [c for c, info in self.world["cards"].items() if not lanes or info["lane"] in lanes]
        return self.rng.choice(cards) if cards else None

    async def step(self):
        r, stats, world = self.rng.random(), self.world["stats"], self.world
        m = self.map_id
        if len(world["cards"]) > 400 and r < 0.33:
            r = 0.70  # keep the map far below its 2,000-card limit over long runs: delete
        if r < 0.33 or not world["cards"]:
            lane = self.rng.choice([Lane.ACTION, Lane.TOUCHPOINT, Lane.TOUCHPOINT, Lane.PAIN_POINT])
            stage = self.rng.choice(world["stages"])
            token = str(uuid.uuid4())
            data = {"stage": stage, "lane": lane, "text": f"{self.name}-{token[:8]}"}
            data["client_token"] = token
            sends = 2 if self.rng.random() < 0.15 else 1  # a resend after a lost answer
            for _ in range(sends):
                status, body = await self.http(f"/maps/{m}/cards/add/", data)
                assert status == 200, (status, body[:300])
            world["added"][token] = data["text"]
            stats["adds acknowledged"] += 1
            stats["adds resent on purpose"] += sends - 1
            found = CARD_ID.findall(body.split(PUSH_MARK)[-1])
            if found and sends == 1:
                world["cards"][int(found[0])] = {"lane": lane, "version": 1}
        elif r < 0.58:
            # Half the edits go to the three oldest cards: the same card at the same time.
            hot = sorted(world["cards"])[:3]
            card = self.rng.choice(hot) if self.rng.random() < 0.5 else self.pick()
            info = world["cards"][card]
            text = f"{self.name} edit {self.rng.randrange(10**6)}"
            sent = info["version"]  # what this person's editor was opened on
            data = {"text": text, "version": sent}
            status, body = await self.http(f"/maps/{m}/cards/{card}/edit/", data)
            if status == 200:
                world["edits"][card].append((sent + 1, text))
                info["version"] = max(info["version"], sent + 1)
                stats["edits acknowledged"] += 1
            elif status == 409:  # someone saved first: re-read, as a person would
                if self.retried:  # perhaps our own first try, landed but unanswered
                    world["edits_maybe"][card].append((sent + 1, text))
                info["version"] = max(info["version"], int(VERSION.search(body).group(1)))
                stats["edits refused as stale (409)"] += 1
            else:
                assert status in (404, 410), (status, body[:300])
                world["cards"].pop(card, None)
        elif r < 0.68:
            card = self.pick()
            direction = self.rng.choice(["left", "right", "up", "down"])
            status, _ = await self.http(f"/maps/{m}/cards/{card}/move/", {"direction": direction})
            assert status in (200, 404, 422), status
            stats["moves"] += status == 200
        elif r < 0.72:
            card = self.pick()
            status, _ = await self.http(f"/maps/{m}/cards/{card}/delete/", {})
            assert status in (200, 404), status
            world["cards"].pop(card, None)
            stats["deletes"] += status == 200
            world["deletes_maybe"] += status == 404 and self.retried
        elif r < 0.85:
            card = self.pick([Lane.TOUCHPOINT])
            if card is None:
                return
            token = str(uuid.uuid4())
            data = {"touchpoint": card, "score": self.rng.randint(-2, 2), "client_token": token}
            status, _ = await self.http(f"/maps/{m}/emotions/add/", data)
            assert status in (200, 422), status
            if status == 200:
                world["emotions"].append(token)
                stats["emotion cards acknowledged"] += 1
        elif r < 0.92:
            card = self.pick([Lane.TOUCHPOINT])
            if card is not None:
                status, _ = await self.http(f"/maps/{m}/cards/{card}/mot/", {})
                assert status in (200, 404), status
                stats["MOT flags"] += status == 200
        else:
            card = self.pick([Lane.TOUCHPOINT])
            if card is not None:
                change = self.rng.choice(["add", "add", "remove"])
                status, _ = await self.http(f"/maps/{m}/cards/{card}/dot/{change}/", {})
                assert status in (200, 403, 404), status
                stats["dots moved"] += status == 200


@sync_to_async
def make_room(people: int):
    from django.contrib.auth import get_user_model

    facilitator = get_user_model().objects.create_user("soak", is_staff=True)
    workshop = Workshop.create(
        title="soak", date=datetime.date.today(), teams=["팀"], preset="funnel",
        facilitator=facilitator,
    )  # fmt: skip
    workshop.open_vote(Lane.TOUCHPOINT, 1000)
    team = workshop.teams.get()
    sessions = []
    for n in range(people):
        client = Client()
        client.post(f"/j/{workshop.join_token}/", {"display_name": f"p{n}", "team": team.pk})
        sessions.append(client.cookies["sessionid"].value)
    stages = list(team.journey_map.stages.values_list("pk", flat=True))
    return team.journey_map_id, stages, sessions


@pytest.fixture
def servers(redis_url):
    proxy = Proxy(urlsplit(redis_url).port or 6379)
    prefix = f"jm-soak-{uuid.uuid4().hex[:8]}"
    limits = {"WRITES_PER_MINUTE": "1000000", "SOCKETS_PER_PERSON": "1000"}
    limits["CONNECTS_PER_MINUTE"] = "100000"
    pair = [
        Daphne(
            redis_url=f"redis://127.0.0.1:{proxy.port}/0",
            prefix=prefix,
            name=f"soak-{n}",
            env=limits,
            args=("--ping-interval", "2", "--ping-timeout", "4"),
        ).start()
        for n in "AB"
    ]
    yield pair, proxy
    for server in pair:
        server.stop()
    proxy.close()


async def test_nothing_is_lost(servers):
    (server_a, server_b), redis = servers
    stats = Stats()
    world = {"stats": stats, "cards": {}, "added": {}, "emotions": [], "deletes_maybe": 0}
    world["edits"], world["edits_maybe"] = defaultdict(list), defaultdict(list)
    map_id, world["stages"], sessions = await make_room(CLIENTS)
    people = [Person(n, s, [server_a, server_b], world) for n, s in enumerate(sessions)]
    for person in people:
        await person.start(map_id)
    done = 0
    faults = asyncio.Event()

    async def run(person: Person):
        nonlocal done
        while done < OPERATIONS:
            done += 1
            roll = person.rng.random()
            if roll < 0.02:
                await person.drop()
            elif roll < 0.03:
                await person.go_half_open()
            await person.step()
            if done in (OPERATIONS // 3, 2 * OPERATIONS // 3):
                faults.set()

    async def inject():
        await faults.wait()
        faults.clear()
        server_a.stop()  # a server restart mid-run: its sockets drop, requests retry on B
        server_a.start()
        stats["server restarts"] += 1
        await faults.wait()
        redis.cut()  # Redis away for two seconds
        await asyncio.sleep(2)
        redis.restore()
        stats["Redis outages"] += 1

    started = time.monotonic()
    try:
        await asyncio.gather(inject(), *(run(p) for p in people))
    except BaseException:
        print(f"\nSoak failed with SOAK_SEED={SEED} (replay it with that variable).")
        raise
    stats["operations"] = done
    stats["seconds"] = round(time.monotonic() - started, 1)

    # Every participant re-reads the board (as after a reconnect) and sees the database.
    public = await sync_to_async(
        lambda: {c.pk: c.text for c in Card.objects.filter(journey_map_id=map_id)}
    )()
    for person in people:
        status, html = await person.http(f"/maps/{map_id}/live/?since=0")
        assert status == 200
        seen = {int(pk): text for pk, text in BOARD_CARD.findall(html)}
        assert seen == public, f"{person.name}'s board differs from the database"
        # Once each. Two processes publish, so two pushes may cross on the way; the page
        # buffers and applies them in sequence order (live.js), so order is not asserted.
        assert len(person.pushes) == len(set(person.pushes)), "a push arrived twice"
        stats["pushes heard"] += len(person.pushes)

    @sync_to_async
    def check_database():
        tokens = dict(Card.objects.filter(journey_map_id=map_id).values_list("client_token", "pk"))
        present = sum(1 for token in world["added"] if uuid.UUID(token) in tokens)
        # Every card comes from one acknowledged add (resends deduplicated), and every
        # acknowledged add is there unless a delete took it.
        assert Card.objects.filter(journey_map_id=map_id).count() == len(tokens) == present
        gone = len(world["added"]) - present
        assert stats["deletes"] <= gone <= stats["deletes"] + world["deletes_maybe"]
        # No acknowledged edit was overwritten: a card says what its last acknowledged edit
        # said, or what a later one said whose answer was lost in a restart.
        for card in Card.objects.filter(journey_map_id=map_id):
            acked = world["edits"].get(card.pk, [])
            latest = max(acked, default=(1, None))
            possible = set(acked) | set(world["edits_maybe"].get(card.pk, []))
            assert card.version >= latest[0], card.pk
            if card.version > 1:
                assert (card.version, card.text) in possible, card.pk
        # Every emotion card once, unless its touchpoint went; every dot counted.
        emotions = set(EmotionCard.objects.values_list("client_token", flat=True))
        assert len(emotions) == EmotionCard.objects.count()
        for card in Card.objects.filter(journey_map_id=map_id, lane=Lane.TOUCHPOINT):
            assert card.votes == Dot.objects.filter(card=card).count(), card.pk

    await check_database()
    for person in people:
        for socket in [person.socket, *person.abandoned]:
            await socket.close()
    for server in (server_a, server_b):
        assert "Traceback" not in server.log(), server.log()[-3000:]
    report = {"seed": SEED, "clients": CLIENTS, **stats}
    ARTIFACTS.mkdir(exist_ok=True)
    backend = "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    (ARTIFACTS / f"soak-{backend}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1)
    )
    print("\nsoak:", json.dumps(report, ensure_ascii=False))
