"""axe-core on every kind of page: no serious or critical violation. axe comes from the npm
registry (`make test` installs it under .venv/axe); it is injected into a context that
bypasses our Content Security Policy, which would rightly refuse a foreign script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from maps.models import JourneyMap
from tests.conftest import load_demo, need
from workshops.models import Workshop

pytestmark = [pytest.mark.once, pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / ".venv/axe/node_modules/axe-core/axe.min.js"


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [n["target"] for n in v["nodes"][:3]],
        }
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_passes_axe(daphne, browser, editor):
    need(AXE.exists(), f"No axe-core at {AXE}: `make axe` (make test does) installs it.")
    load_demo()
    workshop = Workshop.objects.get(closed_at=None)
    team = workshop.teams.first()
    demo = JourneyMap.objects.get(team=None)
    # Private writing on and a vote open, so those parts of the board are on the page.
    workshop.start_private_writing(["emotion"])
    workshop.open_vote("touchpoint", 3)
    workshop.gallery_open = True
    workshop.save()
    workshop.start()  # the projector then shows a step and its clock
    facilitator = Client()
    facilitator.force_login(editor)
    member = Client()
    member.post(f"/j/{workshop.join_token}/", {"display_name": "참가자", "team": team.pk})

    owner = demo.action_plans.first().new_owner_token()

    pages = {
        None: ["/login/", "/join/", f"/j/{workshop.join_token}/", f"/p/{owner}/"],
        facilitator: [
            "/maps/",
            f"/maps/{demo.pk}/",
            f"/maps/{demo.pk}/compare/",
            f"/maps/{demo.pk}/plans/",
            f"/maps/{demo.pk}/figures/",
            "/maps/mots/",
            "/maps/examples/",
            "/maps/examples/loan/",
            f"/workshops/{workshop.pk}/plans/",
            "/workshops/",
            f"/workshops/{workshop.pk}/",
            f"/workshops/{workshop.pk}/screen/",
            f"/workshops/{workshop.pk}/gallery/",
            f"/workshops/{workshop.pk}/present/{team.pk}/",
        ],
        member: [f"/maps/{team.journey_map_id}/", f"/workshops/{workshop.pk}/gallery/"],
    }
    found = {}
    for client, paths in pages.items():
        context = browser.new_context(
            viewport={"width": 1400, "height": 900}, locale="ko-KR", bypass_csp=True
        )
        if client is not None:
            cookie = client.cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": daphne.url}])
        page = context.new_page()
        for path in paths:
            response = page.goto(daphne.url + path)
            assert response.status == 200, path
            problems = violations(page)
            if problems:
                found[path] = problems
        context.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
