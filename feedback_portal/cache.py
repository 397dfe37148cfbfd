"""Redis as the cache, where an outage slows pages down instead of breaking them.

Everything the portal keeps in the cache can be read again from the database (the settings row,
sessions, the queue's lists and fragments) or is a rate limit. So while Redis is unreachable a
read is a miss and a write is skipped, and a warning is logged — except where a limit guards a
secret: `add` answers False (allauth's rate limits take that as "limit reached" and ask people to
wait, so passwords and codes cannot be guessed while the counts are gone) and `incr` raises
`CacheUnavailable` for the caller to refuse (the hiring manager's link limiter does). `ping`
raises, for the health check.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):
    """The cache cannot be reached: a count it keeps cannot be trusted now."""


def _or(fallback):
    """Run the cache operation; during an outage log it and return `fallback` instead."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except OUTAGE as exc:
                logger.warning("Cache unreachable (%s): %s skipped", type(exc).__name__, method.__name__)
                return fallback() if callable(fallback) else fallback

        return wrapper

    return decorate


class _ClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis (a few hundred callbacks set up) for every cache
    operation; one per connection pool does the same work (it is thread-safe, and the pool
    reconnects after a fork). A page makes several cache reads: this is a measurable share."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool

    get_many = _or(dict)(RedisCache.get_many)
    has_key = _or(False)(RedisCache.has_key)
    set = _or(None)(RedisCache.set)
    set_many = _or(list)(RedisCache.set_many)
    touch = _or(False)(RedisCache.touch)
    delete = _or(False)(RedisCache.delete)
    delete_many = _or(None)(RedisCache.delete_many)
    add = _or(False)(RedisCache.add)

    def get(self, key, default=None, version=None):  # the miss is the caller's default
        try:
            return super().get(key, default, version)
        except OUTAGE as exc:
            logger.warning("Cache unreachable (%s): get skipped", type(exc).__name__)
            return default

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE as exc:
            raise CacheUnavailable(str(exc)) from exc

    def ping(self) -> None:
        """Raise unless Redis answers."""
        self._cache.get_client(write=True).ping()
