"""The geoparser's vocabulary of context words, loaded from ``data/context.json`` with
the active pack's overlays (organisations, outlets, demonyms, home demonyms)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from gazetteer.normalize import normalize_name
from gazetteer.variants import fold_word
from geo.resources import read_json_resource

if TYPE_CHECKING:
    from gazetteer.pack import Pack


@dataclass(frozen=True)
class ContextVocabulary:
    """Word lists the resolver reads context with; all phrases pre-normalised."""

    organisations: tuple[str, ...]
    organisation_suffixes: frozenset[str]
    attribute_suffixes: frozenset[str]
    attribute_prefixes: frozenset[str]
    demonyms: dict[str, tuple[str, ...]]
    country_locational_followers: frozenset[str]
    reporting_verbs: frozenset[str]
    according_to: tuple[str, ...]
    speaker_lead_ins: tuple[str, ...]
    """Words naming a speaker of the institution that follows ("a source in", "مصدر في")."""
    body_nouns: frozenset[str]
    """Nouns a feature noun can modify to name a body ('the district council')."""
    appositive_media_nouns: frozenset[str]
    """Nouns that make a name with an appositive a medium ("X, a Telegram channel")."""
    government_verbs: frozenset[str]
    """Verbs that make a city opening a sentence its government ("Baghdad condemned")."""
    blame_verbs: frozenset[str]
    """Verbs that make the institution after them an actor ("accused the embassy")."""
    nationality_kinds: frozenset[str]
    """Noun kinds an adjective of origin after them makes another country's (السفارة المصرية)."""
    institution_kinds: frozenset[str]
    unique_fallback_kinds: frozenset[str]
    feature_nouns: dict[str, dict[str, tuple[str, ...]]]
    connectors: frozenset[str]
    member_kinds: frozenset[str]
    anaphoric_places: tuple[str, ...]
    max_connector_words: int
    definite: frozenset[str]
    indefinite: frozenset[str]
    quantity: frozenset[str]
    relations: dict[str, tuple[str, ...]]
    relation_fillers: frozenset[str]
    sentence_opening_relations: frozenset[str]
    """Relation words that frame a sentence only when they open it ("Beyond the capital, ...")."""
    max_relation_fillers: int
    relation_lead_ins: tuple[str, ...]
    world: dict[str, Any]
    generic_words: dict[str, str]
    """Folded generic word -> the kind it names (gazetteer/variants.py)."""
    abbreviations: dict[str, str]
    arabic_generic_words: dict[str, str]
    """Normalised Arabic generic word (جسر, ميدان) -> the kind it names."""
    arabic_area_words: frozenset[str]
    arabic_coordinating_generics: frozenset[str]
    kind_fits: dict[str, frozenset[str]]
    """Noun kind -> the gazetteer kinds it may stand for."""
    capital_demonyms: frozenset[str]
    city_kinds: frozenset[str]
    address_words: frozenset[str]
    abroad_words: frozenset[str]
    city_qualifiers: frozenset[str]
    honorifics: frozenset[str]
    distance_anchor_skip_kinds: frozenset[str]
    article_kinds: frozenset[str]
    """Gazetteer kinds named with the article ("the Tigris"): written without one of
    :attr:`articles`, a name such a place shares with a world place is the world place."""
    articles: frozenset[str]
    container_nouns: frozenset[str]
    organisation_prefixes: tuple[str, ...]
    organisation_suffixes_any_case: frozenset[str]
    person_titles: frozenset[str]
    dateline_pattern: str
    dateline_line_end_separators: str
    dated_dateline_pattern: str
    person_guard: bool


def _norm_all(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in (normalize_name(v) for v in values) if n))


def context_vocabulary(pack: Pack | None = None) -> ContextVocabulary:
    """The context vocabulary with ``pack``'s overlays (the bundled pack's by default).

    ``organisations`` and ``outlets`` extend the organisation list (or replace it
    when the pack says so), ``demonyms`` the demonyms, and ``home_demonyms``
    ("Lebanese", "اللبنانية") are what names the home city in "the Lebanese capital".
    """
    if pack is None:
        return _bundled_context_vocabulary()
    return _pack_context_vocabulary(pack)


@cache
def _bundled_context_vocabulary() -> ContextVocabulary:
    from gazetteer.pack import bundled_pack

    return _pack_context_vocabulary(bundled_pack())


def _pack_context_vocabulary(pack: Pack) -> ContextVocabulary:
    names: list[str] = []
    replace_names = False
    for key in ("organisations", "outlets"):
        words, replaces = pack.overlay(key)
        names.extend(words or ())
        replace_names = replace_names or replaces
    demonyms, replace_demonyms = pack.overlay("demonyms")
    home, _ = pack.overlay("home_demonyms")
    return _context_vocabulary(
        tuple(names),
        replace_names,
        tuple(demonyms or ()),
        replace_demonyms,
        tuple(home or ()),
        pack.country.casefold(),
    )


@cache
def _context_vocabulary(
    organisations: tuple[str, ...],
    replace_organisations: bool,
    demonyms: tuple[tuple[str, tuple[str, ...]], ...],
    replace_demonyms: bool,
    home_demonyms: tuple[str, ...],
    country_key: str,
) -> ContextVocabulary:
    raw = read_json_resource("gazetteer", "context.json")
    determiners = raw["determiners"]
    bundled_names = [] if replace_organisations else raw["organisations"]
    all_demonyms: dict[str, list[str]] = {} if replace_demonyms else dict(raw["demonyms"])
    for key, words in demonyms:
        all_demonyms[key] = [*all_demonyms.get(key, []), *words]
    known = {normalize_name(w) for words in all_demonyms.values() for w in words}
    new_home = [w for w in home_demonyms if normalize_name(w) not in known]
    if new_home:
        # the home adjectives are demonyms too: 'Lebanese' alone is an allegiance
        all_demonyms[country_key] = [*all_demonyms.get(country_key, []), *new_home]
    return ContextVocabulary(
        organisations=_norm_all([*bundled_names, *organisations]),
        organisation_suffixes=frozenset(_norm_all(raw["organisation_suffixes"])),
        attribute_suffixes=frozenset(_norm_all(raw["attribute_suffixes"])),
        attribute_prefixes=frozenset(_norm_all(raw["attribute_prefixes"])),
        demonyms={k: _norm_all(v) for k, v in all_demonyms.items()},
        country_locational_followers=frozenset(_norm_all(raw["country_locational_followers"])),
        reporting_verbs=frozenset(_norm_all(raw["reporting_verbs"])),
        according_to=_norm_all(raw["according_to"]),
        speaker_lead_ins=_norm_all(raw["speaker_lead_ins"]),
        body_nouns=frozenset(_norm_all(raw["body_nouns"])),
        appositive_media_nouns=frozenset(_norm_all(raw["appositive_media_nouns"])),
        nationality_kinds=frozenset(raw["nationality_kinds"]),
        blame_verbs=frozenset(_norm_all(raw["blame_verbs"])),
        government_verbs=frozenset(_norm_all(raw["government_verbs"])),
        institution_kinds=frozenset(raw["institution_kinds"]),
        unique_fallback_kinds=frozenset(raw["definite_only_kinds_unique_fallback"]),
        feature_nouns={
            kind: {number: _norm_all(words) for number, words in forms.items()}
            for kind, forms in raw["feature_nouns"].items()
        },
        connectors=frozenset(_norm_all(raw["connectors"])),
        member_kinds=frozenset(raw["member_kinds"]),
        anaphoric_places=_norm_all(raw["anaphoric_places"]),
        max_connector_words=int(raw["max_connector_words"]),
        definite=frozenset(_norm_all(determiners["definite"])),
        indefinite=frozenset(_norm_all(determiners["indefinite"])),
        quantity=frozenset(_norm_all(determiners["quantity"])),
        relations={k: _norm_all(v) for k, v in raw["relations"].items()},
        relation_fillers=frozenset(_norm_all(raw["relation_fillers"])),
        sentence_opening_relations=frozenset(_norm_all(raw["sentence_opening_relations"])),
        max_relation_fillers=int(raw["max_relation_fillers"]),
        relation_lead_ins=_norm_all(raw["relation_lead_ins"]),
        world=raw["world"],
        generic_words={
            fold_word(word): kind for kind, words in raw["generic_words"].items() for word in words
        },
        abbreviations={fold_word(k): fold_word(v) for k, v in raw["abbreviations"].items()},
        kind_fits={k: frozenset(v) for k, v in raw["kind_fits"].items()},
        arabic_generic_words={
            word: kind
            for kind, words in raw["arabic_generic_words"].items()
            for word in _norm_all(words)
        },
        arabic_area_words=frozenset(_norm_all(raw["arabic_area_words"])),
        arabic_coordinating_generics=frozenset(_norm_all(raw["arabic_coordinating_generics"])),
        capital_demonyms=frozenset(_norm_all(list(home_demonyms))),
        city_kinds=frozenset(raw["city_kinds"]),
        address_words=frozenset(raw["address_words"]),
        abroad_words=frozenset(raw["abroad_words"]),
        city_qualifiers=frozenset(raw["city_qualifiers"]),
        honorifics=frozenset(fold_word(w) for w in raw["honorifics"]),
        distance_anchor_skip_kinds=frozenset(raw["distance_anchor_skip_kinds"]),
        article_kinds=frozenset(raw["article_kinds"]["kinds"]),
        articles=frozenset(normalize_name(a) for a in raw["article_kinds"]["articles"]),
        container_nouns=frozenset(_norm_all(raw["container_nouns"])),
        organisation_prefixes=_norm_all(raw["organisation_prefixes"]),
        organisation_suffixes_any_case=frozenset(_norm_all(raw["organisation_suffixes_any_case"])),
        person_titles=frozenset(_norm_all(raw["person_titles"])),
        dateline_pattern=raw["dateline_pattern"],
        dateline_line_end_separators=raw["dateline_line_end_separators"],
        dated_dateline_pattern=_with_months(raw["dated_dateline_pattern"], raw["dateline_months"]),
        person_guard=bool(raw["person_guard"]),
    )


def _with_months(pattern: str, months: list[str]) -> str:
    """``pattern`` with ``{month}`` standing for any of ``months`` (any case, longest first;
    a space in a name matches any run of white space)."""
    names = sorted({m.strip() for m in months if m.strip()}, key=lambda m: (-len(m), m))
    alternation = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in names)
    return pattern.replace("{month}", f"(?i:{alternation})")
