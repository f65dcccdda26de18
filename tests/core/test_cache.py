"""With Redis unreachable, the cache answers misses instead of failing the page."""

import logging

import pytest

from core.cache import ResilientRedisCache


@pytest.fixture
def unreachable_cache():
    return ResilientRedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )


def test_reads_are_misses_and_writes_are_dropped_with_a_warning(unreachable_cache, caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")

    unreachable_cache.set("k", "v")
    value = unreachable_cache.get("k", "fallback")
    added = unreachable_cache.add("k", "v")
    many = unreachable_cache.get_many(["k", "j"])

    assert (value, added, many) == ("fallback", False, {})
    assert "cache set failed" in caplog.text


def test_incr_raises_value_error_like_a_missing_key(unreachable_cache):
    with pytest.raises(ValueError):
        unreachable_cache.incr("counter")


def test_a_reachable_redis_behaves_as_usual(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (CI runs with Redis)")
    cache = ResilientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "cache-test"})

    cache.set("k", "v", 30)

    assert cache.get("k") == "v"
    cache.delete("k")
