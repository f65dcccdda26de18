"""GET /healthz: is the portal able to serve? Database, cache and broker, each checked live."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

OK = "ok"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means the database is unusable
        return f"error: {error.__class__.__name__}"
    return OK


def check_cache() -> str:
    try:
        # A Redis cache is pinged directly: the resilient backend would hide the failure
        # behind a miss, and the report should name the error.
        client = getattr(cache, "_cache", None)
        if client is not None and hasattr(client, "get_client"):
            client.get_client(write=True).ping()
        cache.set("healthz", "1", 10)
        if cache.get("healthz") != "1":
            return "error: value not kept"
    except Exception as error:  # noqa: BLE001
        return f"error: {error.__class__.__name__}"
    return OK


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "eager"  # tasks run in the web process; there is no broker to reach
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        return f"error: {error.__class__.__name__}"
    return OK


@never_cache
def healthz(request):
    report = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    healthy = all(not value.startswith("error") for value in report.values())
    report = {"status": "ok" if healthy else "degraded", **report}
    return JsonResponse(report, status=200 if healthy else 503)
