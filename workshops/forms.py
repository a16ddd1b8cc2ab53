"""Forms of the facilitator console and of joining a workshop."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maps import examples, importing, portable, presets
from maps.models import NAME_MAX, JourneyMap, Lane, MapType, WorkRole
from workshops import agenda as agendas
from workshops.models import (
    CODE_LENGTH,
    MAX_PARTICIPANTS,
    AgendaStep,
    AgendaTemplate,
    Area,
    Participant,
    Team,
    Workshop,
)

MAX_TEAMS = 12


class WorkshopCreateForm(forms.ModelForm):
    teams = forms.CharField(
        label=_("Teams"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="1팀\n2팀",
        help_text=_("One team per line; each team gets its own map."),
    )
    preset = forms.ChoiceField(
        label=_("Stages of every team's map"), choices=presets.choices, initial="funnel"
    )
    start_from = forms.ChoiceField(
        label=_("Start every team's map from"),
        required=False,
        help_text=_("Persona, scenario and stages are copied; the cards too if you tick below."),
    )
    with_cards = forms.BooleanField(
        label=_("Copy the cards too (actions, touchpoints, emotion cards, plans)"), required=False
    )
    map_type = forms.ChoiceField(
        label=_("Map type"), choices=MapType.choices, initial="current", required=False
    )
    agenda = forms.ChoiceField(
        label=_("Agenda"),
        choices=agendas.choices,
        initial=f"built-in:{agendas.DEFAULT}",
        required=False,  # none chosen: the built-in default
        help_text=_("You can add, remove, reorder and change steps on the console, also later."),
    )

    class Meta:
        model = Workshop
        fields = ["title", "date"]
        widgets = {
            "title": forms.TextInput(attrs={"autofocus": True}),
            "date": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date < timezone.localdate() - datetime.timedelta(days=365):
            raise forms.ValidationError(_("That date is more than a year ago."))
        return date

    def clean_teams(self) -> list[str]:
        names = [" ".join(line.split()) for line in self.cleaned_data["teams"].splitlines()]
        names = [name for name in names if name]
        if not names:
            raise forms.ValidationError(_("Name at least one team."))
        if len(names) > MAX_TEAMS:
            raise forms.ValidationError(
                _("At most %(max)d teams in one workshop.") % {"max": MAX_TEAMS}
            )
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Two teams have the same name."))
        if any(len(name) > NAME_MAX for name in names):
            raise forms.ValidationError(
                _("A team name has at most %(max)d characters.") % {"max": NAME_MAX}
            )
        return names

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        maps = JourneyMap.objects.order_by("-updated_at").values_list("pk", "title")[:100]
        self.fields["start_from"].choices = [
            ("", _("The stages chosen above, nothing else")),
            (_("Examples"), [(f"example:{e.slug}", e.map["title"]) for e in examples.catalogue()]),
            (_("Maps"), [(f"map:{pk}", title) for pk, title in maps]),
        ]

    def clean(self):
        data = super().clean()
        start, with_cards = data.pop("start_from", ""), data.pop("with_cards", False)
        data["source"], data["continues"] = None, None
        if start.startswith("example:"):
            data["source"] = examples.as_of_today(
                examples.get(start.partition(":")[2]), with_cards=with_cards
            )
        elif start.startswith("map:"):
            journey_map = JourneyMap.objects.filter(pk=int(start.partition(":")[2])).first()
            if journey_map is None:
                raise forms.ValidationError(_("That map is gone; choose another."))
            data["source"], data["continues"] = portable.dump(journey_map), journey_map.pk
            _as_a_fresh_start(data["source"], with_cards=with_cards)
        if data["source"] is not None and data.get("map_type"):
            trial = {**data["source"], "map": {**data["source"]["map"], "title": "-"}}
            trial["map"]["map_type"] = data["map_type"]
            try:
                importing.check(trial)
            except importing.ImportProblem as problem:
                raise forms.ValidationError(
                    _("That map cannot be copied as this map type: %(problem)s")
                    % {"problem": problem}
                ) from problem
        return data

    def clean_agenda(self) -> list[dict]:
        steps = agendas.steps_for(self.cleaned_data["agenda"] or f"built-in:{agendas.DEFAULT}")
        if steps is None:
            raise forms.ValidationError(_("That agenda is no longer saved; choose another."))
        return steps


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=CODE_LENGTH * 3,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABC 234",
                "class": "code-input",
            }
        ),
    )


class JoinForm(forms.ModelForm):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Put me in a team"),
    )

    class Meta:
        model = Participant
        fields = ["display_name", "organisation", "role", "team"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autofocus": True, "autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["team"].queryset = workshop.teams.all()
        self.fields["role"].choices = [("", _("Rather not say")), *WorkRole.choices]

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Write the name others will see."))
        return name

    def clean(self):
        data = super().clean()
        if self.workshop.participants.filter(removed_at=None).count() >= MAX_PARTICIPANTS:
            raise forms.ValidationError(
                _("This workshop is full (%(n)d people). Ask the facilitator.")
                % {"n": MAX_PARTICIPANTS}
            )
        return data


class StepForm(forms.ModelForm):
    areas = forms.MultipleChoiceField(
        label=_("Open for writing"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AgendaStep
        fields = ["title", "minutes", "instructions", "areas"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 2})}

    def clean_minutes(self) -> int:
        minutes = self.cleaned_data["minutes"]
        if not 1 <= minutes <= 240:
            raise forms.ValidationError(_("A step lasts 1 to 240 minutes."))
        return minutes


class AgendaTemplateForm(forms.ModelForm):
    class Meta:
        model = AgendaTemplate
        fields = ["name"]
        labels = {"name": _("Save this agenda as")}
        error_messages = {
            "name": {"unique": _("An agenda with this name is saved already; choose another.")}
        }


class StepMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


class ExtendForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=60, initial=5)


class StepChoiceForm(forms.Form):
    step = forms.IntegerField(min_value=0)


class GoForm(forms.Form):
    """Where the facilitator sends everyone: their own map, the gallery, or one team's map
    in presentation (`team:<id>`)."""

    where = forms.CharField(max_length=40)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop

    def clean_where(self) -> str:
        where = self.cleaned_data["where"]
        if where in ("own", "gallery"):
            return where
        kind, _sep, pk = where.partition(":")
        if kind == "team" and pk.isdigit() and self.workshop.teams.filter(pk=pk).exists():
            return where
        raise forms.ValidationError(_("Choose where to send everyone."))


# Emotion cards and every lane a card can be written in; not the persona or the stages.
PRIVATE_CHOICES = [
    (a.value, a.label) for a in Area if a not in (Area.SETUP, Area.STAGES, Area.MOT, Area.PLAN)
]


def _as_a_fresh_start(source: dict, *, with_cards: bool) -> None:
    """A map copied into new teams' boards: its cards without who felt what (the new room's
    names are its own), and without plans, which come along as last time's plans instead."""
    for stage in source["map"]["stages"]:
        if not with_cards:
            stage["cards"], stage["emotions"] = [], []
        emotions = stage["emotions"] + [e for card in stage["cards"] for e in card["emotions"]]
        for emotion in emotions:
            emotion.update(author_name="", author_role="", author_company="")
        for card in stage["cards"]:
            card["plans"] = []


class PrivateWritingForm(forms.Form):
    areas = forms.MultipleChoiceField(
        label=_("Private writing for"),
        choices=PRIVATE_CHOICES,
        initial=[Area.EMOTION],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of card to write privately.")},
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: emotion cards keep no name, even after the reveal"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("anonymous") and Area.EMOTION not in data.get("areas", [Area.EMOTION]):
            raise forms.ValidationError(
                _("Anonymous writing is for emotion cards: choose emotion cards too, or untick it.")
            )
        return data


class VoteForm(forms.Form):
    lane = forms.ChoiceField(
        label=_("Vote on"),
        choices=[(Lane.TOUCHPOINT, _("Touchpoints (to choose MOTs)")),
                 (Lane.OPPORTUNITY, _("Opportunities (to prioritise)"))],
    )  # fmt: skip
    dots = forms.IntegerField(label=_("Dots per person"), min_value=1, max_value=10, initial=3)


class TopMotForm(forms.Form):
    count = forms.IntegerField(label=_("Top"), min_value=1, max_value=10, initial=3)


class PerspectivesForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["anonymous_keeps_role", "show_room_mean"]
