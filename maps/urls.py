from django.urls import path

from maps import downloads, views

app_name = "maps"

urlpatterns = [
    path("", views.map_list, name="list"),
    path("new/", views.map_create, name="create"),
    path("import/", views.map_import, name="import"),
    path("<int:map_id>/", views.board, name="board"),
    path("<int:map_id>/live/", views.snapshot, name="snapshot"),
    path("<int:map_id>/share/rotate/", downloads.share_rotate, name="share-rotate"),
    path("<int:map_id>/versions/", downloads.version_save, name="version-save"),
    path("<int:map_id>/compare/", downloads.compare, name="compare"),
    path(
        "<int:map_id>/compare.svg", downloads.compare_download, {"fmt": "svg"}, name="compare-svg"
    ),
    path(
        "<int:map_id>/compare.png", downloads.compare_download, {"fmt": "png"}, name="compare-png"
    ),
    path("<int:map_id>/curve.svg", downloads.curve_download, {"fmt": "svg"}, name="curve-svg"),
    path("<int:map_id>/export.pdf", downloads.export_pdf, name="export-pdf"),
    path("<int:map_id>/export.json", downloads.export_json, name="export-json"),
    path("<int:map_id>/action-plans.csv", downloads.export_csv, name="export-csv"),
    path("<int:map_id>/action-plans.ics", downloads.export_ics, name="export-ics"),
    path("<int:map_id>/curve.png", downloads.curve_download, {"fmt": "png"}, name="curve-png"),
    path("<int:map_id>/details/", views.details_update, name="details-update"),
    path("<int:map_id>/persona/", views.persona_update, name="persona-update"),
    path("<int:map_id>/stages/add/", views.stage_add, name="stage-add"),
    path("<int:map_id>/stages/<int:stage_id>/rename/", views.stage_rename, name="stage-rename"),
    path("<int:map_id>/stages/<int:stage_id>/move/", views.stage_move, name="stage-move"),
    path("<int:map_id>/stages/<int:stage_id>/delete/", views.stage_delete, name="stage-delete"),
    path("<int:map_id>/cards/add/", views.card_add, name="card-add"),
    path("<int:map_id>/cards/<int:card_id>/", views.card_detail, name="card"),
    path("<int:map_id>/cards/<int:card_id>/edit/", views.card_update, name="card-update"),
    path("<int:map_id>/cards/<int:card_id>/move/", views.card_move, name="card-move"),
    path("<int:map_id>/cards/<int:card_id>/mot/", views.card_mot, name="card-mot"),
    path("<int:map_id>/cards/<int:card_id>/delete/", views.card_delete, name="card-delete"),
    path("<int:map_id>/cards/<int:card_id>/dot/<str:change>/", views.card_dot, name="card-dot"),
    path(
        "<int:map_id>/private/<str:kind>/<int:item_id>/delete/",
        views.private_delete,
        name="private-delete",
    ),
    path("<int:map_id>/emotions/add/", views.emotion_add, name="emotion-add"),
    path(
        "<int:map_id>/emotions/<int:emotion_id>/delete/",
        views.emotion_delete,
        name="emotion-delete",
    ),
    path("<int:map_id>/plans/add/", views.plan_add, name="plan-add"),
    path("<int:map_id>/plans/<int:plan_id>/edit/", views.plan_update, name="plan-update"),
    path("<int:map_id>/plans/<int:plan_id>/delete/", views.plan_delete, name="plan-delete"),
]
