"""Limits daphne keeps before the app sees anything: request bodies (journeymap/body_guard.py)
and the close code of a refused frame, as a real client receives them."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.servers import Daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


@pytest.fixture
def server():
    daphne = Daphne(name="daphne-limits", env={"REQUEST_BODY_MAX_BYTES": str(1024 * 1024)})
    daphne.start()
    yield daphne
    daphne.stop()
    assert "Traceback" not in daphne.log(), daphne.log()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def post_raw(port: int, headers: str, body_chunks, pause: float = 0.0) -> bytes:
    """POST as a client that keeps sending; what the server answered, as soon as it did."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(headers.encode())
        answer = b""
        sock.settimeout(0.05)
        for chunk in body_chunks:
            try:
                sock.sendall(chunk)
            except OSError:  # the server closed on us: stop sending
                break
            try:
                answer += sock.recv(4096)
                if answer:
                    break
            except TimeoutError:
                time.sleep(pause)
        sock.settimeout(5)
        try:
            while data := sock.recv(4096):
                answer += data
        except OSError:
            pass
    return answer


def test_a_huge_body_is_refused_before_daphne_keeps_it(server):
    before = rss_mb(server.process.pid)
    length = 300 * 1024 * 1024
    headers = (
        f"POST /maps/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    answer = post_raw(server.port, headers, (b"x" * 65536 for _ in range(200)))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"larger than 1 MB" in answer
    assert rss_mb(server.process.pid) - before < 20


def test_a_chunked_body_is_cut_off_past_the_limit(server):
    headers = "POST /maps/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n%s\r\n" % (65536, b"y" * 65536)
    answer = post_raw(server.port, headers, (chunk for _ in range(100)))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_body_under_the_limit_reaches_the_app(server):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{server.url}/healthz", data=b"z" * 500_000)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    # Django's own answer (its CSRF check refuses a POST without a token): not daphne's 413.
    assert refused.value.code == 403


def test_an_oversized_frame_closes_with_a_code_the_client_receives(server, django_user_model):
    import websockets.sync.client

    from maps.models import JourneyMap

    journey_map = JourneyMap.objects.create_from_preset(title="큰 프레임", preset="funnel")
    user = django_user_model.objects.create_user("big", is_staff=True)
    client = Client()
    client.force_login(user)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    url = f"ws://127.0.0.1:{server.port}/ws/maps/{journey_map.pk}/"
    for frame in ('{"type": "ping", "pad": "' + "x" * 20_000 + '"}', b"\x00\x01binary"):
        with websockets.sync.client.connect(
            url, origin=server.url, additional_headers=cookie
        ) as ws:
            ws.send(frame)
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=5)
        assert closed.value.rcvd.code == 4009
