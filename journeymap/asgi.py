"""ASGI entry point: HTTP through Django, websockets through Channels (served by daphne)."""

import gc
import os
import threading

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
# Django must be set up before anything imports models (consumers, routing).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from journeymap import body_guard, frame_guard  # noqa: E402
from maps import charts  # noqa: E402
from workshops.routing import websocket_urlpatterns  # noqa: E402

frame_guard.install()
body_guard.install()


def _warm_up():
    # The first curve a process draws loads matplotlib and its fonts: do it beside serving.
    charts.warm_up()
    # What is loaded by now lives as long as the process: keep it out of the collector's
    # sight. Each full collection walked all of Django and matplotlib, 60-125 ms with the
    # interpreter held, in the middle of someone's edit (benchmarks/README.md, "Big rooms").
    gc.freeze()
    # What a room's sockets hold still made a full collection 15-25 ms, every few seconds
    # while 300 people were in a room: one tenth as often (cycles of garbage wait longer).
    threshold0, threshold1, _threshold2 = gc.get_threshold()
    gc.set_threshold(threshold0, threshold1, 100)


threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The session only: who it belongs to is read by the room socket's access check, on
        # a worker thread (workshops/guards.py), not by Channels' auth on the shared one.
        "websocket": AllowedHostsOriginValidator(
            SessionMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
