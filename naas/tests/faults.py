"""Fault injection for background documents: a disk that fills up part-way through a write, a
broker nobody listens on, a count of what is left in MEDIA_ROOT, and a bounded wait for a real
worker to get there."""

import errno
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from naas.storage import AtomicFileSystemStorage, is_temporary_name

DISK_FULL_STORAGE = "naas.tests.faults.DiskFullStorage"
WAIT_SECONDS = 90


def wait_for(condition, *, what: str, seconds: float = WAIT_SECONDS):
    """Poll until `condition()` is true; fail (never hang) after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


class _FillingFile:
    """A real file on disk that takes `room` bytes, then fails as a full disk does (ENOSPC),
    leaving the bytes it took behind: a genuine partial file."""

    def __init__(self, handle, path: str, room: int):
        self._handle, self._path, self._room = handle, path, room

    def write(self, data: bytes) -> int:
        if len(data) <= self._room:
            self._room -= len(data)
            return self._handle.write(data)
        self._handle.write(data[: self._room])
        self._handle.flush()
        DiskFullStorage.partial_sizes.append(os.path.getsize(self._path))
        self._room = 0
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._path)

    def flush(self):
        self._handle.flush()

    def fileno(self):
        return self._handle.fileno()

    def close(self):
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DiskFullStorage(AtomicFileSystemStorage):
    """The project's storage on a disk that fills up: writes fail after `room_bytes` bytes,
    either the next `failures` writes, or (`per_name`) the first `failures` writes of each
    file name. Settings make a new instance per test, so the plan is kept on the class (shared
    with a real worker's thread)."""

    failures = 0
    per_name = False
    room_bytes = 1024
    partial_sizes: list[int] = []
    _failed: dict[str, int] = {}
    _lock = threading.Lock()
    _now = threading.local()

    @classmethod
    def plan(cls, *, failures: int, room_bytes: int = 1024, per_name: bool = False) -> None:
        with cls._lock:
            cls.failures, cls.room_bytes, cls.per_name = failures, room_bytes, per_name
            cls.partial_sizes, cls._failed = [], {}

    def _save(self, name, content):
        cls = DiskFullStorage
        key = name if cls.per_name else ""
        with cls._lock:
            fail = cls._failed.get(key, 0) < cls.failures
            if fail:
                cls._failed[key] = cls._failed.get(key, 0) + 1
        cls._now.fail = fail
        return super()._save(name, content)

    def _temporary_file(self, directory):
        handle, path = super()._temporary_file(directory)
        if getattr(DiskFullStorage._now, "fail", False):
            return _FillingFile(handle, path, DiskFullStorage.room_bytes), path
        return handle, path


def disk_full_fixture():
    """A `disk_full` fixture for a test module (`disk_full = disk_full_fixture()`): the default
    storage is DiskFullStorage, with no failures until the test plans some, and none after."""

    @pytest.fixture(name="disk_full")
    def disk_full(settings):
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": DISK_FULL_STORAGE}}
        DiskFullStorage.plan(failures=0)
        yield DiskFullStorage
        DiskFullStorage.plan(failures=0)

    return disk_full


def media_files(media_root) -> list[Path]:
    """Every file under MEDIA_ROOT, temporary ones included."""
    root = Path(media_root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def temporary_files(media_root) -> list[Path]:
    return [p for p in media_files(media_root) if is_temporary_name(p.name)]


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def producer_pointed_at(app, url: str):
    """Send this process's Celery messages to `url` (not eager), then put everything back."""
    saved = {
        "broker_url": app.conf.broker_url,
        "broker_write_url": app.conf.broker_write_url,
        "task_always_eager": app.conf.task_always_eager,
    }

    def reset_pools():
        # Drop the pools (kombu keeps one per broker URL): the next send makes its own.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = app.conf.broker_write_url = url
    app.conf.task_always_eager = False
    reset_pools()
    try:
        yield
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        reset_pools()
