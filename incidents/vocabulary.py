"""The incident vocabulary: types, their triggers and ACLED mapping, weapons, targets,
status cues and actors.

Loaded once from ``data/incident_types.json`` and ``data/actors.json``; the code
here only knows the shape of those files, never their words. Every phrase of every
kind goes into one automaton (:attr:`Vocabulary.matcher`), so a text is read once
for all of them; each match carries a :class:`Term` saying what it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from gazetteer.normalize import is_arabic_letter, normalize_name
from gazetteer.pack import Pack, bundled_pack
from gazetteer.phrases import PhraseMatcher
from geo.errors import IncidentMapperError
from geo.resources import read_json_resource

TermKind = Literal[
    "trigger",
    "firearm_trigger",
    "object_trigger",
    "object",
    "aimed_trigger",
    "weapon",
    "firearm",
    "armed",
    "target",
    "cue",
    "actor",
    "symbol",
    "idiom",
    "reference",
]

#: The values of an incident's ``status``.
STATUSES = ("happened", "reported", "announced", "threatened", "denied")
#: Cue kinds of ``status.cues`` in incident_types.json.
CUE_KINDS = ("announced", "call", "threatened", "conditional", "denied", "reported")


@dataclass(frozen=True)
class Term:
    """What a vocabulary phrase stands for: a kind and its value (a type id, a weapon
    or target name, a cue kind, an actor name)."""

    kind: TermKind
    value: str
    future: bool = False
    """For Arabic triggers written with the future prefix (سيقتحمون)."""


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
    yields_to: frozenset[str] = frozenset()
    """Types that, found in the same sentence, tell the same thing more precisely
    ("an explosion" beside "a car bomb")."""
    armed_variant: str | None = None
    """The type this one becomes when the sentence names armed men (a clash of
    militiamen is an armed clash)."""
    absorbed_by: frozenset[str] = frozenset()
    absorbed_triggers: frozenset[str] = frozenset()
    """Normalised triggers (a fire that broke out) that tell a consequence, not a new
    incident, once the report has told one of ``absorbed_by`` (an explosion)."""
    armed_only_triggers: frozenset[str] = frozenset()
    """Normalised triggers that count only where armed men are named ("took him away":
    an abduction by gunmen, not police leading someone away)."""
    unyielding_triggers: frozenset[str] = frozenset()
    """Normalised triggers that never give way to ``yields_to`` ("a bomb hidden in a
    parked car" beside "a suicide bomber": the parked one was not driven; "shot dead"
    beside "explosions killed another two": a shooting is no blast's doing)."""
    definite_objects: Mapping[str, str] = field(default_factory=dict)
    """Normalised trigger phrase -> the trigger of this type it holds after a definite
    determiner ("took part in the protest" -> "protest"): a phrase that names the
    incident again, as that noun would alone."""


@dataclass(frozen=True)
class Weapon:
    name: str
    event_types: frozenset[str]
    firearm: bool


@dataclass(frozen=True)
class Vocabulary:
    """Incident types, weapons, targets, status cues and actors, with one matcher for all."""

    types: dict[str, IncidentType]
    matcher: PhraseMatcher[Term]
    negations: frozenset[str]
    negation_window: int
    not_event_after: tuple[str, ...]
    """Normalised phrases after which a trigger names an actor, not an incident."""
    weapons: dict[str, Weapon]
    weaponless_sub_event_types: frozenset[str]
    target_event_types: frozenset[str]
    status_window: int
    call_threatens: frozenset[str]
    acled_taxonomy: dict[str, tuple[str, ...]]
    definite_determiners: frozenset[str]
    indefinite_determiners: frozenset[str]
    arabic_article: str
    re_mention_event_types: frozenset[str]
    ordinals: frozenset[str]
    not_armed_after: tuple[str, ...]
    reference_window: int = 0
    partitives: tuple[str, ...] = ()
    clause_bound_event_types: frozenset[str] = frozenset()
    """ACLED event types whose triggers give way to another event type's only in their
    own clause (a crowd's arson is no consequence of a blast told in another clause)."""
    """Phrases naming one of several told together ("one of Monday's blasts")."""
    protest_only_types: frozenset[str] = frozenset()
    protest_only_otherwise: Mapping[str, str] = field(default_factory=dict)
    """What a protest-only type told alone with a toll is elsewhere (gunfire: an attack)."""
    """Types told only where the report has told protesters (gunfire is excessive force
    against protesters only at a protest)."""
    coordinators: frozenset[str] = frozenset()
    """Words that join two triggers under one cue ("car bombs and suicide bombers")."""
    habitual: tuple[str, ...] = ()
    """Normalised phrases that, soon after a trigger in its clause, make it a habit
    ("attacked it again and again"), not an incident."""
    habitual_window: int = 0
    habitual_before: frozenset[str] = frozenset()
    """Adverbs of frequency: a trigger right after one tells a habit ("often strike")."""
    generic_before: frozenset[str] = frozenset()
    """Normalised phrases right before a trigger that make it a trend or a kind, not an
    incident ("a rise in sticky bombs", "ارتفاع عدد التفجيرات")."""
    comparatives: frozenset[str] = frozenset()
    """Normalised comparatives ("more") that with a "than" after the trigger compare
    numbers of a kind ("more suicide bombings than any week before")."""
    generic_after: tuple[str, ...] = ()
    """Normalised phrases right after a trigger that make it a statement about a kind of
    incident, not an incident ("car bombs are still a threat")."""
    summary_determiners: tuple[str, ...] = ()
    """Normalised words before a trigger that sum up several incidents ("a string of")."""
    salvo_sub_event_types: frozenset[str] = frozenset()
    foiled_sub_event_types: frozenset[str] = frozenset()
    anaphoric: frozenset[str] = frozenset()
    """Demonstratives before an ordinal that point back ("that second blast")."""
    turned_violent: tuple[str, str] | None = None
    """(protest, riot) ACLED event types: "the protest" after a riot that day is that riot."""
    hypothetical_after: frozenset[str] = frozenset()
    """Normalised modals that, after a trigger in its clause, make it what may come."""
    hypothetical_not_before: frozenset[str] = frozenset()
    """Words after such a modal that make it speculation about the past ("might have")."""
    denied_role: tuple[str, ...] = ()
    """Normalised phrases that, between a denial and a trigger, deny a part in it, not the
    incident ("denied playing any part in the clashes")."""
    arabic_proclitics: frozenset[str] = frozenset()
    """One-letter Arabic prepositions and conjunctions written onto the next word (ب و ف ل)."""
    definite_re_mention_types: frozenset[str] = frozenset()
    """Incident types whose definite mentions only ("the ban", "the storming",
    "الاقتحام") join the incident of the same type told earlier."""
    object_windows: dict[str, int] = field(default_factory=dict)
    """For types with ``object_triggers`` (a ban verb): how many words after it the thing
    it stops ("vehicles") may stand."""
    symbolic_types: frozenset[str] = frozenset()
    """Types that a symbolic object beside the trigger discounts (a Quran burning is no arson)."""
    symbolic_window: int = 0

    @property
    def triggers(self) -> PhraseMatcher[Term]:
        """The matcher (kept under its old name for callers that only want triggers)."""
        return self.matcher


def _read(name: str) -> dict:
    return read_json_resource("incidents", name)


def _figurative(idioms: dict[str, Any]) -> list[str]:
    """The set phrases of a verb used figuratively: each of its forms before each of its
    objects, bare or after "the" ("defused tensions", "defusing the crisis")."""
    return [
        f"{verb} {the}{thing}"
        for group in idioms.get("figurative", ())
        for verb in group["verbs"]
        for thing in group["objects"]
        for the in ("", "the ")
    ]


def _with_article(phrase: str, article: str) -> list[str]:
    """An Arabic phrase with its definite forms (انفجار -> الانفجار; عبوة ناسفة ->
    العبوة الناسفة; إطلاق نار -> إطلاق النار): the article is written joined to the word,
    so a phrase listed once is found however the text defines it."""
    words = phrase.split()
    if not words or not is_arabic_letter(words[0][0]):
        return [phrase]
    bare = [w[len(article) :] if w.startswith(article) else w for w in words]
    forms = {
        phrase,
        " ".join(bare),
        " ".join([article + bare[0], *bare[1:]]),
        " ".join(article + w for w in bare),
        " ".join([*bare[:-1], article + bare[-1]]),
    }
    return sorted(forms)


def _accusative_forms(
    phrase: str, article: str, suffix: str, not_after: tuple[str, ...]
) -> list[str]:
    """An indefinite Arabic phrase in the accusative, written with a final alif on each
    word that takes one (اعتصام -> اعتصاما; هجوم مسلح -> هجوما مسلحا); [] otherwise."""
    words = phrase.split()
    if not words or not all(is_arabic_letter(w[0]) for w in words):
        return []
    if any(w.startswith(article) for w in words):
        return []
    marked = [w if w.endswith(not_after) else w + suffix for w in words]
    return [" ".join(marked)] if marked != words else []


def _future_forms(phrase: str, prefix: str, imperfect: str) -> list[str]:
    """An Arabic imperfect-verb trigger with the future prefix glued on (يقتحمون -> سيقتحمون)."""
    key = normalize_name(phrase)
    if key and is_arabic_letter(key[0]) and key[0] in imperfect and " " not in key:
        return [prefix + key]
    return []


def type_label(event_type: str) -> str:
    """The label of an incident type, wherever one is shown (the map's legend, popups and
    table, an event's summary): its ``label`` in ``incidents/data/incident_types.json``; a
    type that file lacks (from a table made elsewhere) is its name in words, capitalised
    like the others ("new_type" -> "New type")."""
    kind = _bundled_incident_vocabulary().types.get(event_type)
    if kind is not None:
        return kind.label
    words = " ".join(event_type.replace("_", " ").split())
    return words[:1].upper() + words[1:]


def type_acled_event_type(event_type: str) -> str | None:
    """The ACLED event type an incident type is coded as in
    ``incidents/data/incident_types.json`` (None for a type ACLED codes no event for, or
    one that file lacks)."""
    kind = _bundled_incident_vocabulary().types.get(event_type)
    return kind.acled_event_type if kind is not None else None


def _definite_objects(
    triggers: set[str], weak: set[str], determiners: frozenset[str]
) -> dict[str, str]:
    """Each trigger phrase that holds a trigger of its own type after a definite
    determiner ("took part in the protest", "joined the rally"), with that trigger.
    "rushed the gate" and "blocked the road" hold none: they name no incident."""
    known = triggers | weak
    found = {}
    for phrase in triggers:
        words = phrase.split()
        at = next((i for i in range(len(words) - 2, 0, -1) if words[i] in determiners), None)
        if at is not None and (noun := " ".join(words[at + 1 :])) in known:
            found[phrase] = noun
    return found


def incident_vocabulary(pack: Pack | None = None) -> Vocabulary:
    """The incident vocabulary with ``pack``'s actor overlay and country (the bundled
    pack's by default): ``{country}`` in an actor label is the pack's country name, so
    a Beirut pack says "Security forces (Lebanon)"."""
    if pack is None:
        return _bundled_incident_vocabulary()
    actors, replaces = pack.overlay("actors")
    return _incident_vocabulary(tuple(actors or ()), replaces, pack.country_name)


@cache
def _bundled_incident_vocabulary() -> Vocabulary:
    pack = bundled_pack()
    actors, replaces = pack.overlay("actors")
    return _incident_vocabulary(tuple(actors or ()), replaces, pack.country_name)


@cache
def _incident_vocabulary(
    actor_overlay: tuple[tuple[str, tuple[str, ...]], ...],
    replace_actors: bool,
    country_name: str,
) -> Vocabulary:
    raw = _read("incident_types.json")
    taxonomy = {
        event: tuple(subs) for event, subs in raw["acled_taxonomy"].items() if event != "_doc"
    }
    article = raw["re_mention"]["arabic_article"]
    accusative = (
        raw["re_mention"]["arabic_accusative_suffix"],
        tuple(raw["re_mention"]["arabic_accusative_not_after"]),
    )

    def forms(phrase: str) -> list[str]:
        """A phrase with its definite and accusative Arabic forms."""
        return [*_with_article(phrase, article), *_accusative_forms(phrase, article, *accusative)]

    determiners = frozenset(normalize_name(w) for w in raw["re_mention"]["determiners"])
    types: dict[str, IncidentType] = {}
    parked: dict[str, list[str]] = {
        type_id: [p for parts in spec.get("parked_triggers", ()) for p in _composed(parts)]
        for type_id, spec in raw["types"].items()
    }
    for type_id, spec in raw["types"].items():
        event, sub = spec.get("acled_event_type"), spec.get("acled_sub_event_type")
        if event is not None and sub not in taxonomy.get(event, ()):
            msg = f"incident type '{type_id}': '{event}' / '{sub}' is not in acled_taxonomy"
            raise IncidentMapperError(msg, path="<bundled incidents/data/incident_types.json>")
        types[type_id] = IncidentType(
            id=type_id,
            label=spec["label"],
            family=spec["family"],
            acled_event_type=event,
            acled_sub_event_type=sub,
            fallback=bool(spec.get("fallback", False)),
            triggers=tuple(spec["triggers"]),
            weak_triggers=frozenset(
                normalize_name(form) for w in spec.get("weak_triggers", ()) for form in forms(w)
            ),
            yields_to=frozenset(spec.get("yields_to", ())),
            armed_variant=spec.get("armed_variant"),
            absorbed_by=frozenset(spec.get("absorbed_by", ())),
            absorbed_triggers=frozenset(
                normalize_name(form) for w in spec.get("absorbed_triggers", ()) for form in forms(w)
            ),
            armed_only_triggers=frozenset(
                normalize_name(form)
                for w in spec.get("armed_only_triggers", ())
                for form in forms(w)
            ),
            unyielding_triggers=frozenset(
                normalize_name(form)
                for w in (*parked[type_id], *spec.get("unyielding_triggers", ()))
                for form in forms(w)
            ),
            definite_objects=_definite_objects(
                {normalize_name(form) for w in spec["triggers"] for form in forms(w)},
                {normalize_name(w) for w in spec.get("weak_triggers", ())},
                determiners,
            ),
        )
    status = raw["status"]
    prefix, imperfect = status["future_prefix"], status["imperfect_letters"]
    terms: list[tuple[str, Term]] = []
    object_windows: dict[str, int] = {}
    for type_id, spec in raw["types"].items():
        for listed in (*spec["triggers"], *parked[type_id]):
            terms.extend((form, Term("trigger", type_id)) for form in forms(listed))
            phrase = listed
            terms.extend(
                (form, Term("trigger", type_id, future=True))
                for form in _future_forms(phrase, prefix, imperfect)
            )
        terms.extend(
            (phrase, Term("firearm_trigger", type_id))
            for phrase in spec.get("firearm_triggers", ())
        )
        terms.extend(
            (phrase, Term("aimed_trigger", type_id))
            for phrase in spec.get("aimed_firearm_triggers", ())
        )
        terms.extend(
            (phrase, Term("object_trigger", type_id)) for phrase in spec.get("object_triggers", ())
        )
        terms.extend((phrase, Term("object", type_id)) for phrase in spec.get("objects", ()))
        if "object_window" in spec:
            object_windows[type_id] = int(spec["object_window"])
    weapons: dict[str, Weapon] = {}
    for name, spec in raw["weapons"]["entries"].items():
        weapons[name] = Weapon(name, frozenset(spec["event_types"]), bool(spec.get("firearm")))
        terms.extend(
            (form, Term("weapon", name))
            for phrase in spec["phrases"]
            for form in _with_article(phrase, article)
        )
    terms.extend(
        (phrase, Term("firearm", "firearm")) for phrase in raw["weapons"]["firearm_bearers"]
    )
    terms.extend((phrase, Term("armed", "armed")) for phrase in raw["armed_actors"]["words"])
    for name, phrases in raw["targets"]["entries"].items():
        terms.extend(
            (form, Term("target", name))
            for phrase in phrases
            for form in _with_article(phrase, article)
        )
    terms.extend((phrase, Term("idiom", "idiom")) for phrase in raw["idioms"]["phrases"])
    terms.extend((phrase, Term("idiom", "idiom")) for phrase in _figurative(raw["idioms"]))
    reference = raw["reference_before"]
    terms.extend(
        (phrase, Term("reference", "reference"))
        for key in ("phrases", "held_phrases")
        for phrase in reference.get(key, ())
    )
    terms.extend((phrase, Term("reference", "none")) for phrase in reference.get("not_held", ()))
    symbolic = raw["symbolic_objects"]
    terms.extend(
        (form, Term("symbol", "symbol"))
        for phrase in symbolic["words"]
        for form in _with_article(phrase, article)
    )
    for kind in CUE_KINDS:
        terms.extend((phrase, Term("cue", kind)) for phrase in status["cues"][kind])
    terms.extend((phrase, Term("cue", "announced_after")) for phrase in status["announced_after"])
    actors_raw: dict[str, list[str]] = {}
    if not replace_actors:
        actors_raw.update(_read("actors.json")["actors"])
    for actor, phrases in actor_overlay:
        actors_raw[actor] = [*actors_raw.get(actor, []), *phrases]
    terms.extend(
        (phrase, Term("actor", actor.replace("{country}", country_name)))
        for actor, phrases in actors_raw.items()
        for phrase in phrases
    )
    return Vocabulary(
        types=types,
        matcher=PhraseMatcher(terms),
        negations=frozenset(normalize_name(n) for n in raw["negations"]),
        negation_window=int(raw["negation_window"]),
        not_event_after=tuple(normalize_name(n) for n in raw.get("not_event_after", ())),
        weapons=weapons,
        weaponless_sub_event_types=frozenset(raw["weapons"]["not_for_sub_event_types"]),
        target_event_types=frozenset(raw["targets"]["event_types"]),
        status_window=int(status["window"]),
        call_threatens=frozenset(status["call_threatens"]),
        acled_taxonomy=taxonomy,
        definite_determiners=frozenset(normalize_name(w) for w in raw["re_mention"]["determiners"]),
        indefinite_determiners=frozenset(
            normalize_name(w) for w in raw["re_mention"]["indefinite_determiners"]
        ),
        arabic_article=normalize_name(raw["re_mention"]["arabic_article"]),
        re_mention_event_types=frozenset(raw["re_mention"]["event_types"]),
        ordinals=frozenset(normalize_name(w) for w in raw["re_mention"]["ordinals"]),
        partitives=tuple(normalize_name(w) for w in raw["re_mention"].get("partitives", ())),
        clause_bound_event_types=frozenset(raw.get("yields_in_clause_only", ())),
        not_armed_after=tuple(normalize_name(w) for w in raw["armed_actors"]["not_after"]),
        coordinators=frozenset(normalize_name(w) for w in status["coordinators"]),
        protest_only_types=frozenset(raw.get("protest_only_types", ())),
        protest_only_otherwise=dict(raw.get("protest_only_otherwise", {})),
        reference_window=int(raw["reference_before"]["window"]),
        generic_after=tuple(normalize_name(w) for w in raw["generic_after"]),
        generic_before=frozenset(normalize_name(w) for w in raw.get("generic_before", ())),
        comparatives=frozenset(normalize_name(w) for w in raw.get("comparatives", ())),
        habitual=tuple(normalize_name(w) for w in raw["habitual"]),
        habitual_window=int(raw["habitual_window"]),
        habitual_before=frozenset(normalize_name(w) for w in raw.get("habitual_before", ())),
        summary_determiners=tuple(
            normalize_name(w) for w in raw["re_mention"]["summary_determiners"]
        ),
        salvo_sub_event_types=frozenset(raw["re_mention"]["salvo_sub_event_types"]),
        foiled_sub_event_types=frozenset(raw["re_mention"].get("foiled_sub_event_types", ())),
        definite_re_mention_types=frozenset(raw["re_mention"].get("definite_types", ())),
        denied_role=tuple(normalize_name(w) for w in status.get("denied_role", ())),
        hypothetical_after=frozenset(
            normalize_name(w) for w in status.get("hypothetical_after", ())
        ),
        hypothetical_not_before=frozenset(
            normalize_name(w) for w in status.get("hypothetical_not_before", ())
        ),
        turned_violent=_pair(raw["re_mention"].get("turned_violent")),
        anaphoric=frozenset(
            normalize_name(w) for w in raw["re_mention"].get("anaphoric_determiners", ())
        ),
        arabic_proclitics=frozenset(
            normalize_name(w) for w in raw["re_mention"].get("arabic_proclitics", ())
        ),
        object_windows=object_windows,
        symbolic_types=frozenset(symbolic["types"]),
        symbolic_window=int(symbolic["window"]),
    )


def _composed(parts: list[list[str]]) -> list[str]:
    """Every phrase of one word or phrase of each part, in order (``parked_triggers``)."""
    return [" ".join(words) for words in itertools.product(*parts)]


def _pair(value: object) -> tuple[str, str] | None:
    """A two-item list of the data as a pair, or None when the data has none."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    return str(value[0]), str(value[1])
