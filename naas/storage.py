"""File storage for the documents the service makes: never a partial file, never a second copy.

Django's FileSystemStorage writes straight to the final name, so a write that fails part-way
(disk full) leaves a partial file behind, and the retry then saves under a random suffix: fault
injection left 30 orphan files for 6 letters. Here every save writes to a temporary file in the
same directory, flushes it to disk and renames it over the final name (`os.replace`, atomic on
one file system): readers see the old file or the whole new one, a failed write leaves nothing,
and a retry overwrites the same deterministic name (documents name their files by their own id).
"""

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs

TEMPORARY_PREFIX = ".partial-"
TEMPORARY_SUFFIX = ".tmp"


class AtomicFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage whose saves are all-or-nothing and overwrite the same name."""

    def __init__(self, **kwargs):
        kwargs["allow_overwrite"] = True  # a save replaces the file of the same name
        super().__init__(**kwargs)

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._make_directory(directory)
        handle, temporary = self._temporary_file(directory)
        try:
            with handle:
                for chunk in content.chunks():
                    handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, self.file_permissions_mode or _FILE_MODE)
            os.replace(temporary, full_path)
        except BaseException:
            _remove_quietly(temporary)
            raise
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")

    def _make_directory(self, directory: str) -> None:
        try:
            if self.directory_permissions_mode is not None:
                safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            else:
                os.makedirs(directory, exist_ok=True)
        except FileExistsError:
            raise FileExistsError(f"{directory} exists and is not a directory.") from None

    def _temporary_file(self, directory: str) -> tuple[BinaryIO, str]:
        """A new, empty file beside the final one (so the rename stays on one file system)."""
        fd, path = tempfile.mkstemp(dir=directory, prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX)
        return os.fdopen(fd, "wb"), path

    def listdir(self, path):
        directories, files = super().listdir(path)
        return directories, [f for f in files if not is_temporary_name(f)]

    def temporary_files(self) -> Iterator[Path]:
        """Temporary files under the storage root (left only by a process killed mid-write)."""
        root = Path(self.location)
        if not root.exists():
            return
        for folder, _, names in os.walk(root):
            for filename in names:
                if is_temporary_name(filename):
                    yield Path(folder) / filename

    def remove_abandoned_temporary_files(self, *, older_than_seconds: float) -> int:
        """Delete temporary files nobody has written to for `older_than_seconds` (a write in
        progress touches its file continually). Returns how many were removed."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.temporary_files():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


def is_temporary_name(filename: str) -> bool:
    return filename.startswith(TEMPORARY_PREFIX) and filename.endswith(TEMPORARY_SUFFIX)


def _process_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# mkstemp makes 0600 files; a saved file gets what a plain open() would give (0666 - umask).
# Read once, at import: os.umask is process-wide, so it is not touched again while threads run.
_FILE_MODE = 0o666 & ~_process_umask()


def _remove_quietly(path: str) -> None:
    """Remove a temporary file while another error is on its way out: never raise over it."""
    with contextlib.suppress(OSError):
        os.unlink(path)
