"""Several server processes on one cache folder: a PDF another process is making is waited
for, never made again (nor counted again against the person's export limit); its failure is
told; a process that died leaves nothing in the way (workshops/print_marks.py)."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from django.urls import reverse

from tests.test_printshop import HX
from workshops import print_marks, printshop

# The page's own process orders and reads the map when nobody else has it: committed rows.
pytestmark = pytest.mark.django_db(transaction=True)
MADE_ELSEWHERE = b"%PDF-1.7 made by the other server process"


def key_of(journey_map) -> str:
    journey_map.refresh_from_db()
    return printshop.cache_key("map", *printshop.state_of(journey_map), "", "ko")


def another_process_takes(key: str, **said) -> int:
    """A second open of the mark is what another process would hold (flock is per open);
    what it notes carries the other's process id."""
    fd = print_marks.claim(printshop.cache_dir(), key)
    assert fd is not None
    print_marks.note(fd, {"state": "queued", **said})
    other = json.loads(os.pread(fd, 4096, 0)) | {"pid": os.getpid() + 1}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(other).encode(), 0)
    return fd


def test_the_page_hears_the_other_process_s_progress_then_gets_its_file(
    editor_client, journey_map, shop
):
    shop, made = shop
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    key = key_of(journey_map)
    fd = another_process_takes(key, state="making", started=time.time() - 3)
    asked = editor_client.get(url, **HX)
    assert asked.status_code == 202 and "3초" in asked.content.decode()
    assert print_marks.asked_since(fd) < 1  # asking here keeps it wanted there
    printshop._keep(key, MADE_ELSEWHERE)
    print_marks.release(fd, printshop.cache_dir(), key)
    done = editor_client.get(url, **HX)
    assert done.status_code == 200 and done.content == MADE_ELSEWHERE
    assert made == []  # nothing made here


def test_a_plain_download_waits_for_the_other_process(editor_client, journey_map, shop):
    shop, made = shop
    key = key_of(journey_map)
    fd = another_process_takes(key)

    def finish_there():
        time.sleep(0.5)
        printshop._keep(key, MADE_ELSEWHERE)
        print_marks.release(fd, printshop.cache_dir(), key)

    threading.Thread(target=finish_there).start()
    response = editor_client.get(reverse("maps:export-pdf", args=[journey_map.pk]))
    assert response.status_code == 200 and response.content == MADE_ELSEWHERE
    assert made == []


def test_a_failure_elsewhere_is_told_then_the_next_try_is_made_here(
    editor_client, journey_map, shop, monkeypatch
):
    shop, made = shop
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    key = key_of(journey_map)
    fd = another_process_takes(key)
    failure = "다른 서버에서 시간이 넘어 멈췄습니다"
    print_marks.release(fd, printshop.cache_dir(), key, failure=failure)
    # As the other process left it (release notes this process's id).
    path = printshop.cache_dir() / f".{key}.making"
    path.write_text(json.dumps({"state": "failed", "reason": failure, "pid": os.getpid() + 1}))
    refused = editor_client.get(url, **HX)
    assert refused.status_code == 503 and "다른 서버에서" in refused.content.decode()
    monkeypatch.setattr(print_marks, "FAILURE_SHOWN_FOR", 0)  # told long enough
    response = editor_client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert made == [key]


def test_a_process_that_died_mid_render_leaves_nothing_in_the_way(editor_client, journey_map, shop):
    shop, made = shop
    key = key_of(journey_map)
    fd = another_process_takes(key, state="making", started=time.time())
    os.close(fd)  # what dying does to its lock; the mark file stays, saying "making"
    response = editor_client.get(reverse("maps:export-pdf", args=[journey_map.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert made == [key]
    assert not list(printshop.cache_dir().glob(f".{key}.making"))  # made: no mark left


def test_a_job_stays_wanted_while_the_page_asks_another_process(journey_map):
    key = key_of(journey_map) + "-wanted"
    job = printshop.Job(key, "<p>x</p>", asked=time.monotonic() - printshop.WANTED_FOR - 1)
    job.mark = print_marks.claim(printshop.cache_dir(), key)
    old = time.time() - printshop.WANTED_FOR - 1
    os.utime(job.mark, (old, old))
    assert not job.wanted
    assert print_marks.elsewhere(printshop.cache_dir(), key)["state"] == "queued"
    assert job.wanted  # the other process's question touched the mark
    print_marks.release(job.mark, printshop.cache_dir(), key)


def test_a_mark_caught_half_written_is_progress_not_an_error(editor_client, journey_map, shop):
    shop, made = shop
    key = key_of(journey_map)
    fd = another_process_takes(key)
    os.ftruncate(fd, 0)  # the instant between creating it and writing in it
    asked = editor_client.get(reverse("maps:export-pdf", args=[journey_map.pk]), **HX)
    assert asked.status_code == 202 and "PDF" in asked.content.decode()
    assert made == []
    print_marks.release(fd, printshop.cache_dir(), key)


def test_a_cache_folder_that_refuses_marks_still_makes_the_pdf(
    editor_client, journey_map, shop, monkeypatch
):
    shop, made = shop

    def nowhere(folder, key):  # a folder the marks cannot be written in
        return folder / "not-there" / f".{key}.making"

    monkeypatch.setattr(print_marks, "_path", nowhere)
    response = editor_client.get(reverse("maps:export-pdf", args=[journey_map.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert made == [key_of(journey_map)]
