"""Downloading a PDF: the file at once when this state of the document was made before,
otherwise a job for the printshop (workshops/printshop.py) and, while it is made, either
progress (the page's download link asks every second and shows it) or, for a plain download,
the file when it is ready."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maps import pdf
from workshops import printshop
from workshops.access import get_map, limit_heavy, login_required
from workshops.offthread import db_off_thread, then_give_back
from workshops.views.downloads import download, export_name


@dataclass
class Order:
    """What one PDF download asks for: its file name, the key of what it shows, and `read()`,
    called only when no PDF of that state exists (that is where the rate limit counts), which
    returns a picklable function that makes the HTML, called by the printshop's worker. A map
    or a workshop is read there, from its id: a thousand cards' rows, their pickling and a
    quarter of a second of templates cost the server nothing."""

    name: str
    key: str
    read: Callable[[], Callable[[], str]]


async def pdf_download(prepare, request, *args) -> HttpResponse:
    """`prepare(request, *args)` checks access and returns an Order (or a response: not logged
    in); its connection goes back before any waiting."""
    order = await then_give_back(prepare)(request, *args)
    if isinstance(order, HttpResponse):
        return order
    shop = printshop.shop()
    job = shop.job(order.key)
    if job is None:
        if content := printshop.cached(order.key):
            return _file(content, order.name)
        if (answer := await _made_elsewhere(request, order)) is not None:
            return answer
        render = await db_off_thread(order.read)()
        job = shop.order(order.key, (get_language(), render))  # rendered by the worker
    if request.htmx:
        return _progress(shop, job, order)
    return await _wait(shop, job, order)


def _progress(shop, job, order) -> HttpResponse:
    """One answer to the page's question "is it ready?"; asking keeps the job wanted."""
    job.asked = time.monotonic()
    if job.state == "done" and (content := printshop.cached(order.key)):
        return _file(content, order.name)
    if job.state == "failed":
        return _failed(job)
    if job.state == "making":
        return _still(time.monotonic() - job.started)
    return _still(None, shop.ahead_of(job))


def _still(making_for: float | None, ahead: int = 0) -> HttpResponse:
    # Short: it is the download button's own label meanwhile.
    if making_for is not None:
        said = _("PDF: making it, %(seconds)d s") % {"seconds": making_for}
    elif ahead == 0:
        said = _("PDF: starting…")
    else:
        said = ngettext("PDF: %(ahead)d ahead in line", "PDF: %(ahead)d ahead in line", ahead) % {
            "ahead": ahead
        }
    return HttpResponse(
        said, status=202, content_type="text/plain; charset=utf-8", headers={"Retry-After": "1"}
    )


async def _made_elsewhere(request, order) -> HttpResponse | None:
    """Another server process has this PDF in hand (the page's questions may land on any of
    them): its progress or its failure, or for a plain download the file once it is made.
    None when no other process is on it: it is made here."""
    deadline = time.monotonic() + settings.PDF_WAIT
    while (said := printshop.elsewhere(order.key)) is not None:
        if said["state"] == "failed":
            return _refused(said.get("reason", ""))
        if request.htmx:
            started = said.get("started")
            return _still(time.time() - started if started else None)
        if time.monotonic() > deadline:
            return _not_yet()
        await asyncio.sleep(0.2)
        if content := printshop.cached(order.key):
            return _file(content, order.name)
    if content := printshop.cached(order.key):  # made and its mark gone meanwhile
        return _file(content, order.name)
    return None


async def _wait(shop, job, order) -> HttpResponse:
    """A download without the page's script: wait for the file (the job stays wanted while
    this request is open; a closed connection lets it go)."""
    job.waiters += 1
    try:
        deadline = time.monotonic() + settings.PDF_WAIT
        while not job.done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        job.waiters -= 1
        job.asked = time.monotonic()  # a retry within WANTED_FOR finds it still being made
    if job.state == "done" and (content := printshop.cached(order.key)):
        return _file(content, order.name)
    if job.state == "failed":
        return _failed(job)
    return _not_yet()


def _not_yet() -> HttpResponse:
    return HttpResponse(
        _("The PDF is still being made: try again in a moment."),
        status=503,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": "5"},
    )


def _failed(job) -> HttpResponse:
    printshop.shop().forget(job)  # the next click tries again
    return _refused(job.reason)


def _refused(reason: str) -> HttpResponse:
    return HttpResponse(reason, status=503, content_type="text/plain; charset=utf-8")


def _file(content: bytes, name: str) -> HttpResponse:
    return download(content, "application/pdf", name)


@login_required
def _map_order(request, map_id: int) -> Order:
    journey_map = get_map(request, map_id)
    team = request.role.team
    heading = team.heading if team else ""

    def read():
        limit_heavy(request, "pdf")
        return partial(pdf.print_html_of, journey_map.pk, heading)  # read by the PDF worker

    key = printshop.cache_key("map", *printshop.state_of(journey_map), heading, get_language())
    return Order(export_name(journey_map, _("journey map") + ".pdf"), key, read)


@require_GET
async def export_pdf(request, map_id: int):
    return await pdf_download(_map_order, request, map_id)
