"""What a map is made of, as choices and limits: map types, lanes, channels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

CARD_TEXT_MAX = 500
NAME_MAX = 100
# What one map may hold. Far above a real workshop (a busy one: ~300 cards), low enough that
# one person cannot make every screen in the room slow: the board, the import, the PDF.
MAX_STAGES, MAX_CARDS, MAX_EMOTION_CARDS = 30, 2000, 5000


class MapType(models.TextChoices):
    CURRENT = "current", _("Current state")
    FUTURE = "future", _("Future state")
    DAY_IN_LIFE = "day_in_life", _("Day in the life")
    BLUEPRINT = "blueprint", _("Service blueprint")


class Lane(models.TextChoices):
    ACTION = "action", _("Customer actions")
    TOUCHPOINT = "touchpoint", _("Touchpoints")
    THOUGHT = "thought", _("Thoughts")
    PAIN_POINT = "pain_point", _("Pain points")
    OPPORTUNITY = "opportunity", _("Opportunities")
    # Backstage lanes, only on service-blueprint maps.
    STAFF = "staff", _("Staff actions")
    SYSTEM = "system", _("Systems")
    POLICY = "policy", _("Policies")
    # A service blueprint's lanes besides the backstage ones (the method's names).
    PHYSICAL = "physical", _("Physical evidence")
    SUPPORT = "support", _("Support processes")
    # A day-in-the-life map's: what happens in the customer's day outside the business.
    OUTSIDE = "outside", _("Outside the business")
    # The catalogue a map may add (JourneyMap.extra_lanes): the sources apply the customer's
    # goals to each stage and read the map for strengths as well as weaknesses.
    GOAL = "goal", _("Customer goal")
    NEEDS = "needs", _("Motivation and information needed")
    STRENGTH = "strength", _("Strengths")
    EVIDENCE = "evidence", _("Evidence and quotes")
    DEPARTMENT = "department", _("Responsible department")
    # Up to five lanes a map names itself (JourneyMap.custom_lanes holds the names).
    CUSTOM1 = "custom1", _("Own lane 1")
    CUSTOM2 = "custom2", _("Own lane 2")
    CUSTOM3 = "custom3", _("Own lane 3")
    CUSTOM4 = "custom4", _("Own lane 4")
    CUSTOM5 = "custom5", _("Own lane 5")
    # Not a row of the grid: the map's unsorted area, where cards are written freely before
    # they are sorted into a stage and lane (a card there has no stage).
    UNSORTED = "unsorted", _("Unsorted")


FRONT_LANES = [Lane.ACTION, Lane.TOUCHPOINT, Lane.THOUGHT, Lane.PAIN_POINT, Lane.OPPORTUNITY]
# Below the line of visibility, on service blueprints only.
BACKSTAGE_LANES = [Lane.STAFF, Lane.SYSTEM, Lane.SUPPORT, Lane.POLICY]
# The front lanes a map type brings with it.
TYPE_LANES = {MapType.BLUEPRINT: [Lane.PHYSICAL], MapType.DAY_IN_LIFE: [Lane.OUTSIDE]}
CATALOGUE_LANES = [Lane.GOAL, Lane.NEEDS, Lane.STRENGTH, Lane.EVIDENCE, Lane.DEPARTMENT]
CUSTOM_LANES = [Lane.CUSTOM1, Lane.CUSTOM2, Lane.CUSTOM3, Lane.CUSTOM4, Lane.CUSTOM5]
CUSTOM_LANE_NAME_MAX = 40
# Where each front lane sits on the board when the map has it.
LANE_ORDER = [
    Lane.PHYSICAL,
    Lane.GOAL,
    Lane.ACTION,
    Lane.TOUCHPOINT,
    Lane.THOUGHT,
    Lane.NEEDS,
    Lane.OUTSIDE,
    Lane.PAIN_POINT,
    Lane.STRENGTH,
    Lane.OPPORTUNITY,
    Lane.EVIDENCE,
    Lane.DEPARTMENT,
    *CUSTOM_LANES,
]


class WorkRole(models.TextChoices):
    """What a participant does at work: the sources want MOTs chosen by those who know the
    customer best, so a curve can be split by it."""

    CS = "cs", _("CS / CX")
    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    PLANNING = "planning", _("Planning")
    DESIGN = "design", _("Design")
    OTHER = "other", _("Other role")


# A facilitator may open further scoring rounds after the discussion; a few are plenty.
MAX_SCORING_ROUNDS = 3


class Channel(models.TextChoices):
    AD = "ad", _("Advertising")
    SOCIAL = "social", _("Social media")
    WEBSITE = "website", _("Website")
    APP = "app", _("App")
    EMAIL = "email", _("E-mail")
    STORE = "store", _("Store")
    CALL_CENTRE = "call_centre", _("Call centre")
    CHAT = "chat", _("Chat")
    DELIVERY = "delivery", _("Delivery")
    REVIEW_SITE = "review_site", _("Review site")
    WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")
