import json
import time

import pytest

from tests.django_subprocess import python_json

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_healthz_reports_every_dependency_ok(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    # CI runs with Redis (a broker to reach); the demo runs tasks in the web process.
    assert body["broker"] == ("ok" if settings.REDIS_URL else "eager")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.redis.RedisCache", "core.cache.ResilientRedisCache"],
)
def test_healthz_is_degraded_when_redis_is_unreachable(client, settings, backend):
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REDIS_URL = UNREACHABLE_REDIS
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS
    started = time.monotonic()

    response = client.get("/healthz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["cache"].startswith("error: ")
    assert body["broker"].startswith("error: ")
    # A load balancer polls this: it must answer quickly even when Redis is gone.
    assert time.monotonic() - started < 10


def test_healthz_is_degraded_when_the_database_is_unreachable():
    body = python_json(
        "from django.test import Client\n"
        "response = Client().get('/healthz')\n"
        "print(json.dumps({'status_code': response.status_code, **response.json()}))",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/wnevc",
        ALLOWED_HOSTS="testserver",
    )

    assert body == {
        "status_code": 503,
        "status": "degraded",
        "database": "error: OperationalError",
        "cache": "ok",
        "broker": "eager",
    }


def test_healthz_is_ok_in_the_demo_shape(tmp_path):
    body = python_json(
        "from django.test import Client\n"
        "response = Client().get('/healthz')\n"
        "print(json.dumps({'status_code': response.status_code, **response.json()}))",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        ALLOWED_HOSTS="testserver",
    )

    assert body == {
        "status_code": 200,
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "eager",
    }
