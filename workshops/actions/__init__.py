"""Every write, as one named function per change (as Zulip's `do_add_reaction`).

An action changes the models inside the caller's transaction (or one of its own), renders
what changed with the same templates the page uses, and tells the room on commit
(`broadcast.tell_room`). It returns what the caller needs to answer: the `Push` (so the
person who made the change gets the very same HTML), and what it created.

Views, management commands and the import call these; nothing else writes. Actions take
plain values, already validated (by the domain's forms), and an `Author`; who may call them is
the views' business (workshops/access.py).

- `cards`: cards, emotion cards, action plans, dots, private cards.
- `maps`: a map's details, persona and stages; new and imported maps, versions, links.
- `facilitation`: the workshop and its agenda, clock, room controls, votes and people.
"""
