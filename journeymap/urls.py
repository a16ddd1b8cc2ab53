from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from journeymap.health import healthz
from workshops import views as workshop_views

urlpatterns = [
    path("", workshop_views.home, name="home"),
    path("maps/", include("maps.urls")),
    path("", include("workshops.urls")),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# An unreachable database answers 503 "not saved, retrying" (journeymap/errors.py).
handler500 = "journeymap.errors.server_error"
