"""How a team prioritises its opportunities besides dots: customer value, business value and
effort, 1–5 each, one row per person per opportunity (maps/scoring.py reads them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from maps.models.cards import Card
from maps.models.journey_map import JourneyMap

SCORE_RANGE = (1, 5)


def _score(label):
    low, high = SCORE_RANGE
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(low), MaxValueValidator(high)]
    )


class OpportunityScore(models.Model):
    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.CASCADE, related_name="scores", editable=False
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="scores")
    # Who scored: the same key as a dot's voter ("p<participant>", "u<user>").
    scorer = models.CharField(max_length=24)
    customer_value = _score(_("customer value"))
    business_value = _score(_("business value"))
    effort = _score(_("effort"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["card", "scorer"], name="one_score_per_person"),
            models.CheckConstraint(
                condition=Q(customer_value__gte=1, customer_value__lte=5)
                & Q(business_value__gte=1, business_value__lte=5)
                & Q(effort__gte=1, effort__lte=5),
                name="scores_between_1_and_5",
                violation_error_message=_("Scores are between 1 and 5."),
            ),
        ]


@dataclass(frozen=True)
class Scored:
    """One opportunity's mean scores, over `count` people."""

    card_id: int
    customer: float
    business: float
    effort: float
    count: int

    @property
    def value(self) -> float:
        return (self.customer + self.business) / 2

    @property
    def value_for_effort(self) -> float:
        return self.value / self.effort


def means(journey_map: JourneyMap) -> dict[int, Scored]:
    """Each scored card's means, in one query."""
    rows = (
        OpportunityScore.objects.filter(journey_map=journey_map, card__private_to="")
        .values("card")
        .annotate(
            customer=Avg("customer_value"),
            business=Avg("business_value"),
            effort=Avg("effort"),
            count=Count("id"),
        )
    )
    return {
        row["card"]: Scored(
            row["card"], row["customer"], row["business"], row["effort"], row["count"]
        )
        for row in rows
    }
