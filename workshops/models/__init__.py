"""The workshop's models: the workshop itself with its agenda and teams (workshop.py), and the
people in it with their dots (people.py)."""

from workshops.models.people import ONLINE_WITHIN, SEEN_EVERY, Dot, Participant, Undo
from workshops.models.workshop import (
    CODE_ALPHABET,
    CODE_LENGTH,
    JOIN_DAYS,
    MAX_PARTICIPANTS,
    AgendaStep,
    AgendaTemplate,
    Area,
    Team,
    Workshop,
    new_code,
    new_token,
    normalise_code,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "JOIN_DAYS",
    "MAX_PARTICIPANTS",
    "ONLINE_WITHIN",
    "SEEN_EVERY",
    "AgendaStep",
    "AgendaTemplate",
    "Area",
    "Dot",
    "Participant",
    "Team",
    "Undo",
    "Workshop",
    "new_code",
    "new_token",
    "normalise_code",
]
