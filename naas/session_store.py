"""Sessions that survive a database restart: Django's cached_db store, read from the cache
(Redis in production) and written to both, where a write the database cannot take is kept in
the cache until the next save reaches the database.

Why this and not the others (settings.SESSION_ENGINE points here):
- plain database sessions (Django's default) turn a failed session write into
  SessionInterrupted, a 400 "Bad Request" page: during a PostgreSQL restart, someone who had
  done nothing wrong was shown an error;
- cache-only sessions would sign everyone out whenever Redis restarts or evicts keys, and Redis
  here is also Celery's broker, not a store we promise to keep;
- cached_db keeps the database as the record (it outlives Redis) and the cache as the fast
  path; this store only adds that a database that is briefly unreachable costs nobody their
  page. A row that is really gone (signed out in another tab) still ends the session, as
  Django intends: only connection failures fall back to the cache.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# What a database that is restarting or unreachable raises (psycopg2 and SQLite alike, wrapped
# by Django). A plain DatabaseError, "Forced update did not affect any rows", means the session
# row was deleted: that one must still end the session.
UNREACHABLE = (OperationalError, InterfaceError)


class SessionStore(cached_db.SessionStore):
    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # the cache is down: the database decides
            logger.warning("Session cache unavailable; checking the database")
        return super(cached_db.SessionStore, self).exists(session_key)

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # the cache is down or refused the key: read the database
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("Session cache unavailable; the session was read from the database")
        return data

    def save(self, must_create=False):
        try:
            super().save(must_create)
        except UpdateError as error:
            if not isinstance(error.__context__, UNREACHABLE):
                raise
            # The database did not answer. Keep the session in the cache, which is what the
            # next request reads; the next save that reaches the database brings it up to date.
            # If the cache cannot take it either, the session really is lost: say so (400).
            try:
                self._cache.set(self.cache_key, self._session, self.get_expiry_age())
            except Exception:
                raise error from None
            logger.warning("Session saved to the cache only: the database did not answer")
