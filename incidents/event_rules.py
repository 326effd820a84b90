"""The settings of event grouping, read from ``incidents/data/event_rules.json``.

Every threshold and word list :mod:`incidents.grouping` and :mod:`incidents.events`
use is data in that file; this module parses and checks it, so a user's own rules
file (same format) is refused with the setting named when it is malformed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gazetteer.normalize import normalize_name
from geo.resources import DataChecks, bundled_origin, read_json_file, read_json_resource
from incidents.vocabulary import incident_vocabulary

RULES_FILE = "event_rules.json"
_BUNDLED_ORIGIN = bundled_origin("incidents", RULES_FILE)
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


def _phrases(value: Any, where: str, checks: DataChecks) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        value = value.get("values")
    phrases = checks.strings(value, where)
    return tuple(dict.fromkeys(p for p in (normalize_name(v) for v in phrases) if p))


def _identifiers(value: Any, where: str, checks: DataChecks) -> frozenset[str]:
    """Names of values in the incident table or the gazetteer, kept as written."""
    if isinstance(value, Mapping):
        value = value.get("values")
    return frozenset(v.strip() for v in checks.strings(value, where) if v.strip())


def _flag(value: Any, where: str, checks: DataChecks) -> bool:
    if isinstance(value, Mapping):
        value = value.get("value")
    return checks.flag(value, where)


def _entries(section: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in section.items() if not k.startswith("_")]


def parse_event_rules(data: Any, *, origin: str) -> EventRules:
    """Build :class:`EventRules` from the parsed JSON of a rules file."""
    checks = DataChecks(origin)
    if not isinstance(data, Mapping):
        msg = "an event rules file must be a JSON object"
        raise checks.error(msg)
    thresholds = checks.section(data, "threshold_m", "top")
    default = checks.number(thresholds.get("default"), "threshold_m.default")
    group_thresholds = {
        k: checks.number(v, f"threshold_m.{k}") for k, v in _entries(thresholds) if k != "default"
    }
    slack = checks.number(
        checks.section(data, "time_slack_minutes", "top").get("value"), "time_slack_minutes"
    )
    groups = {}
    for event_type, group in _entries(checks.section(data, "type_groups", "top")):
        if not isinstance(group, str) or not group:
            msg = "must be a group name"
            raise checks.error(msg, "type_groups", key=event_type)
        groups[event_type] = group
    claims = checks.section(data, "claims", "top")
    aliases = tuple(
        (normalize_name(name), _phrases(phrases, f"claims.claimant_aliases.{name}", checks))
        for name, phrases in _entries(checks.section(claims, "claimant_aliases", "claims"))
    )
    subgroups = tuple(
        (name, _phrases(words, f"claims.subgroups.{name}", checks))
        for name, words in _entries(checks.section(claims, "subgroups", "claims"))
    )
    claim_rules = ClaimRules(
        claimant_aliases=aliases,
        claimant_noise_words=frozenset(
            _phrases(claims.get("claimant_noise_words"), "claims.claimant_noise_words", checks)
        ),
        lower_bound_words=_phrases(
            claims.get("lower_bound_words"), "claims.lower_bound_words", checks
        ),
        approximate_words=_phrases(
            claims.get("approximate_words"), "claims.approximate_words", checks
        ),
        approximate_tolerance=checks.number(
            claims.get("approximate_tolerance"), "claims.approximate_tolerance"
        ),
        vague_words=_phrases(claims.get("vague_words"), "claims.vague_words", checks),
        subgroups=subgroups,
    )
    return EventRules(
        threshold_m=default,
        group_threshold_m=MappingProxyType(group_thresholds),
        time_slack=dt.timedelta(minutes=slack),
        type_groups=MappingProxyType(groups),
        context_place_bases=_identifiers(
            data.get("context_place_bases"), "context_place_bases", checks
        ),
        area_kinds=_identifiers(data.get("area_kinds"), "area_kinds", checks),
        shared_neighbour=_flag(data.get("shared_neighbour"), "shared_neighbour", checks),
        elsewhere_place_bases=_identifiers(
            data.get("elsewhere_place_bases"), "elsewhere_place_bases", checks
        ),
        claims=claim_rules,
        unknown_source_prefixes=_unknown_source_prefixes(data.get("unknown_sources"), checks),
        undated_same_type=(
            True
            if data.get("undated") is None
            else _flag(
                checks.section(data, "undated", "top").get("same_place_and_type"),
                "undated.same_place_and_type",
                checks,
            )
        ),
    )


def _unknown_source_prefixes(value: Any, checks: DataChecks) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_UNKNOWN_SOURCE_PREFIXES
    if isinstance(value, Mapping):
        value = value.get("prefixes")
    return tuple(checks.strings(value, "unknown_sources.prefixes", non_empty=True))


@cache
def _bundled_rules() -> EventRules:
    return parse_event_rules(read_json_resource("incidents", RULES_FILE), origin=_BUNDLED_ORIGIN)


def load_event_rules(path: str | Path | None = None) -> EventRules:
    """The bundled event rules, or those of a user's rules file (same format)."""
    if path is None:
        return _bundled_rules()
    return parse_event_rules(read_json_file(path, what="event rules file"), origin=str(path))
