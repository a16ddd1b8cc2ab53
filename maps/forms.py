"""Forms for every edit on the board. Each one is scoped to one map: ids of other maps'
stages, touchpoints or opportunities are not valid choices."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maps import importing, presets
from maps.models import (
    CARD_TEXT_MAX,
    CATALOGUE_LANES,
    CUSTOM_LANE_NAME_MAX,
    CUSTOM_LANES,
    MAX_CARDS,
    MAX_EMOTION_CARDS,
    MAX_STAGES,
    ActionPlan,
    Card,
    Channel,
    EmotionCard,
    JourneyMap,
    Lane,
    MotMatch,
    Persona,
    PlanNote,
    Stage,
    TouchpointFigures,
)


class JourneyMapCreateForm(forms.ModelForm):
    preset = forms.ChoiceField(label=_("Stages"), choices=presets.choices, initial="funnel")

    class Meta:
        model = JourneyMap
        fields = ["title", "topic", "map_type", "persona"]
        widgets = {"title": forms.TextInput(attrs={"autofocus": True})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persona"].empty_label = _("No persona yet")


class JourneyMapDetailsForm(forms.ModelForm):
    def clean_map_type(self) -> str:
        map_type = self.cleaned_data["map_type"]
        hidden, lanes = self.instance.hidden_by_type(map_type)
        if hidden:
            raise forms.ValidationError(
                ngettext(
                    "%(count)d card sits in a lane this map type does not have (%(lanes)s). "
                    "Move or delete it first.",
                    "%(count)d cards sit in lanes this map type does not have (%(lanes)s). "
                    "Move or delete them first.",
                    hidden,
                )
                % {"count": hidden, "lanes": ", ".join(str(lane.label) for lane in lanes)}
            )
        return map_type

    class Meta:
        model = JourneyMap
        fields = [
            "title",
            "topic",
            "map_type",
            "situation",
            "expectations",
            "start_point",
            "end_point",
            "review_on",
        ]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 2}),
            "expectations": forms.Textarea(attrs={"rows": 2}),
            "review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class PersonaForm(forms.ModelForm):
    class Meta:
        model = Persona
        fields = ["name", "profile", "goals", "needs", "frustrations", "quote"]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in ["profile", "goals", "needs", "frustrations"]
        }


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name"]

    def __init__(self, *args, journey_map: JourneyMap | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.journey_map = journey_map  # given when adding a stage

    def clean(self):
        data = super().clean()
        if self.journey_map and self.journey_map.stages.count() >= MAX_STAGES:
            raise forms.ValidationError(_("A map has at most %(n)d stages.") % {"n": MAX_STAGES})
        return data


class DirectionForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("left", _("left")), ("right", _("right")), ("up", _("up")), ("down", _("down"))]
    )


# The name of the field below, as pages write it and the browser fills it (journeymap.js).
CLIENT_TOKEN = "client_token"


class ClientTokenMixin(forms.Form):
    """A random id the add form carries, so a retried request creates nothing twice."""

    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CardForm(ClientTokenMixin, forms.ModelForm):
    """Add a card to one cell, or edit its text and touchpoint details."""

    class Meta:
        model = Card
        fields = ["stage", "lane", "text", "channel", "channel_other", "is_direct"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "stage": forms.HiddenInput,
            "lane": forms.HiddenInput,
        }
        error_messages = {"text": {"required": _("Write something on the card.")}}

    def __init__(self, *args, journey_map: JourneyMap, **kwargs):
        super().__init__(*args, **kwargs)
        self.journey_map = journey_map
        self.instance.journey_map = journey_map
        self.fields["stage"].queryset = journey_map.stages.all()
        lanes = [*journey_map.lanes, Lane.UNSORTED]
        self.fields["lane"].choices = [(lane.value, lane.label) for lane in lanes]
        if self.instance.pk:
            # Editing keeps the card where it is; moving has its own action.
            del self.fields["stage"], self.fields["lane"], self.fields["client_token"]
        lane = self.instance.lane or self.data.get("lane") or self.initial.get("lane")
        if lane != Lane.TOUCHPOINT:
            for name in ["channel", "channel_other", "is_direct"]:
                self.fields.pop(name, None)

    def _get_validation_exclusions(self):
        # The stage is checked here (the map's own, or none in the unsorted area) and by the
        # database's constraint: the model need not ask the database again on every add.
        return {*super()._get_validation_exclusions(), "stage"}

    def clean(self):
        data = super().clean()
        if data.get("lane") == Lane.UNSORTED:
            data["stage"] = None  # the unsorted area: no stage until sorted
        elif "stage" in self.fields and data.get("lane") and not data.get("stage"):
            self.add_error("stage", _("Say which stage the card goes to."))
        if data.get("channel") == Channel.OTHER and not data.get("channel_other"):
            self.add_error("channel_other", _("Name the channel."))
        if not self.instance.pk and not self.journey_map.room_for(Card, MAX_CARDS):
            raise forms.ValidationError(
                _("This map holds %(n)s cards, the most a map can: delete some or start another.")
                % {"n": f"{MAX_CARDS:,}"}
            )
        return data


class EmotionCardForm(ClientTokenMixin, forms.ModelForm):
    score = forms.TypedChoiceField(
        label=_("score"),
        coerce=int,
        choices=[(s, f"{EmotionCard.EMOJI[s]} {s:+d}") for s in range(-2, 3)],
        error_messages={"invalid_choice": _("An emotion score is between −2 and +2.")},
    )
    anonymous = forms.BooleanField(label=_("Without my name"), required=False)

    class Meta:
        model = EmotionCard
        fields = ["touchpoint", "stage", "score", "words"]

    def __init__(self, *args, journey_map: JourneyMap, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.journey_map = journey_map
        self.fields["touchpoint"].queryset = journey_map.cards.filter(lane=Lane.TOUCHPOINT)
        self.fields["stage"].queryset = journey_map.stages.all()
        self.fields["stage"].required = False

    def clean(self):
        data = super().clean()
        if data.get("touchpoint"):
            data["stage"] = data["touchpoint"].stage
            self.instance.stage = data["stage"]
        elif (
            not data.get("stage")
            and not self.has_error("stage")
            and not self.has_error("touchpoint")
        ):
            raise forms.ValidationError(_("Attach the emotion card to a touchpoint or a stage."))
        if not self.instance.journey_map.room_for(EmotionCard, MAX_EMOTION_CARDS):
            raise forms.ValidationError(
                _("This map holds %(n)s emotion cards, the most a map can.")
                % {"n": f"{MAX_EMOTION_CARDS:,}"}
            )
        return data


class ActionPlanForm(ClientTokenMixin, forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["opportunity", "what", "owner", "owner_email", "due_date", "status"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opportunity": forms.HiddenInput,
        }

    def __init__(self, *args, journey_map: JourneyMap, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.journey_map = journey_map
        self.fields["opportunity"].queryset = journey_map.cards.filter(
            Q(lane=Lane.OPPORTUNITY) | Q(lane=Lane.TOUCHPOINT, is_mot=True)
        )
        if self.instance.pk:
            del self.fields["opportunity"], self.fields["client_token"]


class PlanProgressForm(forms.ModelForm):
    """What a plan's owner records from their link: where it stands and what came of it."""

    class Meta:
        model = ActionPlan
        fields = ["status", "result", "result_number", "owner_email"]
        widgets = {
            "result": forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. 누적 문의 80건")}),
            "result_number": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }


class PlanNoteForm(forms.ModelForm):
    class Meta:
        model = PlanNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what happened."))
        return text


class TouchpointFiguresForm(forms.ModelForm):
    """What the records say about one touchpoint; every field optional."""

    class Meta:
        model = TouchpointFigures
        fields = TouchpointFigures.FIELDS
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("measured_on", "period_start", "period_end")
        }

    def __init__(self, *args, touchpoint: Card, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.touchpoint = touchpoint
        self.instance.journey_map_id = touchpoint.journey_map_id
        for name in ("response_hours", "response_target_hours", "satisfaction", "drop_off"):
            self.fields[name].widget.attrs.update({"step": "0.1", "inputmode": "decimal"})
        # Optional like the rest: a form sent without it (a script, an old page) means CSAT %.
        self.fields["satisfaction_scale"].required = False

    def clean_satisfaction_scale(self):
        return self.cleaned_data["satisfaction_scale"] or self.instance.satisfaction_scale


class FiguresFileForm(forms.Form):
    file = forms.FileField(
        label=_("A spreadsheet of touchpoint figures (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Choose an .xlsx or a .csv file."))
        return upload


class MapImportForm(forms.Form):
    file = forms.FileField(
        label=_("A journeymap JSON file"),
        help_text=_("Exported from a map's “JSON” button; it becomes a new map."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:  # before reading it
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class MapVersionForm(forms.Form):
    label = forms.CharField(
        label=_("Name this version (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. after the spring workshop")}),
    )


class MotMatchForm(forms.Form):
    """The facilitator's word on a match of the MOT ledger: confirm, split, or take it back."""

    channel = forms.CharField(max_length=20, required=False)
    text = forms.CharField(max_length=CARD_TEXT_MAX)
    decision = forms.ChoiceField(choices=[("", "—"), *MotMatch.Decision.choices], required=False)


class MapLanesForm(forms.Form):
    """The lanes a map adds from the catalogue. Turning off a lane that holds cards says how
    many first: they are hidden, not deleted, and come back with the lane."""

    lanes = forms.MultipleChoiceField(
        label=_("Added lanes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(lane.value, lane.label) for lane in CATALOGUE_LANES],
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, journey_map: JourneyMap, **kwargs):
        super().__init__(*args, **kwargs)
        self.journey_map = journey_map
        self.fields["lanes"].initial = journey_map.extra_lanes
        for n, lane in enumerate(CUSTOM_LANES, start=1):
            self.fields[lane.value] = forms.CharField(
                label=_("Own lane %(n)d") % {"n": n},
                max_length=CUSTOM_LANE_NAME_MAX,
                required=False,
                initial=journey_map.custom_lanes.get(lane.value, ""),
            )
        self.hiding = 0

    def own_lanes(self):
        return [self[lane.value] for lane in CUSTOM_LANES]

    def clean(self):
        data = super().clean()
        chosen = data.get("lanes") or []
        named = {lane.value: data[lane.value] for lane in CUSTOM_LANES if data.get(lane.value)}
        data["custom_lanes"] = named
        was = [*self.journey_map.extra_lanes, *self.journey_map.custom_lanes]
        off = [lane for lane in was if lane not in chosen and lane not in named]
        self.hiding = self.journey_map.cards_in_lanes(off) if off else 0
        if self.hiding and not data.get("confirm"):
            names = ", ".join(self.journey_map.lane_name(lane) for lane in off)
            raise forms.ValidationError(
                ngettext(
                    "%(lanes)s hold %(n)d card: turned off, it is hidden (not deleted) until "
                    "the lane is added again. Save again to turn it off.",
                    "%(lanes)s hold %(n)d cards: turned off, they are hidden (not deleted) "
                    "until the lane is added again. Save again to turn them off.",
                    self.hiding,
                )
                % {"lanes": names, "n": self.hiding}
            )
        data["lanes"] = [lane.value for lane in CATALOGUE_LANES if lane in chosen]
        return data
