"""docker-compose.yml and .ci/run stay honest: same variables as the settings and tests."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def settings_variables() -> set[str]:
    source = (ROOT / "journeymap" / "settings.py").read_text()
    return set(re.findall(r'env(?:_bool|_list)?\(\s*"([A-Z_]+)"', source)) | set(
        re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z_]+)"', source)
    )


def test_compose_runs_postgres_redis_and_the_web_app_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "proxy", "reminders"}
    # Servers say whether they are up; the reminders job is a loop that restarts if it stops.
    servers = ("postgres", "redis", "web", "proxy")
    assert all("healthcheck" in services[name] for name in servers)
    assert "send_reminders" in " ".join(services["reminders"]["command"])
    assert services["reminders"]["restart"] == "unless-stopped"
    assert "migrate" in (ROOT / "Dockerfile").read_text()
    assert services["web"]["build"] == "."


def test_the_proxy_limits_bodies_and_passes_websockets_through():
    proxy = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["proxy"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "client_max_body_size 3m;" in nginx
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx
    assert "proxy_read_timeout 1h;" in nginx
    # The web app is reached through the proxy only, and trusts its forwarded address.
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert "ports" not in web and "--proxy-headers" in (ROOT / "Dockerfile").read_text()


def test_compose_sets_only_variables_the_settings_read():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    env = set(services["web"]["environment"])
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= env
    assert env <= settings_variables(), env - settings_variables()
    reminders = set(services["reminders"]["environment"])
    assert {"DATABASE_URL", "SITE_URL", "EMAIL_HOST"} <= reminders <= settings_variables()


def test_ci_runs_make_test_strictly_against_postgres():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "STRICT=1" in ci and "make test" in ci and "postgres://" in ci
