"""GET /healthz for load balancers: the database and the channel layer, each checked for real."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy"; the reason goes to the log
        log.warning("healthz: database check failed: %r", exc)
        return "unavailable"
    return "ok"


async def _round_trip() -> bool:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    return message.get("type") == "healthz.ping"


def check_channel_layer() -> str:
    try:
        ok = async_to_sync(_round_trip)()
    except Exception as exc:
        log.warning("healthz: channel layer check failed: %r", exc)
        return "unavailable"
    return "ok" if ok else "unavailable"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "channel_layer": check_channel_layer()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
