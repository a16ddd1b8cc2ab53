"""make bench: how fast an edit reaches everyone in a room, against a bare baseline.

For N = 10, 50, 200, 300 clients in one room it measures, per setup:
- latency: from just before the edit's HTTP request to the push's arrival at each client
  (every client of every edit counts), p50 / p95 / p99;
- edits per second sustained: edits sent back to back for a few seconds, counted when every
  client has received them;
- the server's peak memory (VmHWM of each daphne process).

Setups: journeymap on one daphne with the in-memory layer; journeymap on two daphne processes
sharing Redis (clients split between them, edits through the first); and a baseline: a
minimal broadcast server written with the `websockets` package, sent the same payload size,
measured by the same client. The measuring client is this one process (asyncio, one
connection per simulated person); its own cost is part of every number, the baseline's too.

`python benchmarks/fanout.py --soak 600` instead runs 10 edits/s for 600 s through Redis with
50 clients and reports sequence gaps and "over capacity" lines in the server logs.
Results: benchmarks/results/fanout.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="journeymap-fanout-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.pop("REDIS_URL", None)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "fanout-benchmark-secret-key-not-for-production-0123456789"
os.environ["SECRET_KEY"] = SECRET
# The measuring loop reads the map's seq between edits; quick reads, no concurrency inside.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import django  # noqa: E402

django.setup()
logging.getLogger("websockets").setLevel(logging.WARNING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

from maps.models import JourneyMap  # noqa: E402
from tests.servers import free_port  # noqa: E402

SIZES = [10, 50, 200, 300]
EDITS = 30  # per size, one every 0.2 s, for the latency numbers


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 1)


def summary(latencies: list[float]) -> dict:
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "samples": len(latencies),
    }


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class Server:
    def __init__(self, redis_prefix: str = ""):
        self.port = free_port()
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": SECRET,
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        if redis_prefix:
            env.update(REDIS_URL=REDIS_URL, REDIS_PREFIX=redis_prefix)
        self.log = (WORK / f"daphne-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "journeymap.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("daphne did not start")

    def stop(self) -> float:
        memory = peak_memory_mb(self.process.pid)
        self.process.terminate()
        self.process.wait(10)
        return memory

    def log_text(self) -> str:
        return Path(self.log.name).read_text()


def prepare() -> tuple[JourneyMap, str]:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.get(username="facilitator")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return JourneyMap.objects.get(), session.session_key


class Editor:
    """Real HTTP edits: a card added through the board's endpoint."""

    def __init__(self, port: int, journey_map: JourneyMap, session: str):
        self.base = f"http://127.0.0.1:{port}"
        self.map, self.session = journey_map, session
        page = self._open(f"/maps/{journey_map.pk}/").read().decode()
        self.token = page.split('"X-CSRFToken": "')[1].split('"')[0]
        self.stage = journey_map.stages.first().pk

    def _open(self, path, data=None):
        headers = {"Cookie": f"sessionid={self.session}"}
        if data is not None:
            headers.update(
                {
                    "Cookie": f"sessionid={self.session}; csrftoken={self.token}",
                    "X-CSRFToken": self.token,
                    "HX-Request": "true",
                    "Origin": self.base,
                    "Referer": self.base + "/",
                }
            )
            data = urllib.parse.urlencode(data).encode()
        return urllib.request.urlopen(
            urllib.request.Request(self.base + path, data, headers), timeout=60
        )

    def add_card(self, n: int) -> None:
        self._open(
            f"/maps/{self.map.pk}/cards/add/",
            {
                "stage": self.stage,
                "lane": "thought",
                "text": f"벤치마크 카드 {n}: 고객이 가격을 두 사이트에서 비교한다",
            },
        ).read()


async def connect_room(ports, journey_map, session, n):
    async def one(i):
        port = ports[i % len(ports)]
        socket = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/maps/{journey_map.pk}/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": f"sessionid={session}"},
            max_size=None,
        )
        return socket

    sockets = []
    for start in range(0, n, 50):  # connect in waves, as people arrive
        sockets += await asyncio.gather(*(one(i) for i in range(start, min(n, start + 50))))
    return sockets


async def settle(sockets, silence=1.5):
    async def quiet(socket):
        while True:
            try:
                await asyncio.wait_for(socket.recv(), silence)
            except TimeoutError:
                return

    await asyncio.gather(*(quiet(s) for s in sockets))


class Arrivals:
    """Reads every socket; records when each push (by seq) reached each client."""

    def __init__(self, sockets):
        self.sockets, self.times, self.seqs, self.sizes = sockets, {}, [], []
        self.tasks = [asyncio.create_task(self.read(i, s)) for i, s in enumerate(sockets)]

    async def read(self, index, socket):
        expected = None
        async for raw in socket:
            frame = json.loads(raw)
            if frame.get("type") != "push":
                continue
            now = time.perf_counter()
            self.sizes.append(len(raw.encode() if isinstance(raw, str) else raw))
            if expected is not None and frame["seq"] != expected:
                self.seqs.append((index, expected, frame["seq"]))  # a gap
            expected = frame["seq"] + 1
            self.times.setdefault(frame["seq"], []).append(now)

    async def wait_for(self, seq, count, timeout=30):
        deadline = time.perf_counter() + timeout
        while len(self.times.get(seq, [])) < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        return self.times.get(seq, [])

    def stop(self):
        for task in self.tasks:
            task.cancel()


async def measure_journeymap(ports, journey_map, session, n) -> dict:
    sockets = await connect_room(ports, journey_map, session, n)
    await settle(sockets)
    editor = Editor(ports[0], journey_map, session)
    arrivals = Arrivals(sockets)
    latencies = []
    for i in range(EDITS):
        journey_map.refresh_from_db()
        seq = journey_map.seq + 1
        started = time.perf_counter()
        await asyncio.to_thread(editor.add_card, i)
        times = await arrivals.wait_for(seq, n)
        latencies += [(t - started) * 1000 for t in times]
        await asyncio.sleep(0.2)
    # Throughput: edits back to back for 5 s, counted once every client has each.
    journey_map.refresh_from_db()
    first = journey_map.seq + 1
    started = time.perf_counter()
    sent = 0
    while time.perf_counter() - started < 5:
        await asyncio.to_thread(editor.add_card, 1000 + sent)
        sent += 1
    await arrivals.wait_for(first + sent - 1, n, timeout=60)
    elapsed = time.perf_counter() - started
    delivered = sum(1 for s in range(first, first + sent) if len(arrivals.times.get(s, [])) == n)
    arrivals.stop()
    for socket in sockets:
        await socket.close()
    return {
        **summary(latencies),
        "edits_per_s": round(delivered / elapsed, 1),
        "missing": EDITS * n - len(latencies),
        "gaps": len(arrivals.seqs),
        "push_bytes": int(statistics.median(arrivals.sizes)),
    }


async def measure_baseline(n: int, payload_size: int) -> dict:
    """A bare websockets broadcast server, same clients, same payload size."""
    clients = set()
    payload = "x" * payload_size

    async def handler(socket):
        if socket.request.path == "/trigger":
            async for message in socket:
                frame = json.dumps({"type": "push", "seq": int(message), "html": payload})
                websockets.broadcast(clients, frame)
            return
        clients.add(socket)
        try:
            await socket.wait_closed()
        finally:
            clients.discard(socket)

    port = free_port()
    async with websockets.serve(handler, "127.0.0.1", port, max_size=None):
        sockets = [
            await websockets.connect(f"ws://127.0.0.1:{port}/room", max_size=None) for _ in range(n)
        ]
        trigger = await websockets.connect(f"ws://127.0.0.1:{port}/trigger")
        arrivals = Arrivals(sockets)
        latencies = []
        for seq in range(1, EDITS + 1):
            started = time.perf_counter()
            await trigger.send(str(seq))
            times = await arrivals.wait_for(seq, n)
            latencies += [(t - started) * 1000 for t in times]
            await asyncio.sleep(0.05)
        arrivals.stop()
        for socket in [*sockets, trigger]:
            await socket.close()
    return summary(latencies)


async def run_all() -> dict:
    journey_map, session = prepare()
    results = {
        "machine": f"{os.cpu_count()} cores",
        "client": "one asyncio process, one websocket per simulated person",
        "edits_per_size": EDITS,
        "sizes": {},
    }
    memory_layer = Server()
    redis_prefix = f"jm-bench-{os.getpid()}"
    redis_servers = [Server(redis_prefix), Server(redis_prefix)]
    try:
        for n in SIZES:
            row = {
                "in_memory": await measure_journeymap([memory_layer.port], journey_map, session, n),
                "redis_2_processes": await measure_journeymap(
                    [s.port for s in redis_servers], journey_map, session, n
                ),
            }
            # The baseline sends frames of the same size as journeymap's real pushes.
            row["baseline_websockets"] = await measure_baseline(n, row["in_memory"]["push_bytes"])
            row["p99_ratio_redis_to_baseline"] = round(
                row["redis_2_processes"]["p99_ms"] / max(row["baseline_websockets"]["p99_ms"], 0.1),
                1,
            )
            results["sizes"][n] = row
            print(n, json.dumps(row, ensure_ascii=False))
    finally:
        results["peak_memory_mb"] = {
            "in_memory": memory_layer.stop(),
            "redis": [s.stop() for s in redis_servers],
        }
        logs = memory_layer.log_text() + "".join(s.log_text() for s in redis_servers)
        results["server_log_problems"] = {
            "tracebacks": logs.count("Traceback"),
            "over_capacity": logs.count("over capacity"),
        }
    return results


async def soak(seconds: int) -> dict:
    journey_map, session = prepare()
    prefix = f"jm-soak-{os.getpid()}"
    servers = [Server(prefix), Server(prefix)]
    try:
        sockets = await connect_room([s.port for s in servers], journey_map, session, 50)
        await settle(sockets)
        arrivals = Arrivals(sockets)
        editor = Editor(servers[0].port, journey_map, session)
        started, sent = time.perf_counter(), 0
        while time.perf_counter() - started < seconds:
            await asyncio.to_thread(editor.add_card, sent)
            sent += 1
            await asyncio.sleep(max(0, started + sent / 10 - time.perf_counter()))
        await asyncio.sleep(2)
        arrivals.stop()
        journey_map.refresh_from_db()
        complete = sum(1 for times in arrivals.times.values() if len(times) == 50)
    finally:
        memory = [s.stop() for s in servers]
    logs = "".join(s.log_text() for s in servers)
    return {
        "seconds": seconds,
        "edits": sent,
        "edits_every_client_got": complete,
        "sequence_gaps": len(arrivals.seqs),
        "over_capacity": logs.count("over capacity"),
        "tracebacks": logs.count("Traceback"),
        "peak_memory_mb": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--soak", type=int, default=0, help="seconds of 10 edits/s")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    if args.soak:
        result = asyncio.run(soak(args.soak))
        (out / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    else:
        result = asyncio.run(run_all())
        (out / "fanout.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
