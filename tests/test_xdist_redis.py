"""Each pytest-xdist worker has a Redis database of its own (tests/xdist_redis.py)."""

import os

import pytest
from django.conf import settings

from tests.xdist_redis import NAMED, redis_url_for_worker
from wnevc.celery import app as celery_app


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/7", "gw0", "redis://127.0.0.1:6379/7"),
        ("redis://127.0.0.1:6379/7", "gw1", "redis://127.0.0.1:6379/8"),
        ("redis://127.0.0.1:6379", "gw2", "redis://127.0.0.1:6379/2"),
        ("redis://:secret@cache.example:6380/3", "gw4", "redis://:secret@cache.example:6380/7"),
    ],
)
def test_worker_n_uses_the_database_n_above_the_named_one(url, worker, expected):
    assert redis_url_for_worker(url, worker) == expected


def test_a_worker_past_the_last_database_is_refused_with_the_remedy():
    with pytest.raises(pytest.UsageError, match="name a lower database in REDIS_URL"):
        redis_url_for_worker("redis://127.0.0.1:6379/14", "gw2")


def test_this_process_uses_its_workers_database_for_cache_and_broker():
    # The rewrite happened before the settings were read: cache and broker agree with it.
    if not settings.REDIS_URL:
        pytest.skip("runs without REDIS_URL: the cache is local memory, nothing is shared")
    url = os.environ["REDIS_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        assert url == redis_url_for_worker(os.environ[NAMED], worker)
    assert url == settings.REDIS_URL
    assert settings.CACHES["default"]["LOCATION"] == url
    assert celery_app.conf.broker_url == url
