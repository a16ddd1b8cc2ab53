"""Websocket routes. Empty until the live-collaboration issue adds the room consumer."""

websocket_urlpatterns: list = []
