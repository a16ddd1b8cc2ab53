from django.urls import path

from workshops.consumers import RoomConsumer
from workshops.protocol import SOCKET_ROUTE

websocket_urlpatterns = [
    path(SOCKET_ROUTE, RoomConsumer.as_asgi()),
]
