"""Production settings: refuse to start without secrets, pass check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "p7#Qz!9vL2@xR8$kT4^mW6&nB1*cY3(dF5)gH0_jK-lN+oP=sU~vX" * 2


def _database_url() -> str:
    db = settings.DATABASES["default"]
    host = db["HOST"]
    if host.startswith("/"):  # embedded server: Unix socket directory
        return f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "REDIS_URL",
            "MESSAGE_ENCRYPTION_KEYS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=STRONG_KEY,
        DATABASE_URL=_database_url(),
        REDIS_URL=settings.REDIS_URL,
        ALLOWED_HOSTS="directory.example.com",
        MESSAGE_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env()
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "MESSAGE_ENCRYPTION_KEYS"],
)
def test_production_refuses_to_start_without(missing):
    result = _manage("check", env=_production_env(**{missing: ""}))
    assert result.returncode != 0
    assert f"{missing} must be set in the environment" in result.stderr


@pytest.mark.parametrize(
    "keys",
    [
        "not-a-fernet-key",
        # the first key is fine, the second (a retired key pasted with a typo) is not
        f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()[:-3]}",
    ],
    # Fixed ids: generated keys in an id would differ between xdist workers.
    ids=["not-a-key", "second-key-broken"],
)
def test_production_refuses_to_start_with_an_invalid_message_key(keys):
    result = _manage("check", env=_production_env(MESSAGE_ENCRYPTION_KEYS=keys))
    assert result.returncode != 0
    assert "is not a valid Fernet key" in result.stderr
    assert keys not in result.stderr  # secrets stay out of deployment logs


def test_production_starts_with_two_valid_message_keys():
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    result = _manage("check", env=_production_env(MESSAGE_ENCRYPTION_KEYS=keys))
    assert result.returncode == 0, result.stderr


def test_production_hashes_with_argon2_and_logs_json():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PASSWORD_HASHERS[0]); "
        "print(s.LOGGING['handlers']['console']['formatter']); "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "json",
        "False True True",
    ]


def test_production_refuses_a_local_stripe_fake():
    # The demo's localstripe must never be production's payment API.
    result = _manage(
        "check", env=_production_env(STRIPE_API_BASE="http://127.0.0.1:8420")
    )
    assert result.returncode != 0
    assert "STRIPE_API_BASE points at a local fake" in result.stderr
