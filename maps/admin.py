from django.contrib import admin

from maps.models import (
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Persona,
    Stage,
    TouchpointFigures,
)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "quote", "created_at"]
    search_fields = ["name", "profile"]


@admin.register(JourneyMap)
class JourneyMapAdmin(admin.ModelAdmin):
    list_display = ["title", "map_type", "persona", "updated_at"]
    list_filter = ["map_type"]
    search_fields = ["title", "topic"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "journey_map", "position"]
    list_select_related = ["journey_map"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["text", "lane", "stage", "journey_map", "is_mot", "position"]
    list_filter = ["lane", "is_mot", "channel"]
    list_select_related = ["stage", "journey_map"]
    search_fields = ["text"]
    raw_id_fields = ["stage"]


@admin.register(EmotionCard)
class EmotionCardAdmin(admin.ModelAdmin):
    list_display = ["score", "words", "author_name", "stage", "touchpoint"]
    list_filter = ["score"]
    list_select_related = ["stage", "touchpoint"]
    raw_id_fields = ["stage", "touchpoint"]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["what", "owner", "due_date", "status", "journey_map"]
    list_filter = ["status"]
    raw_id_fields = ["opportunity"]


@admin.register(TouchpointFigures)
class TouchpointFiguresAdmin(admin.ModelAdmin):
    list_display = ["touchpoint", "complaints", "satisfaction", "response_hours", "measured_on"]
    list_filter = ["source"]
    raw_id_fields = ["touchpoint"]
