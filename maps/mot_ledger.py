"""The MOT ledger read across maps: touchpoints matched by channel and wording (spaces and case
aside), how often teams flagged them, how each was chosen, where their feeling stood each time,
and the plans made in the same stage of those maps with what came of them. A facilitator can
confirm a match or split it back into one entry per map (MotMatch)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from maps.models import CARD_TEXT_MAX, ActionPlan, Channel, MotEvent, MotMatch


def match_key(channel: str, text: str) -> tuple[str, str]:
    # casefold can lengthen a text ("ß" → "ss"): cut to what the key column holds.
    return channel, " ".join(text.split()).casefold()[:CARD_TEXT_MAX]


@dataclass
class LedgerEntry:
    text: str
    channel: str
    events: list[MotEvent] = field(default_factory=list)
    plans: list[ActionPlan] = field(default_factory=list)
    # The facilitator's word on this match (MotMatch), if any; a split entry is one map's.
    decision: MotMatch | None = None

    @property
    def key(self) -> tuple[str, str]:
        return match_key(self.channel, self.text)

    @property
    def is_match(self) -> bool:
        """Touchpoints of more than one map counted as one: a match to confirm or split."""
        return len({e.journey_map_id for e in self.events}) > 1

    @property
    def is_split(self) -> bool:
        return self.decision is not None and self.decision.decision == MotMatch.Decision.SPLIT

    @property
    def is_confirmed(self) -> bool:
        return self.decision is not None and self.decision.decision == MotMatch.Decision.CONFIRMED

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


def ledger(events, plans=(), decisions=()) -> list[LedgerEntry]:
    """Entries, most often flagged first. `plans`: candidates to attach by map and stage;
    `decisions`: MotMatch rows (a split match becomes one entry per map)."""
    decided = {(d.channel, d.text_key): d for d in decisions}
    entries: dict[tuple, LedgerEntry] = {}
    for event in events:
        key = match_key(event.channel, event.text)
        decision = decided.get(key)
        split = decision is not None and decision.decision == MotMatch.Decision.SPLIT
        place = (*key, event.journey_map_id) if split else key
        entry = entries.setdefault(place, LedgerEntry(event.text, event.channel, decision=decision))
        entry.events.append(event)
    places: dict[tuple[int, str], list[ActionPlan]] = {}
    for plan in plans:
        places.setdefault((plan.journey_map_id, plan.opportunity.stage.name), []).append(plan)
    for entry in entries.values():
        seen = {(e.journey_map_id, e.stage_name) for e in entry.events}
        entry.plans = [plan for place in sorted(seen, key=str) for plan in places.get(place, [])]
    return sorted(entries.values(), key=lambda e: (-len(e.flagged), e.text))


def decide(channel: str, text: str, decision: str, *, by_name: str) -> None:
    """Confirm or split the match of `channel` and `text`; "" takes the word back."""
    channel, text_key = match_key(channel, text)
    if not decision:
        MotMatch.objects.filter(channel=channel, text_key=text_key).delete()
        return
    MotMatch.objects.update_or_create(
        channel=channel, text_key=text_key, defaults={"decision": decision, "by_name": by_name}
    )
