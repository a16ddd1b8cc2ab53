"""Every answer carries a Content Security Policy that lets only our own scripts run."""

from __future__ import annotations

import pytest
from django.test import Client

from journeymap.security import POLICY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/login/", "/join/", "/healthz", "/maps/", "/no-such-page/"])
def test_every_answer_has_the_policy(client, path):
    response = client.get(path)
    assert response["Content-Security-Policy"] == POLICY


def test_the_policy_runs_no_inline_or_foreign_script():
    directives = dict(d.split(" ", 1) for d in POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in POLICY and "unsafe-inline" not in directives["script-src"]


def test_the_board_has_no_inline_script(editor_client, journey_map):
    """With script-src 'self', an inline script would not run: there must be none."""
    page = editor_client.get(f"/maps/{journey_map.pk}/").content.decode()
    assert "<script>" not in page and " onclick=" not in page and "javascript:" not in page
    scripts = page.count("<script ")
    assert scripts == page.count('<script src="/static/')


def test_sessions_and_csrf_cookies_are_http_only_where_they_can_be(client, editor):
    editor.set_password("pw-for-this-test")
    editor.save()
    response = client.post("/login/", {"username": editor.username, "password": "pw-for-this-test"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert Client().get("/login/").cookies["csrftoken"]["samesite"] == "Lax"
