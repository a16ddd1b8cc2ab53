"""The MOT ledger read across maps: touchpoints matched by channel and wording (spaces and case
aside), how often teams flagged them, how each was chosen, where their feeling stood each time,
and the plans made in the same stage of those maps with what came of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from maps.models import ActionPlan, Channel, MotEvent


def match_key(channel: str, text: str) -> tuple[str, str]:
    return channel, " ".join(text.split()).casefold()


@dataclass
class LedgerEntry:
    text: str
    channel: str
    events: list[MotEvent] = field(default_factory=list)
    plans: list[ActionPlan] = field(default_factory=list)

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label) if self.channel in Channel.values else ""

    @property
    def flagged(self) -> list[MotEvent]:
        return [e for e in self.events if e.flagged]

    @property
    def maps(self) -> list[str]:
        return sorted({e.map_title for e in self.events})

    @property
    def hows(self) -> list[tuple[str, int]]:
        counts = Counter(e.get_how_display() for e in self.flagged)
        return counts.most_common()

    @property
    def means(self) -> list[float]:
        """The touchpoint's emotion mean each time it was flagged, oldest first."""
        return [e.emotion_mean for e in self.flagged if e.emotion_mean is not None]

    @property
    def moved(self) -> float | None:
        means = self.means
        return means[-1] - means[0] if len(means) >= 2 else None


def ledger(events, plans=()) -> list[LedgerEntry]:
    """Entries, most often flagged first. `plans`: candidates to attach by map and stage."""
    entries: dict[tuple[str, str], LedgerEntry] = {}
    for event in events:
        key = match_key(event.channel, event.text)
        entry = entries.setdefault(key, LedgerEntry(event.text, event.channel))
        entry.events.append(event)
    places: dict[tuple[int, str], list[ActionPlan]] = {}
    for plan in plans:
        places.setdefault((plan.journey_map_id, plan.opportunity.stage.name), []).append(plan)
    for entry in entries.values():
        seen = {(e.journey_map_id, e.stage_name) for e in entry.events}
        entry.plans = [plan for place in sorted(seen, key=str) for plan in places.get(place, [])]
    return sorted(entries.values(), key=lambda e: (-len(e.flagged), e.text))
