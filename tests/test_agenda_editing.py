"""Any agenda: steps added, removed and reordered from the console (also while the workshop
runs, with every room bar following), agendas saved as templates and built-in ones to start
from, and the projector screen for the whole room."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from workshops.models import AgendaTemplate, Participant, Workshop

pytestmark = pytest.mark.django_db

HTMX = {"headers": {"HX-Request": "true"}}


def post(client, name, workshop, *args, **data):
    return client.post(reverse(f"workshops:{name}", args=[workshop.pk, *args]), data, **HTMX)


def titles(workshop) -> list[str]:
    return list(workshop.steps.values_list("title", flat=True))


def current_title(workshop) -> str:
    workshop = Workshop.objects.prefetch_related("steps").get(pk=workshop.pk)
    return workshop.step.title


def create(client, **fields) -> Workshop:
    data = {"title": "안건 워크숍", "date": "2026-12-03", "teams": "1팀", "preset": "aida"}
    response = client.post(reverse("workshops:list"), data | fields, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302, response.content.decode()[:800]
    return Workshop.objects.latest("pk")


@pytest.mark.parametrize(
    "choice, minutes",
    [
        ("built-in:standard", [25, 25, 20, 15]),
        ("built-in:compact", [10, 25, 15, 10]),
        ("built-in:practice", [10, 25, 25, 20, 15]),
    ],
)
def test_a_new_workshop_starts_from_a_built_in_agenda_in_korean(editor_client, choice, minutes):
    workshop = create(editor_client, agenda=choice)
    assert [s.minutes for s in workshop.steps.all()] == minutes
    assert "주제와 페르소나" in titles(workshop)
    assert all(re.search("[가-힣]", t) for t in titles(workshop))
    if choice == "built-in:compact":
        assert sum(minutes) == 60
    if choice == "built-in:practice":
        assert workshop.steps.first().areas == ["thought", "emotion"]


def test_the_form_offers_the_built_in_and_the_saved_agendas(editor_client, editor):
    AgendaTemplate.objects.create(name="우리 팀 안건", steps=[], created_by=editor)
    html = editor_client.get(reverse("workshops:list"), HTTP_ACCEPT_LANGUAGE="ko").content
    html = html.decode()
    for value in ("built-in:standard", "built-in:compact", "built-in:practice"):
        assert f'value="{value}"' in html
    assert "우리 팀 안건" in html


def test_a_step_is_added_at_the_end_while_the_workshop_runs_and_every_room_bar_counts_it(
    workshop, editor_client, sent, django_capture_on_commit_callbacks
):
    workshop.start()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            editor_client,
            "step-add",
            workshop,
            **{"new-title": "도구 실습", "new-minutes": "7", "new-areas": ["thought"]},
        )
    assert response.status_code == 200
    added = workshop.steps.last()
    assert (added.title, added.minutes, added.areas, added.position) == (
        "도구 실습",
        7,
        ["thought"],
        4,
    )
    assert len(sent) == 2  # one room bar per team
    assert all("1 of 5" in m["html"] or "5단계 중 1" in m["html"] for m in sent)


def test_a_step_that_is_not_a_step_is_refused_with_its_errors(workshop, editor_client):
    before = titles(workshop)
    response = post(editor_client, "step-add", workshop, **{"new-title": "", "new-minutes": "0"})
    assert response.status_code == 422
    assert 'id="agenda"' in response.content.decode()
    assert "1 to 240" in response.content.decode() or "240" in response.content.decode()
    assert titles(workshop) == before


def test_moving_the_running_step_keeps_it_running(
    workshop, editor_client, sent, django_capture_on_commit_callbacks
):
    workshop.go_to_step(1)
    running = current_title(workshop)
    step = workshop.steps.get(position=1)
    with django_capture_on_commit_callbacks(execute=True):
        post(editor_client, "step-move", workshop, step.pk, direction="up")
    workshop.refresh_from_db()
    assert workshop.step_index == 0
    assert current_title(workshop) == running
    assert titles(workshop)[0] == running
    assert len(sent) == 2 and all(running in m["html"] for m in sent)
    # Moving a step past the running one moves the running one's number instead.
    last = workshop.steps.get(position=3)
    post(editor_client, "step-move", workshop, last.pk, direction="up")
    post(editor_client, "step-move", workshop, last.pk, direction="up")
    post(editor_client, "step-move", workshop, last.pk, direction="up")
    workshop.refresh_from_db()
    assert titles(workshop)[0] == last.title
    assert workshop.step_index == 1 and current_title(workshop) == running


def test_moving_past_either_end_changes_nothing(workshop, editor_client):
    before = titles(workshop)
    first, last = workshop.steps.first(), workshop.steps.last()
    assert post(editor_client, "step-move", workshop, first.pk, direction="up").status_code == 200
    assert post(editor_client, "step-move", workshop, last.pk, direction="down").status_code == 200
    post(editor_client, "step-move", workshop, first.pk, direction="sideways")
    assert titles(workshop) == before


def test_removing_a_step_before_the_running_one_keeps_the_running_one(workshop, editor_client):
    workshop.go_to_step(2)
    running = current_title(workshop)
    first = workshop.steps.first()
    assert post(editor_client, "step-remove", workshop, first.pk).status_code == 200
    workshop.refresh_from_db()
    assert workshop.step_index == 1 and current_title(workshop) == running
    assert list(workshop.steps.values_list("position", flat=True)) == [0, 1, 2]


def test_the_running_step_and_the_last_step_cannot_be_removed(workshop, editor_client):
    workshop.go_to_step(1)
    running = workshop.steps.get(position=1)
    response = post(editor_client, "step-remove", workshop, running.pk)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/plain")
    assert "running" in response.content.decode() or "진행 중" in response.content.decode()
    assert workshop.steps.count() == 4
    workshop.steps.exclude(pk=running.pk).delete()
    running.position = 0
    running.save()
    workshop.go_to_step(0)
    response = post(editor_client, "step-remove", workshop, running.pk)
    assert response.status_code == 422
    assert workshop.steps.count() == 1


def test_an_agenda_has_at_most_twelve_steps(workshop, editor_client):
    for i in range(8):
        post(editor_client, "step-add", workshop, **{"new-title": f"단계 {i}", "new-minutes": "5"})
    assert workshop.steps.count() == 12
    response = post(
        editor_client, "step-add", workshop, **{"new-title": "하나 더", "new-minutes": "5"}
    )
    assert response.status_code == 422
    assert workshop.steps.count() == 12
    console = editor_client.get(reverse("workshops:console", args=[workshop.pk])).content
    assert reverse("workshops:step-add", args=[workshop.pk]) not in console.decode()


def test_an_agenda_saved_as_a_template_starts_a_new_workshop(workshop, editor_client, editor):
    workshop.steps.filter(position=3).update(title="발표와 공유", minutes=12)
    response = post(editor_client, "agenda-save", workshop, **{"template-name": "우리 안건"})
    assert response.status_code == 200
    assert "우리 안건" in response.content.decode()
    template = AgendaTemplate.objects.get()
    assert (template.name, template.created_by, template.minutes) == ("우리 안건", editor, 82)
    again = post(editor_client, "agenda-save", workshop, **{"template-name": "우리 안건"})
    assert again.status_code == 422 and AgendaTemplate.objects.count() == 1
    new = create(editor_client, agenda=f"saved:{template.pk}")
    assert titles(new) == titles(workshop)
    assert [s.minutes for s in new.steps.all()] == [25, 25, 20, 12]
    # Changing the new workshop's agenda leaves the template alone.
    post(editor_client, "step-remove", new, new.steps.last().pk)
    template.refresh_from_db()
    assert len(template.steps) == 4


def test_a_deleted_template_is_refused_in_words_and_workshops_keep_their_steps(
    workshop, editor_client
):
    post(editor_client, "agenda-save", workshop, **{"template-name": "지울 안건"})
    template = AgendaTemplate.objects.get()
    made = create(editor_client, agenda=f"saved:{template.pk}")
    response = editor_client.post(reverse("workshops:agenda-delete", args=[template.pk]))
    assert response.status_code == 302 and not AgendaTemplate.objects.exists()
    assert made.steps.count() == 4
    data = {"title": "다음", "date": "2026-12-03", "teams": "1팀", "preset": "aida"}
    refused = editor_client.post(
        reverse("workshops:list"), data | {"agenda": f"saved:{template.pk}"}
    )
    assert refused.status_code == 422
    assert Workshop.objects.count() == 2
    for junk in ("saved:abc", "built-in:nothing", "x" * 500):
        assert (
            editor_client.post(reverse("workshops:list"), data | {"agenda": junk}).status_code
            == 422
        )
    assert Workshop.objects.count() == 2


def test_only_facilitators_delete_a_saved_agenda(workshop, editor, join):
    template = AgendaTemplate.objects.create(name="안건", steps=[], created_by=editor)
    url = reverse("workshops:agenda-delete", args=[template.pk])
    member = join(workshop, "팀 A")
    assert member.post(url).status_code == 404
    assert Client().post(url).status_code in (302, 401)
    assert AgendaTemplate.objects.filter(pk=template.pk).exists()


# The projector ---------------------------------------------------------------------------------


def projector(client, workshop) -> str:
    response = client.get(reverse("workshops:screen-state", args=[workshop.pk]), **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_before_the_start_the_projector_shows_the_join_code(workshop, editor_client):
    html = editor_client.get(reverse("workshops:screen", args=[workshop.pk])).content.decode()
    assert workshop.code_display in html
    assert 'hx-trigger="every 2s"' in html
    assert "data-seconds-left" not in html


def test_the_projector_shows_the_step_its_instructions_what_is_open_and_the_clock(
    workshop, editor_client, join
):
    workshop.go_to_step(1)
    step = workshop.steps.get(position=1)
    html = projector(editor_client, workshop)
    assert step.title in html and step.instructions in html
    assert re.search(r'data-seconds-left="(1[45]\d\d)"', html)  # 25 minutes, a moment ago
    assert "data-running" in html
    # Said before it happens (the stylesheet shows it at zero).
    assert "Time is up" in html or "시간이 다 됐어요" in html
    assert html.count('class="chip"') == len(step.areas) == 9
    assert workshop.code_display in html  # latecomers can still join
    workshop.pause()
    assert "data-running" not in projector(editor_client, workshop)


def test_the_projector_and_the_console_say_when_every_team_is_done(workshop, editor_client, join):
    join(workshop, "팀 A", "에이")
    join(workshop, "팀 B", "비")
    workshop.start()
    teams_url = reverse("workshops:teams", args=[workshop.pk])
    assert "data-all-ready" not in projector(editor_client, workshop)
    Participant.objects.filter(display_name="에이").update(ready_step=0)
    html = projector(editor_client, workshop)
    assert "data-all-ready" not in html and "1/1" in html and "0/1" in html
    assert "data-all-ready" not in editor_client.get(teams_url).content.decode()
    Participant.objects.update(ready_step=0)
    assert "data-all-ready" in projector(editor_client, workshop)
    console = editor_client.get(teams_url).content.decode()
    assert "data-all-ready" in console and console.count('data-testid="team-ready"') == 2


def test_the_projector_is_the_facilitator_s(workshop, join):
    member = join(workshop, "팀 A")
    for name in ("screen", "screen-state"):
        assert member.get(reverse(f"workshops:{name}", args=[workshop.pk])).status_code == 404


def test_done_follows_its_step_when_steps_move_and_is_dropped_with_a_removed_step(
    workshop, editor_client, join
):
    join(workshop, "팀 A", "에이")
    join(workshop, "팀 B", "비")
    workshop.go_to_step(1)
    first, running = workshop.steps.get(position=0), workshop.steps.get(position=1)
    Participant.objects.filter(display_name="에이").update(ready_step=1)  # done with step 2
    Participant.objects.filter(display_name="비").update(ready_step=0)  # done with step 1 once
    post(editor_client, "step-move", workshop, running.pk, direction="up")
    ready = dict(Participant.objects.values_list("display_name", "ready_step"))
    assert ready == {"에이": 0, "비": 1}  # both still done with the step they said
    html = projector(editor_client, workshop)
    assert "1/1" in html and "0/1" in html  # 에이 is done with the running step, 비 is not
    post(editor_client, "step-remove", workshop, first.pk)
    ready = dict(Participant.objects.values_list("display_name", "ready_step"))
    assert ready == {"에이": 0, "비": None}


def test_a_closed_workshop_s_agenda_is_refused_in_words_and_unchanged(workshop, editor_client):
    before = titles(workshop)
    Workshop.objects.filter(pk=workshop.pk).update(closed_at="2026-12-01T10:00:00Z")
    step = workshop.steps.first()
    response = post(editor_client, "step-remove", workshop, step.pk)
    assert response.status_code == 422 and "종료" in response.content.decode()
    response = post(editor_client, "step-add", workshop, **{"new-title": "더", "new-minutes": "5"})
    assert response.status_code == 422
    assert titles(workshop) == before
