"""Action plans after the workshop, read the way a manager asks about them: what is overdue,
what is due this week, who owns what, and what came of the finished ones."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from maps.models import ActionPlan

DONE = ActionPlan.Status.DONE


@dataclass
class PlanGroups:
    today: datetime.date
    overdue: list[ActionPlan] = field(default_factory=list)
    this_week: list[ActionPlan] = field(default_factory=list)
    later: list[ActionPlan] = field(default_factory=list)
    undated: list[ActionPlan] = field(default_factory=list)
    done: list[ActionPlan] = field(default_factory=list)
    by_owner: dict[str, list[ActionPlan]] = field(default_factory=dict)

    @classmethod
    def of(cls, plans, today: datetime.date) -> PlanGroups:
        groups = cls(today)
        week_end = today + datetime.timedelta(days=6 - today.weekday())  # up to Sunday
        for plan in sorted(plans, key=_by_date):
            groups.by_owner.setdefault(plan.owner.strip(), []).append(plan)
            if plan.status == DONE:
                groups.done.append(plan)
            elif plan.due_date is None:
                groups.undated.append(plan)
            elif plan.due_date < today:
                groups.overdue.append(plan)
            elif plan.due_date <= week_end:
                groups.this_week.append(plan)
            else:
                groups.later.append(plan)
        return groups

    @property
    def count(self) -> int:
        return sum(len(p) for p in self.by_owner.values())

    @property
    def incomplete(self) -> list[ActionPlan]:
        """Plans without an owner or a due date: nobody will be reminded of them."""
        return [p for plans in self.by_owner.values() for p in plans if not p.is_complete]

    @property
    def owners(self) -> list[tuple[str, list[ActionPlan]]]:
        named = sorted((o, p) for o, p in self.by_owner.items() if o)
        return named + ([("", self.by_owner[""])] if "" in self.by_owner else [])


def _by_date(plan: ActionPlan):
    return (plan.due_date is None, plan.due_date or datetime.date.max, plan.pk)


def open_plans(map_id: int) -> list[ActionPlan]:
    """Last time's plans not done yet, for the map that carries that one on: by due date."""
    plans = (
        ActionPlan.objects.filter(journey_map_id=map_id)
        .exclude(status=DONE)
        .select_related("opportunity__stage", "journey_map")
    )
    return sorted(plans, key=_by_date)
