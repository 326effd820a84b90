"""The incident vocabulary: types, their triggers and ACLED mapping, and actors.

Loaded once from ``data/incident_types.json`` and ``data/actors.json``; the code
here only knows the shape of those files, never their words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gazetteer.normalize import normalize_name
from gazetteer.phrases import PhraseMatcher
from geo.resources import read_json_resource


@dataclass(frozen=True)
class IncidentType:
    """One kind of incident and how it maps onto ACLED's event types."""

    id: str
    label: str
    family: str
    acled_event_type: str | None
    acled_sub_event_type: str | None
    fallback: bool
    triggers: tuple[str, ...]
    weak_triggers: frozenset[str]
    """Normalised triggers that count only when nothing else is found."""


@dataclass(frozen=True)
class Vocabulary:
    """Incident types with a matcher for their triggers, and actors with theirs."""

    types: dict[str, IncidentType]
    triggers: PhraseMatcher[str]
    actors: PhraseMatcher[str]
    negations: frozenset[str]
    negation_window: int
    not_event_after: tuple[str, ...]
    hypothetical_before: tuple[str, ...]
    hypothetical_window: int
    """Normalised phrases after which a trigger names an actor, not an incident."""


def _read(name: str) -> dict:
    return read_json_resource("incidents", name)


@cache
def incident_vocabulary() -> Vocabulary:
    """The bundled incident vocabulary."""
    raw = _read("incident_types.json")
    types = {
        type_id: IncidentType(
            id=type_id,
            label=spec["label"],
            family=spec["family"],
            acled_event_type=spec.get("acled_event_type"),
            acled_sub_event_type=spec.get("acled_sub_event_type"),
            fallback=bool(spec.get("fallback", False)),
            triggers=tuple(spec["triggers"]),
            weak_triggers=frozenset(normalize_name(w) for w in spec.get("weak_triggers", ())),
        )
        for type_id, spec in raw["types"].items()
    }
    triggers = PhraseMatcher((phrase, t.id) for t in types.values() for phrase in t.triggers)
    actors_raw = _read("actors.json")["actors"]
    actors = PhraseMatcher(
        (phrase, actor) for actor, phrases in actors_raw.items() for phrase in phrases
    )
    return Vocabulary(
        types=types,
        triggers=triggers,
        actors=actors,
        negations=frozenset(normalize_name(n) for n in raw["negations"]),
        negation_window=int(raw["negation_window"]),
        not_event_after=tuple(normalize_name(n) for n in raw.get("not_event_after", ())),
        hypothetical_before=tuple(normalize_name(n) for n in raw.get("hypothetical_before", ())),
        hypothetical_window=int(raw.get("hypothetical_window", 0)),
    )
