"""The agenda clock lives in the database: a restarted server shows the same time left."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.test import Client

from tests.servers import Daphne, Editor
from workshops.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True)


def seconds_left(page: str) -> int:
    return int(re.search(r'data-seconds-left="(-?\d+)"', page).group(1))


def test_the_clock_survives_a_server_restart(django_user_model):
    user = django_user_model.objects.create_user("fac", is_staff=True)
    workshop = Workshop.create(
        title="재시작", date=datetime.date.today(), teams=["팀 A"], preset="funnel",
        facilitator=user,
    )  # fmt: skip
    team_map = workshop.teams.get().journey_map
    facilitator = Client()
    facilitator.force_login(user)
    member = Client()
    member.post(f"/j/{workshop.join_token}/", {"display_name": "참가자"})

    server = Daphne(name="daphne-restart").start()
    try:
        host = Editor(server, facilitator.cookies["sessionid"].value)
        host.open_board(team_map.pk)
        assert host.post(f"/workshops/{workshop.pk}/control/start/", {}) == 200
        reader = Editor(server, member.cookies["sessionid"].value)
        first = seconds_left(reader.open_board(team_map.pk))
        started = time.monotonic()
        assert 25 * 60 - 5 <= first <= 25 * 60
        server.stop()
        time.sleep(2.5)  # down long enough that a running clock must show less
        server.start()  # same port, a new process
        after = seconds_left(reader.open_board(team_map.pk))
        elapsed = time.monotonic() - started
        # It kept running while the server was down: not reset to the full 25 minutes.
        assert first - elapsed - 2 <= after <= first - elapsed + 1
        assert after <= first - 2

        assert host.post(f"/workshops/{workshop.pk}/control/pause/", {}) == 200
        paused = seconds_left(reader.open_board(team_map.pk))
        server.stop()
        time.sleep(1.5)
        server.start()
        assert seconds_left(reader.open_board(team_map.pk)) == paused
    finally:
        server.stop()
    assert "Traceback" not in server.log(), server.log()
