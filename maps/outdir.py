"""The output folder a build owns while it runs: a lock, and a staging folder.

A build takes an exclusive lock on ``.incident-map.lock`` in the output folder
(``flock``: the kernel releases it when the process dies, however it dies), so a
second build into the same folder is refused with a message instead of both
writing at once. Holding the lock also means no other build is staging there, so
staging folders left by a build that was killed (``kill -9``, a power cut) are
removed. The build's own staging folder (the spill, the new cache) is removed
when it ends, also on Ctrl-C and SIGTERM (the CLI turns those into exceptions).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from geo.errors import OutputError
from maps.export import STAGING_PREFIX

LOCK_FILE = ".incident-map.lock"


class OutputLock:
    """An exclusive lock on an output folder, held for one build."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / LOCK_FILE
        self._handle: int | None = None

    def acquire(self) -> None:
        """Take the lock, or refuse with the pid of the build that holds it."""
        while True:
            try:
                handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                msg = f"cannot create the build's lock file: {exc.strerror or exc}"
                raise OutputError(msg, path=self.path) from exc
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _read_pid(handle)
                os.close(handle)
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    msg = f"cannot lock the output folder: {exc.strerror or exc}"
                    raise OutputError(msg, path=self.path.parent) from exc
                who = f" (process {holder})" if holder else ""
                msg = (
                    f"another build{who} is writing into this folder; wait for it to "
                    "finish or choose another --out"
                )
                raise OutputError(msg, path=self.path.parent) from None
            # The holder before us may have removed the file after we opened it:
            # then our lock is on a file nobody else sees; take the new one.
            try:
                same = os.fstat(handle).st_ino == self.path.stat().st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(handle)
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode())
        self._handle = handle

    def release(self) -> None:
        """Remove the lock file and let go of the lock."""
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._handle)
        self._handle = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(handle: int) -> int | None:
    try:
        text = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


def remove_stale_staging(out_dir: Path) -> list[Path]:
    """Remove staging folders left in ``out_dir`` by builds that were killed.

    Call only while holding the folder's :class:`OutputLock`.
    """
    removed = []
    try:
        entries = list(out_dir.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def make_staging(out_dir: Path) -> Path:
    """A new hidden staging folder inside ``out_dir`` (same file system as the outputs)."""
    try:
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as exc:
        msg = f"cannot create a staging folder: {exc.strerror or exc}"
        raise OutputError(msg, path=out_dir) from exc
