from django.urls import path

from workshops.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/maps/<int:map_id>/", RoomConsumer.as_asgi()),
]
