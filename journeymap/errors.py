"""The answer when something failed underneath the view.

A database that is unreachable for a moment (a restart, a failover) is not a bug: the view's
transaction rolled back, so nothing was half-saved, and the same request will work again
shortly. It gets 503 with Retry-After and words that say so; live.js then keeps the edit on
screen, marked "not saved", and sends it again by itself (its client_token makes the resend
land once). Anything else is a 500 without a traceback.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

RETRY_AFTER = 3  # seconds


def database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def server_error(request):
    """handler500: Django calls it inside its `except`, so the exception is at hand."""
    if database_down(sys.exc_info()[1]):
        message = _("The database is not reachable right now: nothing was saved. Retrying…")
        headers = {"Retry-After": str(RETRY_AFTER)}
        if request.headers.get("HX-Request"):
            return HttpResponse(message, status=503, content_type="text/plain", headers=headers)
        page = loader.render_to_string("503.html", {"message": message})
        return HttpResponse(page, status=503, headers=headers)
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW. For a person this is nearly always a page left open while they
    signed in or out in another tab (the token changed): say that, and how to go on."""
    message = _(
        "This page is out of date (perhaps you signed in or out in another tab), so nothing "
        "was saved. Reload the page and try again."
    )
    if request.headers.get("HX-Request"):
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = "/"
    return render(request, "403_csrf.html", {"message": message, "back": back}, status=403)
