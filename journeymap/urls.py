from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from journeymap.health import healthz
from journeymap.login import AdminLoginForm, LoginForm
from workshops.urls import map_patterns, workshop_patterns
from workshops.views.console import home

admin.site.login_form = AdminLoginForm  # password guessing is slowed there too

urlpatterns = [
    path("", home, name="home"),
    path("maps/", include((map_patterns, "maps"))),
    path("", include((workshop_patterns, "workshops"))),
    path("healthz", healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# An unreachable database answers 503 "not saved, retrying" (journeymap/errors.py).
handler500 = "journeymap.errors.server_error"
