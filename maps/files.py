"""Writing output files atomically, and a whole set of them all-or-nothing."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from geo.errors import OutputError

#: Files SQLite may leave beside a database it was writing when it failed.
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


#: Prefix of the hidden folder :func:`write_outputs` stages files in.
STAGING_PREFIX = ".incident-map-staging-"


ContentWriter = Callable[[Path], None]


# ------------------------------------------------------------------- atomic writing


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old file or the new one.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed over ``path`` (a rename within one file system is atomic).

    Raises
    ------
    OutputError
        Naming ``path`` when the folder is missing or unwritable or the disk is full;
        ``path`` is then untouched and no temporary file is left behind.
    """
    path = Path(path)
    try:
        _write_via_temporary(path, data)
    except OSError as exc:
        raise output_error(path, exc) from exc
    fsync_directory(path.parent)


def atomic_write_text(path: str | Path, text: str) -> None:
    """:func:`atomic_write_bytes` for text, encoded as UTF-8 with line ends as given."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _write_via_temporary(path: Path, data: bytes) -> None:
    temporary = _create_temporary(path)
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        remove_quietly(temporary)
        raise


def _create_temporary(path: Path) -> Path:
    """Create a new empty hidden sibling of ``path`` with the usual umask permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            os.close(os.open(temporary, flags, 0o666))
        except FileExistsError:
            continue
        return temporary
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_directory(directory: Path) -> None:
    """Make a rename durable; best effort (some systems cannot sync folders)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def file_written_atomically(
    path: Path,
    *,
    what: str,
    library_errors: tuple[type[BaseException], ...] = (),
    side_files: Sequence[str] = (),
) -> Iterator[Path]:
    """A temporary path beside ``path``, moved onto it only when the block succeeds.

    For writers that need a file name (GDAL, pyarrow), not bytes: the block writes
    the temporary file; it is then synced and renamed over ``path``, and the folder
    synced. Whatever happens, the temporary file (and its ``side_files``, such as
    SQLite's journal) is removed. ``OSError`` becomes an :class:`OutputError` a
    user can act on; ``library_errors`` become one saying the library could not
    write the ``what``.
    """
    if not path.parent.is_dir():
        msg = f"the folder to write the {what} in does not exist"
        raise OutputError(msg, path=path)
    temporary = path.parent / f".{path.stem}.{secrets.token_hex(6)}.tmp{path.suffix}"
    try:
        yield temporary
        fsync_file(temporary)
        temporary.replace(path)
    except OSError as exc:
        raise output_error(path, exc) from exc
    except library_errors as exc:
        msg = f"could not write the {what}: {exc}"
        raise OutputError(msg, path=path) from exc
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{end}") for end in side_files)):
            remove_quietly(leftover)
    fsync_directory(path.parent)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def output_error(path: Path, exc: BaseException) -> OutputError:
    """An error a user can act on, naming the file that could not be written."""
    code = getattr(exc, "errno", None)
    if isinstance(exc, OutputError):
        message = exc.message
    elif code == errno.ENOSPC:
        message = "no space left on the device; free some space and run again"
    elif code == getattr(errno, "EDQUOT", None):
        message = "disk quota exceeded; free some space and run again"
    elif isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        message = "permission denied; choose an output folder you can write to"
    elif code == errno.EROFS:
        message = "the file system is read-only; choose another output folder"
    elif code == errno.ENOTDIR:
        message = "part of the path is a file, not a folder; choose another output folder"
    elif code == errno.ENOENT:
        message = "the folder does not exist"
    elif isinstance(exc, IsADirectoryError):
        message = "a folder is in the way; move it or choose another output folder"
    else:
        message = f"cannot write: {getattr(exc, 'strerror', None) or exc}"
    return OutputError(message, path=path)


# ---------------------------------------------------------------- output folder


class _Made:
    """The content of a file made by the ``make`` callable of :func:`write_outputs`."""

    def __repr__(self) -> str:
        return "MADE_TOGETHER"


#: Stands for a file :func:`write_outputs` has ``make`` write, with the others of its kind.
MADE_TOGETHER = _Made()

#: Writes several staged files at once: given ``(name, staged path)`` pairs.
FilesMaker = Callable[[Sequence[tuple[str, Path]]], None]


def write_outputs(
    out_dir: str | Path,
    files: Mapping[str, bytes | str | ContentWriter | _Made],
    *,
    make: FilesMaker | None = None,
) -> list[Path]:
    """Write a set of output files into ``out_dir`` all-or-nothing.

    ``files`` maps file names to their content: bytes, text (written as UTF-8), a
    callable that writes the file at the path it is given (the GeoPackage writer),
    or :data:`MADE_TOGETHER`: every such file is written by one call of ``make``
    with their staged paths (the build's output tasks, side by side in workers).
    Everything is first rendered into a hidden staging folder inside ``out_dir``;
    only when every file succeeded are they moved into place with :func:`os.replace`.
    If a move fails midway the files already moved are put back, so the folder ends
    as it was. The staging folder is always removed.

    Returns
    -------
    list of Path
        The written files, in the order of ``files``.

    Raises
    ------
    OutputError
        If ``out_dir`` is a file, cannot be created or written, or any file fails
        (disk full, permission denied): the message names the file, and every
        output that existed before is left untouched (a folder created for the
        outputs is removed again).
    """
    out_dir = Path(out_dir)
    names = list(files)
    _check_output_names(names)
    created = not out_dir.exists()
    _prepare_directory(out_dir)
    try:
        _write_staged(out_dir, files, make)
    except BaseException:
        if created:  # a folder made for outputs that never came is not left behind
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    fsync_directory(out_dir)
    return [out_dir / name for name in names]


def _write_staged(
    out_dir: Path,
    files: Mapping[str, bytes | str | ContentWriter | _Made],
    make: FilesMaker | None,
) -> None:
    """Render every file into a staging folder in ``out_dir``, then move them all in."""
    names = list(files)
    for name in names:
        if (out_dir / name).is_dir():
            msg = "a folder of this name is in the way; move it or choose another output folder"
            raise OutputError(msg, path=out_dir / name)
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as exc:
        raise output_error(out_dir, exc) from exc
    try:
        made = [
            (name, staging / name) for name, content in files.items() if content is MADE_TOGETHER
        ]
        if made:
            if make is None:
                msg = "files marked MADE_TOGETHER need a make callable"
                raise TypeError(msg)
            try:
                make(made)
            except OSError as exc:  # the maker names the file (``output_name``)
                name = getattr(exc, "output_name", None)
                raise output_error(out_dir / name if name else out_dir, exc) from exc
            for name, target in made:
                if not target.is_file():
                    msg = "the writer for this file did not produce it"
                    raise OutputError(msg, path=out_dir / name)
                try:
                    fsync_file(target)
                except OSError as exc:
                    raise output_error(out_dir / name, exc) from exc
        for name, content in files.items():
            if content is not MADE_TOGETHER:
                _render(staging / name, content, final=out_dir / name)
        _commit(staging, out_dir, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_output_names(names: Sequence[str]) -> None:
    """Output names are plain file names: no folders, no escaping ``out_dir``."""
    for name in names:
        separators = {"/", os.sep, os.altsep or "/"}
        if (
            not isinstance(name, str)
            or name in {"", ".", ".."}
            or any(separator in name for separator in separators)
            or name.startswith(STAGING_PREFIX)
        ):
            msg = f"output names must be plain file names, not {name!r}"
            raise ValueError(msg)


def _prepare_directory(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and check it is a folder we may write in."""
    if out_dir.exists() and not out_dir.is_dir():
        msg = "exists and is not a folder; choose another output folder"
        raise OutputError(msg, path=out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        msg = "exists and is not a folder; choose another output folder"
        raise OutputError(msg, path=out_dir) from exc
    except OSError as exc:
        raise output_error(out_dir, exc) from exc
    if not os.access(out_dir, os.W_OK | os.X_OK):
        msg = "the output folder is not writable; choose another or fix its permissions"
        raise OutputError(msg, path=out_dir)


def _render(target: Path, content: bytes | str | ContentWriter, *, final: Path) -> None:
    """Write one file into the staging folder; errors name its final path."""
    try:
        if isinstance(content, str):
            _write_via_temporary(target, content.encode("utf-8"))
        elif isinstance(content, (bytes, bytearray, memoryview)):
            _write_via_temporary(target, bytes(content))
        elif callable(content):
            content(target)
            if not target.is_file():
                msg = "the writer for this file did not produce it"
                raise OutputError(msg, path=final)
            fsync_file(target)
        else:
            msg = f"cannot write {final.name}: content must be bytes, str or a callable"
            raise TypeError(msg)
    except OSError as exc:
        raise output_error(final, exc) from exc


def _commit(staging: Path, out_dir: Path, names: Sequence[str]) -> None:
    """Move staged files into ``out_dir``; on failure restore what was there."""
    try:
        backups = Path(tempfile.mkdtemp(prefix="previous-", dir=staging))
    except OSError as exc:
        raise output_error(out_dir, exc) from exc
    moved: list[tuple[Path, Path | None]] = []
    for name in names:
        target = out_dir / name
        try:
            backup = None
            if target.exists() or target.is_symlink():
                backup = backups / name
                _preserve(target, backup)
            (staging / name).replace(target)
        except OSError as exc:
            _roll_back(moved)
            raise output_error(target, exc) from exc
        moved.append((target, backup))


def _preserve(target: Path, backup: Path) -> None:
    """Keep the previous file: a hard link when possible (no copy), else a copy."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, backup, follow_symlinks=False)


def _roll_back(moved: Sequence[tuple[Path, Path | None]]) -> None:
    """Undo moves already made, newest first (best effort)."""
    for target, backup in reversed(moved):
        with contextlib.suppress(OSError):
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                backup.replace(target)
