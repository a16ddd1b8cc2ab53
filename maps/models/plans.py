"""What happens to an action plan after the workshop: its owner's progress notes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from maps.models.cards import ActionPlan
from maps.models.choices import NAME_MAX


class PlanNote(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("progress note"), max_length=1000)
    author_name = models.CharField(max_length=NAME_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return self.text[:60]


class Reminder(models.Model):
    """A reminder sent about a plan: one row per (plan, kind, due date), written before the
    mail goes out, so a job run twice, or again after a restart, sends each reminder once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due tomorrow")
        OVERDUE = "overdue", _("Overdue")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "due_date"], name="one_reminder_each")
        ]
