"""What no action can see: rows changed outside the app's own writes (the admin, a shell, a
data migration) still reach the room, as "re-read the board"; a deleted map closes its room;
and a logout reaches that person's open sockets (Django's own signal).

Every write of the app is an action (workshops/actions/) that tells the room what changed;
while one runs, these handlers stay quiet, so nothing is pushed twice.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save

from maps.models import (
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Persona,
    Stage,
    TouchpointFigures,
)
from workshops import broadcast


def _map_ids(instance) -> list[int]:
    if isinstance(instance, JourneyMap):
        return [instance.pk]
    if isinstance(instance, Persona):
        return list(instance.journey_maps.values_list("pk", flat=True)) if instance.pk else []
    return [instance.journey_map_id] if instance.journey_map_id else []


def _changed(sender, instance, **kwargs):
    if broadcast.acting() or kwargs.get("raw"):
        return
    if isinstance(instance, JourneyMap) and kwargs.get("signal") is post_delete:
        return  # its room is closed (_map_deleted)
    for map_id in _map_ids(instance):
        broadcast.map_touched(map_id)


def _map_deleted(sender, instance, **kwargs):
    broadcast.close_room(instance.pk)


def _logged_out(sender, request, user, **kwargs):
    # Sent before the session is flushed: the sockets of this session are told which one
    # ended instead of finding out from the store.
    if user is not None and request.session.session_key:
        broadcast.end_session(f"u{user.pk}", request.session.session_key)


def connect() -> None:
    user_logged_out.connect(_logged_out, dispatch_uid="jm-logout-closes-sockets")
    post_delete.connect(_map_deleted, sender=JourneyMap, dispatch_uid="jm-room-closed")
    for model in (JourneyMap, Persona, Stage, Card, EmotionCard, ActionPlan, TouchpointFigures):
        post_save.connect(_changed, sender=model, dispatch_uid=f"jm-push-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"jm-push-del-{model.__name__}")
