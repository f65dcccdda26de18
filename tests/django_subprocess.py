"""Run Python in a fresh interpreter with Django set up under a controlled environment.

Settings are read once, at start-up, from the environment; the only honest way to test another
shape of them (production, a missing database) is a process of its own.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Everything the settings read; none of it leaks from the environment the tests run in.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_PUBLIC_ENDPOINT_URL",
    "AWS_S3_ADDRESSING_STYLE",
    "FILE_URL_EXPIRE_SECONDS",
    "MEDIA_ROOT",
    "EMAIL_HOST",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "WNEVC_REQUIRE_MFA",
}

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!k2Lq9#vR4mZ8pW1sT6yB3nF0cH5jD-production-like-test-secret-key",
    "ALLOWED_HOSTS": "wnevc.example",
    "DATABASE_URL": "postgres://wnevc:secret@db.wnevc.example:5432/wnevc",
    "REDIS_URL": "redis://redis.wnevc.example:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "wnevc-files",
}


def environment(**variables: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SETTINGS_VARIABLES and not key.startswith(("PYTEST_", "DJANGO_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "wnevc.settings"
    env.update(variables)
    return env


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def python_json(code: str, **variables: str):
    """Run `code` after django.setup(); it prints one JSON document, which is returned."""
    result = run(["-c", f"import django, json\ndjango.setup()\n{code}"], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
