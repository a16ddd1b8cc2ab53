"""The customer journey map: persona, map, stages, cards, emotion cards, action plans.

Every term follows ../shared/DOMAIN.md. Ordering rules (dense positions) and the rule that
nothing points across maps live on the models, so the board, the admin and management
commands all go through them.
"""

from maps.models.cards import ActionPlan, Card, CrossMapError, EmotionCard, check_stage_in_map
from maps.models.choices import (
    BACKSTAGE_LANES,
    CARD_TEXT_MAX,
    CATALOGUE_LANES,
    CUSTOM_LANE_NAME_MAX,
    CUSTOM_LANES,
    FRONT_LANES,
    MAX_CARDS,
    MAX_EMOTION_CARDS,
    MAX_SCORING_ROUNDS,
    MAX_STAGES,
    NAME_MAX,
    Channel,
    Lane,
    MapType,
    WorkRole,
)
from maps.models.figures import SCALE_NOTE, Scale, Source, TouchpointFigures, measured_score
from maps.models.journey_map import (
    PUBLIC_EMOTIONS,
    JourneyMap,
    JourneyMapQuerySet,
    MapVersion,
    Persona,
    PublicManager,
    Stage,
    StageQuerySet,
    new_view_token,
)
from maps.models.ledger import MotEvent, MotMatch
from maps.models.plans import PlanNote, Reminder
from maps.models.scores import SCORE_RANGE, OpportunityScore

__all__ = [
    "SCORE_RANGE",
    "OpportunityScore",
    "BACKSTAGE_LANES",
    "CARD_TEXT_MAX",
    "CATALOGUE_LANES",
    "CUSTOM_LANE_NAME_MAX",
    "CUSTOM_LANES",
    "FRONT_LANES",
    "MAX_CARDS",
    "MAX_EMOTION_CARDS",
    "MAX_SCORING_ROUNDS",
    "MAX_STAGES",
    "NAME_MAX",
    "PUBLIC_EMOTIONS",
    "SCALE_NOTE",
    "ActionPlan",
    "Card",
    "Channel",
    "CrossMapError",
    "EmotionCard",
    "JourneyMap",
    "JourneyMapQuerySet",
    "Lane",
    "MapType",
    "MapVersion",
    "MotEvent",
    "MotMatch",
    "Persona",
    "PlanNote",
    "Reminder",
    "Scale",
    "Source",
    "TouchpointFigures",
    "PublicManager",
    "Stage",
    "StageQuerySet",
    "WorkRole",
    "check_stage_in_map",
    "measured_score",
    "new_view_token",
]
