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
    assert set(services) == {"postgres", "redis", "web"}
    assert all("healthcheck" in service for service in services.values())
    assert "migrate" in (ROOT / "Dockerfile").read_text()
    assert services["web"]["build"] == "."


def test_compose_sets_only_variables_the_settings_read():
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    env = set(web["environment"])
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= env
    assert env <= settings_variables(), env - settings_variables()


def test_ci_runs_make_test_strictly_against_postgres():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "STRICT=1" in ci and "make test" in ci and "postgres://" in ci
