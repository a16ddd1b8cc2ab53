"""PDFs made by worker processes (workshops/printshop.py): made once per state of a map, one
render at a time per document, progress for the page that waits, and a render that runs too
long, grows too big or is no longer wanted really stopped, browser and all."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from maps.models import Card, Lane
from tests.test_multiprocess import editor_session  # noqa: F401
from workshops import printshop

# A PDF's map is read by the worker process, on a connection of its own: it sees committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

HX = {"HTTP_HX_REQUEST": "true"}


def test_an_unchanged_map_is_made_once_and_a_change_makes_it_again(
    editor_client, journey_map, stages, shop
):
    shop, made = shop
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    first = editor_client.get(url)
    again = editor_client.get(url)
    assert first.status_code == again.status_code == 200
    assert first.content.startswith(b"%PDF") and again.content == first.content
    assert len(made) == 1

    editor_client.post(
        reverse("maps:card-add", args=[journey_map.pk]),
        {"stage": stages[0].pk, "lane": Lane.ACTION, "text": "새 카드"},
        **HX,
    )
    assert editor_client.get(url).status_code == 200
    assert len(made) == 2


def test_the_worker_is_sent_the_map_s_id_and_reads_the_map_itself(
    editor_client, journey_map, stages, shop, monkeypatch, poppler, tmp_path
):
    """The server neither reads a big map's rows for its PDF nor pickles them: the job that
    crosses to the worker is the same few hundred bytes for 3 cards or 300."""
    import pickle

    shop, made = shop
    sent = []
    order = shop.order
    monkeypatch.setattr(shop, "order", lambda key, html: sent.append(html) or order(key, html))
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    Card.objects.create(journey_map=journey_map, stage=stages[0], lane=Lane.ACTION, text="첫 카드")
    assert editor_client.get(url).status_code == 200
    Card.objects.bulk_create(
        Card(journey_map=journey_map, stage=stages[n % 4], lane=Lane.ACTION, text=f"카드 {n}" * 9)
        for n in range(300)
    )
    journey_map.bump()  # as every edit does: a new state, a new PDF
    pdf = editor_client.get(url)
    assert pdf.status_code == 200 and len(made) == 2
    small, big = (len(pickle.dumps(job)) for job in sent)
    assert big == small < 1000
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "카드 299" in text  # read by the worker, after the 300 were added


def test_the_page_sees_progress_then_gets_the_file(editor_client, journey_map, stages, shop):
    shop, made = shop
    Card.objects.bulk_create(
        Card(journey_map=journey_map, stage=stages[n % 4], lane=Lane.ACTION, text=f"카드 {n}")
        for n in range(300)
    )
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    answers = []
    for _ in range(300):
        response = editor_client.get(url, **HX)
        answers.append(response.status_code)
        if response.status_code != 202:
            break
        assert response["Retry-After"] == "1"
        said = response.content.decode()
        assert "PDF" in said and ("…" in said), said
        time.sleep(0.1)
    assert answers[0] == 202 and answers[-1] == 200, answers
    assert response.content.startswith(b"%PDF")
    assert len(made) == 1  # each question asked about the same job


def test_two_people_asking_at_once_share_one_render(
    editor_client, client, django_user_model, journey_map, shop
):
    shop, made = shop
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    assert editor_client.get(url, **HX).status_code == 202
    other = django_user_model.objects.create_user("other", is_staff=True)
    client.force_login(other)
    assert client.get(url).status_code == 200  # waits for the same job
    assert editor_client.get(url, **HX).status_code == 200
    assert len(made) == 1


@pytest.mark.parametrize(
    ("limits", "said"),
    [
        ({"PDF_TIME_LIMIT": 0}, "0초가 넘게 걸려 멈췄습니다"),
        ({"PDF_MEMORY_MB": 1}, "메모리보다 많이 필요해 멈췄습니다"),
    ],
)
def test_a_render_past_its_limits_is_stopped_with_its_browser(
    editor_client, journey_map, stages, shop, limits, said
):
    shop, _made = shop
    worker = shop.workers[0]
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    assert editor_client.get(url).status_code == 200  # the worker and its browser are up
    Card.objects.bulk_create(  # a second's work: the limits are checked while it is made
        Card(journey_map=journey_map, stage=stages[n % 4], lane=Lane.ACTION, text=f"카드 {n}")
        for n in range(600)
    )
    pids = [worker.process.pid, *printshop.descendants(worker.process.pid)]
    journey_map.bump()  # a state not made yet
    with override_settings(**limits):
        response = editor_client.get(url)
    assert response.status_code == 503
    assert said in response.content.decode()
    assert not any(printshop.alive(pid) for pid in pids), "the worker or its browser outlived it"
    assert editor_client.get(url).status_code == 200  # the next one starts a fresh worker


def test_a_job_nobody_waits_for_is_dropped(editor_client, journey_map, stages, shop, monkeypatch):
    shop, made = shop
    monkeypatch.setattr(printshop, "WANTED_FOR", 0.3)
    busy = threading.Event()
    worker = shop.workers[0]
    render = worker.render

    def slow(job):  # the worker is busy with someone else's PDF meanwhile
        busy.set()
        time.sleep(1)
        return render(job)

    worker.render = slow
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    before = set(shop.jobs)
    assert editor_client.get(url, **HX).status_code == 202  # asked once, then the tab closed
    [job] = [shop.jobs[key] for key in set(shop.jobs) - before]
    assert busy.wait(5) and job.done.wait(60)
    assert job.state == "failed" and "기다리는 사람이 없어" in job.reason
    assert printshop.cached(job.key) is None
    worker.render = render
    # Whoever asks later is not told of the dropped job: a new one makes the file.
    assert editor_client.get(url).status_code == 200


def test_a_stopping_server_leaves_no_worker_or_browser(
    daphne,
    journey_map,
    editor_session,  # noqa: F811
):
    """A real daphne makes a PDF, then stops (SIGTERM, as a deploy does)."""
    import urllib.request

    cookie = {"Cookie": f"sessionid={editor_session}"}
    url = daphne.url + reverse("maps:export-pdf", args=[journey_map.pk])
    with urllib.request.urlopen(urllib.request.Request(url, headers=cookie), timeout=120) as r:
        assert r.status == 200 and r.read().startswith(b"%PDF")
    family = printshop.descendants(daphne.process.pid)
    assert family, "the PDF was made outside the server process"
    daphne.stop()
    deadline = time.monotonic() + 10
    while any(printshop.alive(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in family if printshop.alive(pid)]


def test_a_job_nobody_waits_for_any_more_is_stopped_while_it_is_made(
    editor_client, journey_map, stages, shop, monkeypatch
):
    shop, _made = shop
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    assert editor_client.get(url).status_code == 200  # the worker is warm
    Card.objects.bulk_create(  # seconds of layout
        Card(journey_map=journey_map, stage=stages[n % 4], lane=Lane.ACTION, text=f"카드 {n}")
        for n in range(1500)
    )
    journey_map.bump()
    monkeypatch.setattr(printshop, "WANTED_FOR", 0.5)
    worker = shop.workers[0]
    before = set(shop.jobs)
    assert editor_client.get(url, **HX).status_code == 202  # asked once, then the tab closed
    [job] = [shop.jobs[key] for key in set(shop.jobs) - before]
    pid = worker.process.pid
    assert job.done.wait(60)
    assert job.state == "failed" and "기다리는 사람이 없어" in job.reason
    assert not printshop.alive(pid)  # stopped mid-render: the worker was killed


def test_a_made_pdf_is_never_handed_to_someone_who_may_not_see_what_it_compares(
    editor_client, workshop, join, shop
):
    """The facilitator compares team A's map with team B's; a member of team A asking the
    same address must not get team B's curve from the cache."""
    a = workshop.teams.get(name="팀 A").journey_map
    b = workshop.teams.get(name="팀 B").journey_map
    url = reverse("maps:compare-pdf", args=[a.pk]) + f"?with=map:{b.pk}"
    assert editor_client.get(url).status_code == 200
    member = join(workshop, "팀 A")
    assert member.get(url).status_code == 404
    assert member.get(url, **HX).status_code == 404


def test_the_workshop_pdf_is_made_again_in_another_language(editor_client, workshop, shop):
    shop, made = shop
    url = reverse("workshops:export-pdf", args=[workshop.pk])
    assert editor_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").status_code == 200
    editor_client.cookies["django_language"] = "en"
    assert editor_client.get(url).status_code == 200
    assert len(made) == 2
