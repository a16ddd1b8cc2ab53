"""The settings module read in a fresh interpreter with a given environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
    "'db_name': str(s.DATABASES['default']['NAME']), "
    "'db_test': s.DATABASES['default'].get('TEST', {}).get('NAME'), "
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, "
    "'secure': getattr(s, 'SESSION_COOKIE_SECURE', None)}))"
)

pytestmark = pytest.mark.once


def settings_with(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="journeymap.settings", JOURNEYMAP_VAR_DIR=str(tmp_path), **env
    )
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_means_sqlite_under_var_and_the_in_memory_layer(tmp_path):
    result = settings_with(tmp_path)
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(tmp_path / "journeymap.sqlite3")
    assert s["layer"] == "workshops.memory_layer.MemoryLayer"
    assert (s["lang"], s["tz"]) == ("ko", "Asia/Seoul")


def test_database_url_and_redis_url_switch_to_the_real_services(tmp_path):
    result = settings_with(
        tmp_path, DATABASE_URL="postgres://postgres@db:5432/jm", REDIS_URL="redis://cache:6379/0"
    )
    s = json.loads(result.stdout)
    assert (s["db"], s["db_name"], s["db_test"]) == (
        "django.db.backends.postgresql",
        "jm",
        "test_jm",
    )
    assert s["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    core = settings_with(tmp_path, REDIS_URL="redis://cache:6379/0", REDIS_LAYER="core")
    assert json.loads(core.stdout)["layer"] == "channels_redis.core.RedisChannelLayer"


def test_debug_off_without_secret_key_fails_with_a_clear_message(tmp_path):
    result = settings_with(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_secure_the_cookies(tmp_path):
    result = settings_with(
        tmp_path, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="cjm.example.com"
    )
    s = json.loads(result.stdout)
    assert (s["debug"], s["hosts"], s["secure"]) == (False, ["cjm.example.com"], True)


def test_the_gitignore_keeps_var_and_artifacts_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "var/" in ignored and "artifacts/" in ignored


def test_production_refuses_a_wildcard_host_which_would_disable_the_origin_check(tmp_path):
    result = settings_with(tmp_path, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS may not contain '*'" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it for themselves, not for servers.
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="journeymap.settings",
        JOURNEYMAP_VAR_DIR=str(tmp_path),
        DEBUG="0",
        SECRET_KEY="k" * 20 + "Vq9#x!2Lm$7pZ@4wR&8tY*3uN^6sB%1dF(5gH)0jK",
        ALLOWED_HOSTS="cjm.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
