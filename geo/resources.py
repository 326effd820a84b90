"""Reading and checking the JSON data files of the tool (vocabularies, rules, styles).

Two loaders, one for the files packages ship (:func:`read_json_resource`) and one for a
user's own file in the same format (:func:`read_json_file`), and :class:`DataChecks`, the
validators every data module builds its settings with. Every error is a
:class:`~geo.errors.DataFileError` naming the file and the section of the setting, so a
hand-edited vocabulary is refused with a message a user can act on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from geo.errors import DataFileError


def bundled_origin(package: str, name: str) -> str:
    """How a data file that ships in ``<package>/data/`` is named in messages."""
    return f"<bundled {package}/data/{name}>"


def _parse_object(text: str, origin: str) -> dict[str, Any]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        raise DataFileError(msg, path=origin, line=exc.lineno) from exc
    if not isinstance(raw, dict):
        msg = "expected a JSON object at the top level"
        raise DataFileError(msg, path=origin)
    return raw


def read_json_resource(package: str, name: str) -> dict[str, Any]:
    """The JSON object in ``<package>/data/<name>``, with a message naming file and line
    when it is broken (someone edited it by hand)."""
    resource = resources.files(package).joinpath("data").joinpath(name)
    return _parse_object(resource.read_text(encoding="utf-8"), bundled_origin(package, name))


def read_json_file(path: str | Path, *, what: str = "data file") -> dict[str, Any]:
    """The JSON object in a user's file (a byte-order mark is allowed).

    ``what`` names the file's role in messages ("event rules file not found").
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        msg = f"{what} not found"
        raise DataFileError(msg, path=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{what} cannot be read: {exc}"
        raise DataFileError(msg, path=path) from exc
    return _parse_object(text, str(path))


def _inside(where: str, key: str) -> str:
    """The dotted path of ``key`` in the object at ``where``."""
    return key if where == "top" else f"{where}.{key}"


_KIND_NAMES = {dict: "object", list: "list", str: "string", int: "whole number", float: "number"}


@dataclass(frozen=True)
class DataChecks:
    """The validators of one data file: each reads one setting and refuses a wrong one.

    ``where`` is the dotted path of the object the setting is read from (``"top"`` for
    the file's top level); the error names the file (``origin``) and that section.

    Examples
    --------
    >>> checks = DataChecks("<bundled incidents/data/casualties.json>")
    >>> checks.words({"zero": {"negators": ["no"]}}["zero"], "negators", "zero")
    ['no']
    """

    origin: str

    def error(
        self, message: str, where: str | None = None, *, key: str | None = None
    ) -> DataFileError:
        """The error to raise for the object at ``where`` (None: the whole file), or for
        its setting ``key``."""
        section = where if key is None or where is None else _inside(where, key)
        return DataFileError(message, path=self.origin, section=section)

    def value(self, mapping: Any, key: str, kind: type, where: str) -> Any:
        """``mapping[key]``, which must be of exactly ``kind`` (never a bool)."""
        name = _KIND_NAMES.get(kind, kind.__name__)
        if not isinstance(mapping, Mapping) or key not in mapping:
            msg = f"missing {name} '{key}'"
            raise self.error(msg, where)
        value = mapping[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            article = "an" if name[0] in "aeiou" else "a"
            msg = f"expected {article} {name}, got {type(value).__name__}"
            raise self.error(msg, where, key=key)
        return value

    def section(self, mapping: Any, key: str, where: str) -> Mapping[str, Any]:
        """The object ``mapping[key]``."""
        value = mapping.get(key) if isinstance(mapping, Mapping) else None
        if value is None:
            msg = f"missing object '{key}'"
            raise self.error(msg, where)
        if not isinstance(value, Mapping):
            msg = f"'{key}' must be an object, got {type(value).__name__}"
            raise self.error(msg, where)
        return value

    def words(self, mapping: Any, key: str, where: str) -> list[str]:
        """The non-empty list of non-empty strings ``mapping[key]``."""
        value = mapping.get(key) if isinstance(mapping, Mapping) else None
        if not isinstance(value, list) or not value:
            msg = f"'{key}' must be a non-empty list of words"
            raise self.error(msg, where)
        if not all(isinstance(w, str) and w.strip() for w in value):
            msg = "every entry must be a non-empty string"
            raise self.error(msg, where, key=key)
        return value

    def counts(self, mapping: Any, key: str, where: str) -> dict[str, int]:
        """The object ``mapping[key]`` of words to whole numbers (keys with ``_`` are notes)."""
        value = self.section(mapping, key, where)
        counts = {w: c for w, c in value.items() if not w.startswith("_")}
        for word, count in counts.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                msg = f"'{word}' must map to a whole number of 0 or more"
                raise self.error(msg, where, key=key)
        return counts

    def whole_number(self, mapping: Any, key: str, where: str) -> int:
        """The whole number of 0 or more ``mapping[key]``."""
        value = mapping.get(key) if isinstance(mapping, Mapping) else None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            msg = f"'{key}' must be a whole number of 0 or more"
            raise self.error(msg, where)
        return value

    def text(self, mapping: Any, key: str, where: str) -> str:
        """The non-empty string ``mapping[key]``."""
        value = mapping.get(key) if isinstance(mapping, Mapping) else None
        if not isinstance(value, str) or not value.strip():
            msg = f"'{key}' must be a non-empty string"
            raise self.error(msg, where)
        return value

    def number(self, value: Any, where: str) -> float:
        """A number of 0 or more (a setting read as ``value``, at dotted path ``where``)."""
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            msg = f"must be a non-negative number, got {value!r}"
            raise self.error(msg, where)
        return float(value)

    def flag(self, value: Any, where: str) -> bool:
        """``true`` or ``false``."""
        if not isinstance(value, bool):
            msg = "must be true or false"
            raise self.error(msg, where)
        return value

    def strings(self, value: Any, where: str, *, non_empty: bool = False) -> list[str]:
        """A list of strings (each non-empty when ``non_empty``); may be empty."""
        if not isinstance(value, list) or not all(
            isinstance(v, str) and (v or not non_empty) for v in value
        ):
            kind = "non-empty strings" if non_empty else "strings"
            msg = f"must be a list of {kind}"
            raise self.error(msg, where)
        return value
