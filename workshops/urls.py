from django.urls import path

from workshops import joining, sharing, views

app_name = "workshops"

urlpatterns = [
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/<int:workshop_id>/", views.console, name="console"),
    path("workshops/<int:workshop_id>/teams/", views.teams_overview, name="teams"),
    path("workshops/<int:workshop_id>/maps/", sharing.workshop_maps, name="maps"),
    path("workshops/<int:workshop_id>/qr.svg", views.qr_code, name="qr"),
    path("workshops/<int:workshop_id>/gallery/", sharing.gallery, name="gallery"),
    path("workshops/<int:workshop_id>/export.pdf", sharing.export_pdf, name="export-pdf"),
    path("workshops/<int:workshop_id>/present/<int:team_id>/", sharing.present, name="present"),
    path("workshops/<int:workshop_id>/screen/", views.join_screen, name="screen"),
    path("workshops/<int:workshop_id>/control/<slug:action>/", views.control, name="control"),
    path("workshops/<int:workshop_id>/steps/<int:step_id>/", views.step_update, name="step"),
    path(
        "workshops/<int:workshop_id>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
    path("join/", joining.join_by_code, name="join-code"),
    path("j/<str:token>/", joining.join, name="join"),
    path("v/<str:token>/", joining.view_link, name="view"),
    path("v/m/<str:token>/", joining.map_view_link, name="map-view"),
]
