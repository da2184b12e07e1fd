"""What the benchmarks share: a throwaway place to run, so that nothing else is touched."""

import os
import tempfile
from pathlib import Path


def use_scratch_database(prefix: str) -> Path:
    """Point Django (before django.setup()) at a new SQLite database and MEDIA_ROOT in a new
    temporary directory, with e-mail going nowhere; the caller migrates it. The directory."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    return scratch
