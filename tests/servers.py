"""Real daphne processes for tests, on the test database (and Redis when asked)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# As the Makefile and the Dockerfile run it: a socket the app has not accepted within daphne's
# default 5 s is dropped, which a join storm on two busy cores can exceed (seen: 300 at once).
PRODUCTION_ARGS = ("--websocket_connect_timeout", "30")
ARTIFACTS = ROOT / "artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The test database of this process, as a URL a subprocess can open."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Daphne:
    def __init__(
        self,
        *,
        port: int | None = None,
        redis_url: str = "",
        prefix: str = "",
        layer: str = "pubsub",
        name="daphne",
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ):
        self.port = port or free_port()
        self.redis_url, self.prefix, self.layer, self.name = redis_url, prefix, layer, name
        self.args, self.extra_env = args, env or {}
        self.process: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"{name}-{self.port}.log"
        self.log_path.write_text("")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Daphne:
        # Not DJANGO_ALLOW_ASYNC_UNSAFE (the browser tests set it for their own thread): the
        # server under test keeps Django's async safety checks.
        skip = {"REDIS_URL", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env = {k: v for k, v in os.environ.items() if k not in skip}
        env.update(
            DATABASE_URL=test_database_url(),
            DEBUG="0",
            SECRET_KEY=settings.SECRET_KEY,
            SECURE_COOKIES="0",
            SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
        )
        if self.redis_url:
            env.update(REDIS_URL=self.redis_url, REDIS_PREFIX=self.prefix, REDIS_LAYER=self.layer)
        env.update(self.extra_env)
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                *PRODUCTION_ARGS,
                *self.args,
                "journeymap.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()  # the child has its own copy of the file
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"daphne did not answer on {self.port}: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text()

    def peak_memory_mb(self) -> float:
        """The process's peak resident memory (VmHWM), for benchmarks."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0


class Editor:
    """Someone editing through a real server over HTTP, with a session and a CSRF token."""

    def __init__(self, server: Daphne, session_key: str):
        import urllib.request

        self.server, self.session = server, session_key
        self.opener = urllib.request.build_opener()
        self.token = ""

    def _headers(self) -> dict:
        return {
            "Cookie": f"sessionid={self.session}; csrftoken={self.token}",
            "X-CSRFToken": self.token,
            "HX-Request": "true",
            "Origin": self.server.url,
            "Referer": self.server.url + "/",
        }

    def open_board(self, map_id: int) -> str:
        import urllib.request

        request = urllib.request.Request(
            f"{self.server.url}/maps/{map_id}/", headers={"Cookie": f"sessionid={self.session}"}
        )
        with self.opener.open(request, timeout=30) as response:
            page = response.read().decode()
        self.token = page.split('"X-CSRFToken": "')[1].split('"')[0]
        return page

    def post(self, path: str, data: dict) -> int:
        import urllib.error
        import urllib.parse
        import urllib.request

        request = urllib.request.Request(
            f"{self.server.url}{path}",
            data=urllib.parse.urlencode(data, doseq=True).encode(),
            headers=self._headers(),
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
