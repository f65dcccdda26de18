"""A Redis cache that degrades to a miss when Redis is unreachable.

The cache holds nothing that cannot be rebuilt (pages, rate-limit counters, the cached copy of
sessions, which are written through to the database). So when Redis is down, a nominator
submitting at the deadline must still get their page: every cache call that fails is logged
and answered as a miss instead of raising.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# A Redis that hangs (rather than refusing connections) costs each call its full socket timeout,
# several per page. After a failure, the process answers misses without asking that Redis for
# this many seconds; the first call after it finds out whether Redis is back.
RETRY_AFTER = 15.0
_down_until: dict[str, float] = {}  # per Redis location, for the whole process


def _is_down(cache) -> bool:
    return time.monotonic() < _down_until.get(cache._servers[0], 0.0)


def _failed(cache) -> None:
    _down_until[cache._servers[0]] = time.monotonic() + RETRY_AFTER


def _fallback_value(fallback, args, kwargs):
    return fallback(*args, **kwargs) if callable(fallback) else fallback


def _tolerant(method_name: str, fallback):
    def method(self, *args, **kwargs):
        if _is_down(self):
            return _fallback_value(fallback, args, kwargs)
        try:
            return getattr(super(ResilientRedisCache, self), method_name)(*args, **kwargs)
        except RedisError as error:
            _failed(self)
            logger.warning("cache %s failed, answered as a miss: %s", method_name, error)
            return _fallback_value(fallback, args, kwargs)

    method.__name__ = method_name
    return method


def _default_argument(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    get = _tolerant("get", _default_argument)
    get_many = _tolerant("get_many", {})
    has_key = _tolerant("has_key", False)
    add = _tolerant("add", False)
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", [])
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)

    def incr(self, key, delta=1, version=None):
        if _is_down(self):
            raise ValueError("cache unavailable")
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _failed(self)
            # Every backend raises ValueError for a key it does not hold; callers handle that.
            logger.warning("cache incr failed: %s", error)
            raise ValueError("cache unavailable") from error
