"""The cache used as a speed-up only (rendered dashboard bodies, the list of LAs): with the
cache down (Redis restarting) a read is a miss and a write or forget is skipped, each logged,
so the page is drawn from the database as if nothing were cached, never an error."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def _unavailable(what: str, exc: Exception) -> None:
    logger.warning("%s cache unavailable: %s", what, type(exc).__name__)


def cache_read(key: str, *, what: str):
    """The cached value, or None when there is none or the cache cannot answer."""
    try:
        return cache.get(key)
    except Exception as exc:
        _unavailable(what, exc)
        return None


def cache_write(key: str, value, seconds: int, *, what: str) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception as exc:
        _unavailable(what, exc)


def cache_forget(key: str, *, what: str) -> None:
    try:
        cache.delete(key)
    except Exception as exc:
        _unavailable(what, exc)
