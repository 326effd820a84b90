"""Reading the JSON data files packages ship (vocabularies, gazetteer, styles)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from geo.errors import IncidentMapperError


def read_json_resource(package: str, name: str) -> dict[str, Any]:
    """The JSON object in ``<package>/data/<name>``, with a message naming file and line
    when it is broken (someone edited it by hand)."""
    origin = f"{package}/data/{name}"
    resource = resources.files(package).joinpath("data").joinpath(name)
    try:
        raw = json.loads(resource.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        raise IncidentMapperError(msg, path=origin, line=exc.lineno) from exc
    if not isinstance(raw, dict):
        msg = "expected a JSON object at the top level"
        raise IncidentMapperError(msg, path=origin)
    return raw
