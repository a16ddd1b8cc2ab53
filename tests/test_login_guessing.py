"""Password guessing is slowed on the site's login and the admin's: failures are counted per
account and per address, and past a limit even the right password waits."""

from __future__ import annotations

import time

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-1"
# The waiting message (Korean, the default language); "15" alone also turns up in the random
# CSRF token of an ordinary "wrong password" page, one time in sixty or so.
WAIT = "15분 뒤에"


@pytest.fixture
def account(django_user_model):
    return django_user_model.objects.create_user(
        "guessed", password=PASSWORD, is_staff=True, is_superuser=True
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_after_many_wrong_passwords_even_the_right_one_waits(account, path, settings):
    client = Client()
    for n in range(40):
        client.post(path, {"username": "guessed", "password": f"wrong-{n}"})
    response = client.post(path, {"username": "guessed", "password": PASSWORD})
    assert not signed_in(client)
    assert response.status_code == 200
    assert WAIT in response.content.decode()  # how long to wait, in minutes


def test_an_account_is_locked_for_every_address(account, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for n in range(3):
        Client(REMOTE_ADDR=f"10.1.0.{n}").post(
            "/login/", {"username": "guessed", "password": "wrong"}
        )
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    elsewhere.post("/login/", {"username": "GUESSED ", "password": PASSWORD})
    assert not signed_in(elsewhere)


def test_an_address_trying_many_accounts_is_slowed(account, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    client = Client()
    for n in range(3):
        client.post("/login/", {"username": f"someone-{n}", "password": "wrong"})
    client.post("/login/", {"username": "guessed", "password": PASSWORD})
    assert not signed_in(client)
    other_address = Client(REMOTE_ADDR="10.2.2.2")
    other_address.post("/login/", {"username": "guessed", "password": PASSWORD})
    assert signed_in(other_address)


def test_signing_in_does_not_count_and_the_window_passes(account, settings, monkeypatch):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(5):
        client = Client()
        client.post("/login/", {"username": "guessed", "password": PASSWORD})
        assert signed_in(client)
    for _ in range(4):
        Client().post("/login/", {"username": "guessed", "password": "wrong"})
    later = time.time() + settings.LOGIN_WINDOW
    monkeypatch.setattr("workshops.ratelimit.time.time", lambda: later)
    client = Client()
    client.post("/login/", {"username": "guessed", "password": PASSWORD})
    assert signed_in(client)


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_get_no_more_tries_than_the_limit(account, settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    settings.LOGIN_FAILURES_PER_ACCOUNT = 5

    def guess(n):
        try:
            response = Client().post("/login/", {"username": "guessed", "password": f"no-{n}"})
            return WAIT in response.content.decode()  # the waiting message, not "wrong"
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        waited = list(pool.map(guess, range(30)))
    assert waited.count(False) == 5 and waited.count(True) == 25
