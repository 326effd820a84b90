"""The settings of event grouping, read from ``incidents/data/event_rules.json``.

Every threshold and word list :mod:`incidents.grouping` and :mod:`incidents.events`
use is data in that file; this module parses and checks it, so a user's own rules
file (same format) is refused with the setting named when it is malformed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gazetteer.normalize import normalize_name
from geo.errors import IncidentMapperError
from geo.resources import read_json_resource
from incidents.vocabulary import incident_vocabulary

RULES_FILE = "event_rules.json"
_BUNDLED_ORIGIN = f"incidents/data/{RULES_FILE}"
#: Used when a rules file predates the ``unknown_sources`` setting.
DEFAULT_UNKNOWN_SOURCE_PREFIXES = ("unattributed (",)


@dataclass(frozen=True)
class ClaimRules:
    """How casualty claims are compared (``claims`` in ``event_rules.json``).

    Every phrase is stored normalised (:func:`~gazetteer.normalize.normalize_name`).
    """

    claimant_aliases: tuple[tuple[str, tuple[str, ...]], ...]
    """(canonical claimant, phrases naming it), in file order."""
    claimant_noise_words: frozenset[str]
    lower_bound_words: tuple[str, ...]
    approximate_words: tuple[str, ...]
    approximate_tolerance: float
    vague_words: tuple[str, ...]
    subgroups: tuple[tuple[str, tuple[str, ...]], ...]
    """(group name, words), first match wins."""


@dataclass(frozen=True)
class EventRules:
    """Every setting of the event grouping, from ``incidents/data/event_rules.json``.

    Use :func:`load_event_rules`; the file documents each setting.
    """

    threshold_m: float
    """Distance within which two places are always compatible, by default."""
    group_threshold_m: Mapping[str, float]
    """The same, for type groups with their own value."""
    time_slack: dt.timedelta
    type_groups: Mapping[str, str]
    """Event type -> type group, for types not grouped by their family."""
    context_place_bases: frozenset[str]
    shared_neighbour: bool
    """Whether two places adjacent to one same place are compatible."""
    area_kinds: frozenset[str]
    """Gazetteer kinds that are areas, to which a place known only by context is widened."""
    elsewhere_place_bases: frozenset[str]
    claims: ClaimRules
    unknown_source_prefixes: tuple[str, ...] = DEFAULT_UNKNOWN_SOURCE_PREFIXES
    undated_same_type: bool = True
    """Whether an undated incident must also share its event type with the members it joins."""
    """Sources starting with one of these are unknown: never independent corroboration."""

    def is_unknown_source(self, source: str) -> bool:
        """Whether a source name says that nobody is known to have reported this."""
        return not source.strip() or source.startswith(self.unknown_source_prefixes)

    def threshold_for(self, group: str) -> float:
        """The distance threshold of one type group, in metres."""
        return self.group_threshold_m.get(group, self.threshold_m)

    def group_of(self, event_type: str) -> str:
        """The type group of an event type: its override, else its family, else itself."""
        if event_type in self.type_groups:
            return self.type_groups[event_type]
        known = incident_vocabulary().types.get(event_type)
        return known.family if known is not None else event_type


def _rules_error(message: str, origin: str) -> IncidentMapperError:
    return IncidentMapperError(message, path=origin)


def _section(data: Mapping[str, Any], key: str, origin: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        msg = f"'{key}' must be an object"
        raise _rules_error(msg, origin)
    return value


def _number(value: Any, where: str, origin: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        msg = f"{where} must be a non-negative number, got {value!r}"
        raise _rules_error(msg, origin)
    return float(value)


def _phrases(value: Any, where: str, origin: str) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        value = value.get("values")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where} must be a list of strings"
        raise _rules_error(msg, origin)
    return tuple(dict.fromkeys(p for p in (normalize_name(v) for v in value) if p))


def _identifiers(value: Any, where: str, origin: str) -> frozenset[str]:
    """Names of values in the incident table or the gazetteer, kept as written."""
    if isinstance(value, Mapping):
        value = value.get("values")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where} must be a list of strings"
        raise _rules_error(msg, origin)
    return frozenset(v.strip() for v in value if v.strip())


def _flag(value: Any, where: str, origin: str) -> bool:
    if isinstance(value, Mapping):
        value = value.get("value")
    if not isinstance(value, bool):
        msg = f"{where} must be true or false"
        raise _rules_error(msg, origin)
    return value


def _entries(section: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in section.items() if not k.startswith("_")]


def parse_event_rules(data: Any, *, origin: str) -> EventRules:
    """Build :class:`EventRules` from the parsed JSON of a rules file."""
    if not isinstance(data, Mapping):
        msg = "an event rules file must be a JSON object"
        raise _rules_error(msg, origin)
    thresholds = _section(data, "threshold_m", origin)
    default = _number(thresholds.get("default"), "threshold_m.default", origin)
    group_thresholds = {
        k: _number(v, f"threshold_m.{k}", origin) for k, v in _entries(thresholds) if k != "default"
    }
    slack = _number(
        _section(data, "time_slack_minutes", origin).get("value"), "time_slack_minutes", origin
    )
    groups = {}
    for event_type, group in _entries(_section(data, "type_groups", origin)):
        if not isinstance(group, str) or not group:
            msg = f"type_groups.{event_type} must be a group name"
            raise _rules_error(msg, origin)
        groups[event_type] = group
    claims = _section(data, "claims", origin)
    aliases = tuple(
        (normalize_name(name), _phrases(phrases, f"claims.claimant_aliases.{name}", origin))
        for name, phrases in _entries(_section(claims, "claimant_aliases", origin))
    )
    subgroups = tuple(
        (name, _phrases(words, f"claims.subgroups.{name}", origin))
        for name, words in _entries(_section(claims, "subgroups", origin))
    )
    claim_rules = ClaimRules(
        claimant_aliases=aliases,
        claimant_noise_words=frozenset(
            _phrases(claims.get("claimant_noise_words"), "claims.claimant_noise_words", origin)
        ),
        lower_bound_words=_phrases(
            claims.get("lower_bound_words"), "claims.lower_bound_words", origin
        ),
        approximate_words=_phrases(
            claims.get("approximate_words"), "claims.approximate_words", origin
        ),
        approximate_tolerance=_number(
            claims.get("approximate_tolerance"), "claims.approximate_tolerance", origin
        ),
        vague_words=_phrases(claims.get("vague_words"), "claims.vague_words", origin),
        subgroups=subgroups,
    )
    return EventRules(
        threshold_m=default,
        group_threshold_m=MappingProxyType(group_thresholds),
        time_slack=dt.timedelta(minutes=slack),
        type_groups=MappingProxyType(groups),
        context_place_bases=_identifiers(
            data.get("context_place_bases"), "context_place_bases", origin
        ),
        area_kinds=_identifiers(data.get("area_kinds"), "area_kinds", origin),
        shared_neighbour=_flag(data.get("shared_neighbour"), "shared_neighbour", origin),
        elsewhere_place_bases=_identifiers(
            data.get("elsewhere_place_bases"), "elsewhere_place_bases", origin
        ),
        claims=claim_rules,
        unknown_source_prefixes=_unknown_source_prefixes(data.get("unknown_sources"), origin),
        undated_same_type=(
            True
            if data.get("undated") is None
            else _flag(
                _section(data, "undated", origin).get("same_place_and_type"),
                "undated.same_place_and_type",
                origin,
            )
        ),
    )


def _unknown_source_prefixes(value: Any, origin: str) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_UNKNOWN_SOURCE_PREFIXES
    if isinstance(value, Mapping):
        value = value.get("prefixes")
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        msg = "unknown_sources.prefixes must be a list of non-empty strings"
        raise _rules_error(msg, origin)
    return tuple(value)


@cache
def _bundled_rules() -> EventRules:
    return parse_event_rules(read_json_resource("incidents", RULES_FILE), origin=_BUNDLED_ORIGIN)


def load_event_rules(path: str | Path | None = None) -> EventRules:
    """The bundled event rules, or those of a user's rules file (same format)."""
    if path is None:
        return _bundled_rules()
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        msg = "event rules file not found"
        raise IncidentMapperError(msg, path=path) from exc
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise IncidentMapperError(msg, path=path, line=exc.lineno) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"event rules file cannot be read: {exc}"
        raise IncidentMapperError(msg, path=path) from exc
    return parse_event_rules(data, origin=str(path))
