from workshops.presence import Roster


def member(n):
    return {"id": f"c{n}", "name": f"m{n}"}


def test_only_the_lowest_member_welcomes_a_newcomer():
    rosters = [Roster(member(n)) for n in range(3)]
    for roster in rosters:
        for n in range(3):
            roster.hear("here", member(n))
    welcomes = [roster.hear("join", member(9)) for roster in rosters]
    assert welcomes == [True, False, False]
    assert {m["id"] for m in rosters[0].snapshot()} == {"c0", "c1", "c2", "c9"}


def test_a_member_who_left_is_forgotten_and_nobody_welcomes_themself():
    roster = Roster(member(1))
    assert roster.hear("join", member(1)) is False
    roster.hear("join", member(2))
    roster.hear("leave", member(2))
    assert [m["id"] for m in roster.snapshot()] == ["c1"]
