"""The exceptions incident-mapper raises, shared by every package.

They live in ``geo`` because every other package imports ``geo`` and none is
imported by it. Each error carries the file (and line, where there is one) it is
about, so the command line can print ``file:line: message`` and move on to the
next report.
"""

from __future__ import annotations

from pathlib import Path


class IncidentMapperError(Exception):
    """Base of every error the tool raises on purpose; never a bug.

    Parameters
    ----------
    message
        What went wrong and what the user can do about it.
    path
        The file the problem is in, if any.
    line
        The 1-based line in ``path``, if known.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return f"{where}{self.message}"


class GazetteerError(IncidentMapperError, ValueError):
    """A gazetteer file that cannot be read, or an entry in it that is broken."""


class ReportError(IncidentMapperError, ValueError):
    """A report that cannot be read: missing, not text, undecodable, empty."""


class ManifestError(IncidentMapperError, ValueError):
    """A manifest CSV that is missing, malformed, or names files that do not exist."""


class OutputError(IncidentMapperError, OSError):
    """An output that cannot be written (not a folder, not writable, disk full)."""


class DataFileError(IncidentMapperError, ValueError):
    """A data file (a vocabulary, a rules file) that is not valid JSON or lacks a setting.

    Parameters
    ----------
    message
        What is wrong with the setting and what it should be.
    path
        The data file, as the user knows it (``<bundled incidents/data/x.json>`` for a
        file that ships with the tool).
    section
        The dotted path of the setting in the file (``zero.nobody_verbs``), if any.
    line
        The 1-based line in ``path``, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        section: str | None = None,
        line: int | None = None,
    ):
        self.section = section
        super().__init__(f"{section}: {message}" if section else message, path=path, line=line)
