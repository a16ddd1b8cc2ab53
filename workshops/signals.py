"""Changes made outside the board views (admin, management commands) reach the room too,
and a logout reaches that person's open sockets."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Persona, Stage
from workshops.broadcast import map_touched, recheck_member, send


def _map_ids(instance) -> list[int]:
    if isinstance(instance, JourneyMap):
        return [instance.pk]
    if isinstance(instance, Persona):
        return list(instance.journey_maps.values_list("pk", flat=True)) if instance.pk else []
    return [instance.journey_map_id] if instance.journey_map_id else []


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw") or (
        isinstance(instance, JourneyMap) and kwargs.get("signal") is post_delete
    ):
        return
    for map_id in _map_ids(instance):
        map_touched(map_id)


def _map_deleted(sender, instance, **kwargs):
    map_id = instance.pk
    transaction.on_commit(lambda: send(map_id, {"type": "room.closed"}))


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        recheck_member(f"u{user.pk}")  # the session is gone: each socket finds that out


def connect() -> None:
    user_logged_out.connect(_logged_out, dispatch_uid="jm-logout-closes-sockets")
    post_delete.connect(_map_deleted, sender=JourneyMap, dispatch_uid="jm-room-closed")
    for model in (JourneyMap, Persona, Stage, Card, EmotionCard, ActionPlan):
        post_save.connect(_changed, sender=model, dispatch_uid=f"jm-push-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"jm-push-del-{model.__name__}")
