"""What the records say about a touchpoint, beside what the team feels: response time against
its target, satisfaction, complaints and their kinds, drop-off, and where the figures came
from and for which period. All optional: a team writes what it has.

`measured_score` puts the figures on the emotion cards' −2…+2 scale, so the two can be drawn
on one chart and compared; SCALE_NOTE says how, in words, wherever that line is shown.
"""

from __future__ import annotations

import math
import statistics
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maps.models.cards import Card, CrossMapError
from maps.models.choices import NAME_MAX, Lane
from maps.models.journey_map import JourneyMap


class Source(models.TextChoices):
    CS = "cs", _("CS inquiries")
    INTERVIEWS = "interviews", _("Interviews")
    OBSERVATION = "observation", _("Observation")
    SURVEY = "survey", _("Survey")
    ANALYTICS = "analytics", _("Analytics")
    OTHER = "other", _("Other")


class Scale(models.TextChoices):
    PERCENT = "percent", _("CSAT %")
    MEAN5 = "mean5", _("Mean of 1–5")


def _decimal(label, high):
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(high))],
    )


class TouchpointFigures(models.Model):
    touchpoint = models.OneToOneField(
        Card,
        on_delete=models.CASCADE,
        related_name="figures",
        limit_choices_to={"lane": Lane.TOUCHPOINT},
    )
    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.CASCADE, related_name="figures", editable=False
    )
    response_hours = _decimal(_("response time (hours)"), 100_000)
    response_target_hours = _decimal(_("response target (hours)"), 100_000)
    satisfaction = _decimal(_("satisfaction"), 100)
    satisfaction_scale = models.CharField(
        _("satisfaction scale"), max_length=10, choices=Scale.choices, default=Scale.PERCENT
    )
    satisfaction_target = _decimal(_("satisfaction target"), 100)
    complaints = models.PositiveIntegerField(
        _("complaints"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    complaint_types = models.CharField(
        _("main complaint types"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated, e.g. 결제 오류, 인증 지연"),
    )
    drop_off = _decimal(_("drop-off (%)"), 100)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    updated_by_name = models.CharField(max_length=NAME_MAX, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS = [
        "response_hours",
        "response_target_hours",
        "satisfaction",
        "satisfaction_scale",
        "satisfaction_target",
        "complaints",
        "complaint_types",
        "drop_off",
        "source",
        "measured_on",
        "period_start",
        "period_end",
    ]

    class Meta:
        verbose_name = _("touchpoint figures")
        verbose_name_plural = _("touchpoint figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction_scale="percent")
                | Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="figures_mean5_between_1_and_5",
                violation_error_message=_("A mean of 1–5 is between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="figures_period_in_order",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.touchpoint}: {self.summary()}"

    def clean(self) -> None:
        """The constraints' rules too, in Python: an import checks every row before saving."""
        super().clean()
        mean5 = self.satisfaction_scale == Scale.MEAN5 and self.satisfaction is not None
        if mean5 and not 1 <= self.satisfaction <= 5:
            raise ValidationError({"satisfaction": _("A mean of 1–5 is between 1 and 5.")})
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": _("The period ends before it starts.")})
        touchpoint = self.touchpoint
        if touchpoint.lane != Lane.TOUCHPOINT:
            raise CrossMapError(_("Figures belong to touchpoints."))
        if self.journey_map_id and touchpoint.journey_map_id != self.journey_map_id:
            raise CrossMapError(_("That touchpoint belongs to another map."))

    def save(self, *args, **kwargs):
        if not self.journey_map_id:
            self.journey_map_id = self.touchpoint.journey_map_id
        self.clean()
        super().save(*args, **kwargs)

    @property
    def is_empty(self) -> bool:
        return all(
            getattr(self, name) in (None, "")
            for name in self.FIELDS
            if name not in ("satisfaction_scale",)
        )

    @property
    def tags(self) -> list[str]:
        return [t.strip() for t in self.complaint_types.split(",") if t.strip()]

    def summary(self) -> str:
        """One short line for a card: 응답 31h/24h · 만족 62% · 불만 41 · 이탈 18%. Words, not
        a stopwatch emoji: on paper that came from the colour emoji font (a Type 3 font)."""
        parts = []
        if self.response_hours is not None:
            target = f"/{_num(self.response_target_hours)}h" if self.response_target_hours else ""
            parts.append(" ".join([str(_("response")), f"{_num(self.response_hours)}h{target}"]))
        if self.satisfaction is not None:
            unit = "%" if self.satisfaction_scale == Scale.PERCENT else "/5"
            parts.append(" ".join([str(_("CSAT")), _num(self.satisfaction) + unit]))
        if self.complaints is not None:
            parts.append(" ".join([str(_("complaints")), str(self.complaints)]))
        if self.drop_off is not None:
            parts.append(" ".join([str(_("drop-off")), _num(self.drop_off) + "%"]))
        return " · ".join(str(p) for p in parts)


def _num(value) -> str:
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:.1f}"


# From figures to the −2…+2 scale --------------------------------------------------------------

SCALE_NOTE = _(
    "Measured, on the same −2…+2 scale: the mean of what a touchpoint has of satisfaction "
    "(50% or 3 of 5 = 0, 100% or 5 = +2), response time against its target (on target = 0, "
    "twice the target = −2), drop-off (25% = 0, 50% = −2) and complaints against the map's "
    "median (the median = 0, twice it = −2)."
)


def _clamp(value: float) -> float:
    return max(-2.0, min(2.0, value))


def measured_score(figures: dict, complaints_median: float | None) -> float | None:
    """Figures as a score of −2…+2 (None when there is nothing to score). `figures` holds the
    model's fields as numbers; the complaints count only means something against the map."""
    parts = []
    satisfaction = figures.get("satisfaction")
    if satisfaction is not None:
        if figures.get("satisfaction_scale") == Scale.MEAN5:
            parts.append(_clamp(float(satisfaction) - 3))
        else:
            parts.append(_clamp((float(satisfaction) - 50) / 25))
    hours, target = figures.get("response_hours"), figures.get("response_target_hours")
    if hours is not None and target:
        ratio = max(float(hours), 0.01) / float(target)
        parts.append(_clamp(-2 * math.log2(ratio)))
    drop_off = figures.get("drop_off")
    if drop_off is not None:
        parts.append(_clamp(2 - float(drop_off) / 12.5))
    complaints = figures.get("complaints")
    if complaints is not None and complaints_median:
        parts.append(_clamp(-2 * math.log2(max(complaints, 0.5) / complaints_median)))
    return round(statistics.fmean(parts), 2) if parts else None
