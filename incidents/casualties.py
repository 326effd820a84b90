"""Find casualty figures in one sentence, with who claims them and how firmly.

The vocabulary (numbers, casualty words, claimants, official bodies) lives in
``incidents/data/casualties.json``, in English and Arabic, with each choice
documented there. Every figure is kept as its claimant gives it: contradicting
claims are all returned, never merged or averaged. The rules, in order:

1. A stated absence ("no deaths", "no one was hurt") is a figure of 0, and so is
   "anyone"/"any" in a clause whose claimant denies ("it denied that anyone had
   been killed"). "X said two were hurt, a claim the ministry denied" gives the
   ministry a 0.
2. A number (digits, Arabic-Indic digits, words, "a"/"an", or a vague quantity
   such as "dozens", read with ACLED's conservative convention) becomes a figure
   when a casualty word binds it: one just before it ("killing three", "the toll
   rose to 5", "مقتل ثلاثة") or one a few words after it with no punctuation
   between ("125 people were injured", "3 قتلى"). Numbers inside a date or clock
   time, numbers followed by a unit ("73 seats", "1,300 appeals") and sub-group
   figures ("27 of those injured", "45 people, 30 of them police") are not claims.
3. Each figure takes the nearest claimant of its own clause ("according to X",
   "X said", "said X", Arabic "قالت X"); a short definite mention ("the ministry")
   or a pronoun ("it said") is resolved against the names met before it.
4. Status: "denied" when the claimant denies or gives 0; "official" when the
   claimant is a state body; "claimed" for any other named claimant; with no one
   named, "unconfirmed" when the clause says so ("unconfirmed reports",
   "reportedly") and "claimed" otherwise (the outlet's own voice). A claimant who
   only relays reports ("said it had seen reports that...") names no one.
5. A killed and an injured figure of the same claimant and status make one claim.
6. Casualty words come only from prose: words inside a place name (a place
   mention the geoparser found, or a casualty word joined to a place noun:
   "Martyrs' Square", "ساحة الشهداء") never make a figure. A claimant is a noun
   phrase: auxiliaries and adverbs ("were immediately") are no one.
7. Scope: a figure in a clause that counts from a past day ("since October",
   "منذ بداية الاحتجاجات", "this year") is a running toll, ``cumulative``, not
   this incident's.

Claimants met so far are kept in a :class:`ClaimantMemory` indexed by head noun,
so resolving a mention costs the same however long the report is.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from gazetteer.normalize import IGNORECASE_PARTNERS
from geo.errors import IncidentMapperError
from geo.resources import read_json_resource
from incidents.model import CasualtyClaim
from incidents.timeref import fold_text, folding_table, term_pattern, time_expression_spans

__all__ = ["ClaimantMemory", "find_casualty_claims", "find_claimants"]

DATA_FILE = "casualties.json"
_ORIGIN = f"<bundled incidents/data/{DATA_FILE}>"

#: Characters that end the reach of a figure, a claimant or a subject.
_PUNCTUATION = re.compile(r"[,;:.!?()\[\]{}\"“”«»]")
_CLOSING_QUOTES = "\"'”’»"
#: How far (in characters) a figure, a claimant or a subject is looked for around its cue;
#: keeps the work per cue bounded on very long "sentences".
_REACH = 300
_ARABIC = re.compile("[\u0600-\u06ff]")
#: A name opening a sentence: capitalised words ("Al-Ghadir TV broadcast ...").
_OPENING_NAME = re.compile(r"\W{0,3}((?:[A-Z][\w'’&.-]{0,40})(?:\s+[A-Z][\w'’&.-]{0,40}){0,5})")

_Kind = Literal["killed", "injured", "both"]
_Status = Literal["official", "claimed", "unconfirmed", "denied"]
_Scope = Literal["incident", "cumulative"]


@dataclass(frozen=True)
class _Figure:
    """One casualty count found in the sentence (offsets into the sentence)."""

    kind: _Kind
    value: int
    start: int
    end: int
    qualifier: str | None
    denied_by: str | None = None
    """Set for "..., a claim X denied": X gives 0 against the figure before it."""


@dataclass(frozen=True)
class _Attribution:
    """Who a stretch of the sentence is attributed to."""

    cue: int
    """Where the attribution's cue (verb or 'according to') starts."""
    cue_end: int
    claimant: str | None
    denies: bool


@dataclass(frozen=True)
class _Vocabulary:
    fold_table: Mapping[int, str]
    number: re.Pattern[str]
    number_values: Mapping[str, int]
    tens: Mapping[str, int]
    units: Mapping[str, int]
    postposed: frozenset[str]
    qualifier_after: re.Pattern[str]
    unit_after: re.Pattern[str]
    preposition_before: re.Pattern[str]
    subgroup_after: re.Pattern[str]
    subgroup_before: re.Pattern[str]
    before_term: re.Pattern[str]
    before_term_postposed: re.Pattern[str]
    before_term_subject: re.Pattern[str]
    after_term: re.Pattern[str]
    stop_word: re.Pattern[str]
    max_words: int
    dual: re.Pattern[str]
    zero: re.Pattern[str]
    nobody: re.Pattern[str]
    nobody_object: re.Pattern[str]
    singular_persons: frozenset[str]
    single: re.Pattern[str]
    coordinated_gap: re.Pattern[str]
    elliptical_gap: re.Pattern[str]
    elliptical_after: re.Pattern[str]
    denial_zero: tuple[re.Pattern[str], ...]
    claim_denial: re.Pattern[str]
    claim_noun_lead: re.Pattern[str]
    according_to: re.Pattern[str]
    agent_cue: re.Pattern[str]
    verb: re.Pattern[str]
    passive_aux: frozenset[str]
    passive_adverbs: frozenset[str]
    appositive: re.Pattern[str]
    determiner: re.Pattern[str]
    subject_leader: re.Pattern[str]
    claimant_stop: re.Pattern[str]
    source_word: re.Pattern[str]
    source_links: frozenset[str]
    pronouns: frozenset[str]
    relay: re.Pattern[str]
    max_claimant_words: int
    definite_prefix: str
    official: re.Pattern[str]
    not_official: re.Pattern[str]
    unconfirmed_claimant: re.Pattern[str]
    unconfirmed_marker: re.Pattern[str]
    clause_break: re.Pattern[str]
    place_name_after: re.Pattern[str]
    place_name_before: re.Pattern[str]
    cumulative_since: re.Pattern[str]
    cumulative_span: re.Pattern[str]
    not_claimant_words: frozenset[str]


# --------------------------------------------------------------------------- data loading


def _fail(message: str) -> IncidentMapperError:
    return IncidentMapperError(message, path=_ORIGIN)


def _section(mapping: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    if not isinstance(value, Mapping):
        msg = f"{where}: missing object '{key}'"
        raise _fail(msg)
    return value


def _words(mapping: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    if not isinstance(value, list) or not value:
        msg = f"{where}: '{key}' must be a non-empty list of words"
        raise _fail(msg)
    if not all(isinstance(w, str) and w.strip() for w in value):
        msg = f"{where}.{key}: every entry must be a non-empty string"
        raise _fail(msg)
    return value


def _counts(mapping: Mapping[str, Any], key: str, where: str) -> dict[str, int]:
    value = _section(mapping, key, where)
    for word, count in value.items():
        if word.startswith("_"):
            continue
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            msg = f"{where}.{key}: '{word}' must map to a whole number of 0 or more"
            raise _fail(msg)
    return {w: c for w, c in value.items() if not w.startswith("_")}


def _int(mapping: Mapping[str, Any], key: str, where: str) -> int:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{where}: '{key}' must be a whole number of 0 or more"
        raise _fail(msg)
    return value


def _text(mapping: Mapping[str, Any], key: str, where: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        msg = f"{where}: '{key}' must be a non-empty string"
        raise _fail(msg)
    return value


def _key(text: str, table: Mapping[int, str]) -> str:
    return " ".join(text.translate(table).translate(IGNORECASE_PARTNERS).lower().split())


def _alt(terms: Iterable[str], table: Mapping[int, str]) -> str:
    """Regex alternation of phrases, longest first."""
    unique = sorted({_key(t, table) for t in terms}, key=lambda t: (-len(t), t))
    return "|".join(term_pattern(t, table) for t in unique)


def _word_re(terms: Iterable[str], table: Mapping[int, str]) -> re.Pattern[str]:
    """Whole-phrase matcher; a hyphen joins words, so "in" is not found in "sit-in"."""
    return re.compile(rf"(?<![\w-])(?:{_alt(terms, table)})(?![\w-])", re.IGNORECASE)


def _load_raw() -> dict[str, Any]:
    return read_json_resource("incidents", DATA_FILE)


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    """Load and compile the bundled vocabulary once per process."""
    return _build_vocabulary(_load_raw())


def _build_vocabulary(raw: Mapping[str, Any]) -> _Vocabulary:
    """Validate the vocabulary and compile its patterns; errors name the field."""
    table = folding_table()
    flags = re.IGNORECASE

    def kinds(section: Mapping[str, Any], killed: str, injured: str, where: str) -> str:
        return (
            rf"(?:(?P<killed>{_alt(_words(section, killed, where), table)})"
            rf"|(?P<injured>{_alt(_words(section, injured, where), table)}))"
        )

    particles = _section(raw, "arabic_proclitics", "top")
    proclitic = (
        "[" + "".join(re.escape(p) for p in _words(particles, "words", "arabic_proclitics")) + "]?"
    )
    article = term_pattern(_text(particles, "article", "arabic_proclitics"), table)
    prefixed = rf"{proclitic}(?:{article})?"

    numbers = _section(raw, "numbers", "top")
    words = _counts(numbers, "words", "numbers")
    vague = _counts(_section(raw, "vague_quantities", "top"), "words", "vague_quantities")
    tens = _counts(numbers, "tens", "numbers")
    units = _counts(numbers, "units", "numbers")
    persons = dict.fromkeys(_words(numbers, "singular_persons", "numbers"), 1)
    values = {_key(w, table): n for w, n in {**words, **vague, **persons}.items()}
    qualifiers = _section(raw, "qualifiers", "top")
    compound = rf"(?:{_alt(tens, table)})-(?:{_alt(units, table)})"
    number = re.compile(
        rf"(?<![\w.,:/#$-])(?:(?P<q>{_alt(_words(qualifiers, 'words', 'qualifiers'), table)})\s+)?"
        rf"(?:و\s?)?(?P<n>\d{{1,3}}(?:,\d{{3}}){{1,3}}(?!\d|,\d)|\d{{1,7}}(?!\d)|{compound}"
        rf"|{_alt(values, table)})(?![\w%-]|[.,]\d)",
        flags,
    )
    qualifier_after = re.compile(
        rf"\s+(?P<qa>{_alt(_words(qualifiers, 'after', 'qualifiers'), table)})(?![\w-])", flags
    )

    not_cas = _section(raw, "not_casualties", "top")
    preposition_before = re.compile(
        rf"(?<![\w-])(?:{_alt(_words(not_cas, 'after_prepositions', 'not_casualties'), table)})"
        r"\s+\Z",
        flags,
    )
    unit_after = re.compile(
        rf"\s*(?:{_alt(_words(not_cas, 'units', 'not_casualties'), table)})(?![\w-])", flags
    )
    subgroups = _section(raw, "subgroups", "top")
    subgroup_after = re.compile(
        rf"\s+(?:{_alt(_words(subgroups, 'after', 'subgroups'), table)})(?![\w-])", flags
    )
    subgroup_before = re.compile(
        rf"(?<![\w-])(?:{_alt(_words(subgroups, 'before', 'subgroups'), table)})\s*\Z", flags
    )

    terms = _section(raw, "terms", "top")
    bridges = _words(_section(terms, "before_bridges", "terms"), "words", "terms.before_bridges")
    before = kinds(terms, "killed_before", "injured_before", "terms")
    before_term = re.compile(
        rf"(?<!\w){proclitic}{before}(?:\s+(?:{_alt(bridges, table)})){{0,3}}\s*\Z", flags
    )
    before_term_postposed = re.compile(rf"(?<!\w){proclitic}{before}\s+\S{{1,40}}\s*\Z", flags)
    arabic_verbs = kinds(terms, "killed_before_verbs", "injured_before_verbs", "terms")
    before_term_subject = re.compile(
        rf"(?<!\w){proclitic}{arabic_verbs}\s+[\u0621-\u064a\u0640-\u0652]{{2,20}}\s*\Z", flags
    )
    after_term = re.compile(
        rf"{prefixed}{kinds(terms, 'killed_after', 'injured_after', 'terms')}(?![\w-])", flags
    )
    single = re.compile(
        rf"(?<!\w){prefixed}{kinds(terms, 'single_killed', 'single_injured', 'terms')}(?!\w)", flags
    )
    dual = re.compile(
        rf"(?<!\w){prefixed}{kinds(terms, 'dual_killed', 'dual_injured', 'terms')}(?!\w)", flags
    )
    window = _section(raw, "window", "top")

    zero = _section(raw, "zero", "top")
    coordinated = _section(raw, "coordinated", "top")
    zero_nouns = (
        rf"(?:(?P<killed>{_alt(_words(zero, 'killed', 'zero'), table)})"
        rf"|(?P<injured>{_alt(_words(zero, 'injured', 'zero'), table)})"
        rf"|(?P<both>{_alt(_words(zero, 'both', 'zero'), table)}))"
    )

    def three_kinds(section: Mapping[str, Any], where: str) -> str:
        return (
            rf"(?:(?P<killed>{_alt(_words(section, 'killed', where), table)})"
            rf"|(?P<injured>{_alt(_words(section, 'injured', where), table)})"
            rf"|(?P<both>{_alt(_words(section, 'both', where), table)}))"
        )

    nobody_verbs = three_kinds(_section(zero, "nobody_verbs", "zero"), "zero.nobody_verbs")
    verbs_nobody = three_kinds(_section(zero, "verbs_nobody", "zero"), "zero.verbs_nobody")
    zero_re = re.compile(
        rf"(?<![\w-]){proclitic}(?:{_alt(_words(zero, 'negators', 'zero'), table)})\s+{prefixed}"
        rf"{zero_nouns}(?![\w-])",
        flags,
    )
    noun_words = _int(zero, "nobody_noun_words", "zero")
    nobody = re.compile(
        rf"(?<![\w-])(?:{_alt(_words(zero, 'nobody', 'zero'), table)}"
        rf"|no(?:\s+[^\W\d]+){{1,{noun_words}}}|none\s+of(?:\s+[^\s\d,;.!?]+){{1,4}})"
        rf"\s+{nobody_verbs}(?![\w-])",
        flags,
    )
    nobody_object = re.compile(
        rf"(?<![\w-]){verbs_nobody}\s+(?:{_alt(_words(zero, 'nobody', 'zero'), table)})(?![\w-])",
        flags,
    )
    denial_zero = (
        re.compile(
            rf"(?<![\w-])(?:{_alt(_words(zero, 'denial_nobody', 'zero'), table)})\s+{nobody_verbs}"
            r"(?![\w-])",
            flags,
        ),
        re.compile(
            rf"(?<![\w-])(?:{_alt(_words(zero, 'denial_any', 'zero'), table)})\s+{prefixed}"
            rf"{zero_nouns}(?![\w-])",
            flags,
        ),
    )

    attribution = _section(raw, "attribution", "top")
    deny = _alt(_words(attribution, "deny_verbs", "attribution"), table)
    verbs = _alt(_words(attribution, "verbs", "attribution"), table)
    going_on = _alt(_words(attribution, "continuation_verbs", "attribution"), table)
    verb = re.compile(
        rf"(?<![\w-]){proclitic}(?:(?P<deny>{deny})|(?P<claim>{verbs})|(?P<more>{going_on}))"
        r"(?![\w-])",
        flags,
    )
    claim_denial = re.compile(
        rf"(?<![\w-])(?:{_alt(_words(zero, 'claim_nouns', 'zero'), table)})\s+(?:that\s+)?"
        rf"(?P<who>[^,;.!?]{{1,80}}?)\s+(?:{deny})(?![\w-])",
        flags,
    )
    breaks = _words(_section(raw, "clause_breaks", "top"), "words", "clause_breaks")
    sources = _words(attribution, "source_words", "attribution")
    status = _section(raw, "status", "top")
    place_names = _section(raw, "place_names", "top")
    place_nouns_before = _words(place_names, "nouns_before", "place_names")
    scope = _section(raw, "scope", "top")
    unconfirmed_claimants = _section(status, "unconfirmed_claimants", "status")

    def word_set(key: str) -> frozenset[str]:
        return frozenset(_key(w, table) for w in _words(attribution, key, "attribution"))

    def leading(key: str) -> re.Pattern[str]:
        return re.compile(
            rf"\s*(?:{_alt(_words(attribution, key, 'attribution'), table)})\s+", flags
        )

    return _Vocabulary(
        fold_table=table,
        number=number,
        number_values=values,
        singular_persons=frozenset(_key(w, table) for w in persons),
        single=single,
        tens={_key(w, table): n for w, n in tens.items()},
        units={_key(w, table): n for w, n in units.items()},
        postposed=frozenset(_key(w, table) for w in _words(numbers, "postposed", "numbers")),
        qualifier_after=qualifier_after,
        unit_after=unit_after,
        preposition_before=preposition_before,
        subgroup_after=subgroup_after,
        subgroup_before=subgroup_before,
        before_term=before_term,
        before_term_postposed=before_term_postposed,
        before_term_subject=before_term_subject,
        after_term=after_term,
        stop_word=_word_re(_words(window, "stop_words", "window"), table),
        max_words=_int(window, "max_words", "window"),
        dual=dual,
        zero=zero_re,
        nobody=nobody,
        nobody_object=nobody_object,
        elliptical_gap=re.compile(
            rf"[^,;:!?()\"]*\s(?:{_alt(_words(coordinated, 'coordinators', 'coordinated'), table)})"
            r"\s?",
            flags,
        ),
        elliptical_after=re.compile(
            rf"\s+(?:{_alt(_words(coordinated, 'elliptical_prepositions', 'coordinated'), table)})"
            r"(?![\w-])",
            flags,
        ),
        coordinated_gap=re.compile(
            rf"(?:\s+[^\s\d,;:!?()\"]+){{0,{_int(coordinated, 'max_words', 'coordinated')}}}"
            rf"\s+(?:{_alt(_words(coordinated, 'coordinators', 'coordinated'), table)})\s?",
            flags,
        ),
        denial_zero=denial_zero,
        claim_denial=claim_denial,
        claim_noun_lead=re.compile(
            rf"\s*(?:{_alt(_words(zero, 'claim_nouns', 'zero'), table)})\s+(?:that\s+)?", flags
        ),
        according_to=_word_re(_words(attribution, "according_to", "attribution"), table),
        agent_cue=_word_re(_words(attribution, "agent_cues", "attribution"), table),
        verb=verb,
        passive_aux=word_set("passive_auxiliaries"),
        passive_adverbs=word_set("passive_adverbs"),
        appositive=re.compile(
            rf"\s*(?:{_alt(_words(attribution, 'appositive_openers', 'attribution'), table)})"
            r"(?![\w-])",
            flags,
        ),
        determiner=leading("determiners"),
        subject_leader=leading("subject_leaders"),
        claimant_stop=_word_re(_words(attribution, "claimant_stops", "attribution"), table),
        source_word=re.compile(rf"(?<![\w-])(?:{_alt(sources, table)})\s*\Z", flags),
        source_links=word_set("source_links"),
        pronouns=word_set("pronouns"),
        relay=_word_re(_words(attribution, "relay_markers", "attribution"), table),
        max_claimant_words=_int(attribution, "max_claimant_words", "attribution"),
        definite_prefix=_key(_text(attribution, "arabic_definite_prefix", "attribution"), table),
        official=_word_re(_words(status, "official", "status"), table),
        not_official=_word_re(_words(status, "not_official", "status"), table),
        unconfirmed_claimant=_word_re(
            _words(unconfirmed_claimants, "words", "status.unconfirmed_claimants"), table
        ),
        unconfirmed_marker=_word_re(_words(status, "unconfirmed_markers", "status"), table),
        clause_break=re.compile(rf";|(?<![\w-])(?:{_alt(breaks, table)})(?![\w-])", flags),
        place_name_after=re.compile(
            rf"['’]?s?['’]?\s+(?:{_alt(_words(place_names, 'nouns_after', 'place_names'), table)})"
            r"(?![\w-])",
            flags,
        ),
        place_name_before=re.compile(
            rf"(?<![\w-]){proclitic}(?:{_alt(place_nouns_before, table)})\s+\Z",
            flags,
        ),
        cumulative_since=re.compile(
            rf"(?<![\w-]){proclitic}(?:{_alt(_words(scope, 'since', 'scope'), table)})\s+"
            rf"(?P<object>{_alt(_words(scope, 'since_objects', 'scope'), table)})?",
            flags,
        ),
        cumulative_span=_word_re(_words(scope, "phrases", "scope"), table),
        not_claimant_words=frozenset(
            _key(w, table)
            for w in _words(_section(raw, "not_claimants", "top"), "words", "not_claimants")
        ),
    )


# --------------------------------------------------------------------------- figures


def _number_value(word: str, vocab: _Vocabulary) -> int | None:
    key = _key(word, vocab.fold_table)
    if key.replace(",", "").isdigit():
        return int(key.replace(",", ""))
    if "-" in key:
        ten, _, unit = key.partition("-")
        if ten in vocab.tens and unit in vocab.units:
            return vocab.tens[ten] + vocab.units[unit]
    return vocab.number_values.get(key)


class _Mask:
    """Characters already taken by a date, a clock time or a figure (linear-time checks)."""

    def __init__(self, length: int) -> None:
        self._taken = bytearray(length)

    def add(self, start: int, end: int) -> None:
        self._taken[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self._taken[start:end])


def _reach_end(folded: str, start: int) -> int:
    """Where a forward reach stops: the first punctuation mark after ``start``, or _REACH."""
    limit = min(len(folded), start + _REACH)
    mark = _PUNCTUATION.search(folded, start, limit)
    return mark.start() if mark else limit


def _skip_spaces(folded: str, position: int) -> int:
    while position < len(folded) and folded[position].isspace():
        position += 1
    return position


def _breakdown_end(folded: str, comma: int, vocab: _Vocabulary) -> int | None:
    """End of a ", 30 of them police," aside after a total, so the total reaches past it."""
    if comma >= len(folded) or folded[comma] != ",":
        return None
    number = vocab.number.match(folded, _skip_spaces(folded, comma + 1))
    if number is None or not vocab.subgroup_after.match(folded, number.end()):
        return None
    closing = folded.find(",", number.end(), number.end() + _REACH)
    return closing + 1 if closing >= 0 else None


def _names_a_place(folded: str, start: int, end: int, vocab: _Vocabulary) -> bool:
    """True when the casualty word at ``[start, end)`` is part of a name ("Martyrs' Square",
    "ساحة الشهداء")."""
    if vocab.place_name_after.match(folded, end):
        return True
    return bool(vocab.place_name_before.search(folded, max(0, start - 40), start))


def _after_term(
    folded: str, start: int, number_starts: set[int], vocab: _Vocabulary
) -> re.Match[str] | None:
    """The casualty word a few words after ``start``, if nothing breaks the link."""
    words = 0
    position = start
    for _ in range(2):  # at most one breakdown aside is skipped
        limit = _reach_end(folded, position)
        for token in re.finditer(r"\S+", folded[position:limit]):
            at = position + token.start()
            term = vocab.after_term.match(folded, at, limit)
            if term is not None:
                return None if _names_a_place(folded, term.start(), term.end(), vocab) else term
            if words >= vocab.max_words or at in number_starts:
                return None
            if vocab.stop_word.match(folded, at, limit):
                return None
            words += 1
        resume = _breakdown_end(folded, limit, vocab)
        if resume is None:
            return None
        position = resume
    return None


def _find_figures(
    sentence: str,
    folded: str,
    denial_clauses: Sequence[tuple[int, int]],
    vocab: _Vocabulary,
    time_spans: Sequence[tuple[int, int]],
) -> list[_Figure]:
    figures: list[_Figure] = []
    taken = _Mask(len(folded))

    def add(figure: _Figure) -> None:
        figures.append(figure)
        taken.add(figure.start, figure.end)

    def zero(m: re.Match[str]) -> _Figure:
        kind: _Kind = next(k for k in ("killed", "injured", "both") if m.groupdict().get(k))
        return _Figure(kind, 0, m.start(), m.end(), None)

    for pattern in (vocab.zero, vocab.nobody, vocab.nobody_object):
        for m in pattern.finditer(folded):
            add(zero(m))
    for start, end in denial_clauses:
        for pattern in vocab.denial_zero:
            for m in pattern.finditer(folded, start, end):
                if not taken.overlaps(m.start(), m.end()):
                    add(zero(m))
    for start, end in time_spans:
        taken.add(start, end)

    numbers = [
        m
        for m in vocab.number.finditer(folded)
        if not taken.overlaps(m.start("n"), m.end("n"))
        and not _counted_noun(folded, m, vocab)
        and not vocab.preposition_before.search(folded, max(0, m.start() - 12), m.start())
    ]
    number_starts = {m.start() for m in numbers if not _is_article(m, vocab)}
    # A time between a casualty word and its figure bridges them ("قتل فيه الثلاثاء نحو 60").
    bridged = _spaced(folded, time_spans)
    bound: list[_Figure | None] = []
    for m in numbers:
        figure = _number_figure(sentence, folded, m, number_starts, figures, vocab, bridged)
        if (
            figure is not None
            and _is_article(m, vocab)
            and any(f.end == figure.end for f in figures)
        ):
            figure = None  # "Two commanders of an ... militia died": the died is the two's
        bound.append(figure)
        if figure is not None:
            add(figure)
    for old, summed in _coordinated_sums(folded, numbers, bound, vocab):
        if old is None:
            add(summed)
        else:
            figures[figures.index(old)] = summed

    for m in vocab.dual.finditer(folded):
        if not taken.overlaps(m.start(), m.end()):
            add(_Figure("killed" if m["killed"] else "injured", 2, m.start(), m.end(), None))
    for m in vocab.single.finditer(folded):
        if not taken.overlaps(m.start(), m.end()) and not _counted(folded[: m.start()], vocab):
            add(_Figure("killed" if m["killed"] else "injured", 1, m.start(), m.end(), None))

    for m in vocab.claim_denial.finditer(folded):
        earlier = [f for f in figures if f.end <= m.start() and f.value > 0]
        who = _tidy(sentence[m.start("who") : m.end("who")], vocab)
        if earlier and who:
            kind = max(earlier, key=lambda f: f.end).kind
            add(_Figure(kind, 0, m.start(), m.end(), None, denied_by=who))
    return sorted(figures, key=lambda f: f.start)


def _coordinated_sums(
    folded: str,
    numbers: Sequence[re.Match[str]],
    bound: Sequence[_Figure | None],
    vocab: _Vocabulary,
) -> list[tuple[_Figure | None, _Figure]]:
    """Figures that take the number of a group coordinated with theirs, as (old, new),
    and figures of elliptical groups, as (None, new).

    "killing two soldiers and two civilians": the figure bound to the first number
    by "killing" also counts the second; "three council members and one soldier were
    wounded": the figure bound to the second by "were wounded" also counts the first;
    "six dead in Fallujah and six in Mosul": Mosul's six are a figure of their own.
    """
    sums: list[tuple[_Figure | None, _Figure]] = []
    for i in range(len(numbers) - 1):
        first, second = numbers[i], numbers[i + 1]
        one, other = bound[i], bound[i + 1]
        if (one is None) == (other is None):
            continue
        gap = folded[first.end() : second.start("n")]
        if (
            one is not None
            and vocab.elliptical_gap.fullmatch(gap)
            and vocab.elliptical_after.match(folded, second.end())
        ):
            value = _number_value(second["n"], vocab)
            if value is not None:
                # "six dead in Fallujah and six in Mosul": Mosul's own six
                start = second.start("q") if second["q"] else second.start("n")
                own = _Figure(one.kind, value, start, second.end(), None)
                sums.append((None, own))
                bound = [*bound[: i + 1], own, *bound[i + 2 :]]
            continue
        if not vocab.coordinated_gap.fullmatch(gap) or vocab.after_term.search(gap):
            continue
        value = _number_value(second["n"] if one is not None else first["n"], vocab)
        if value is None:
            continue
        if one is not None and one.end <= first.end() + 1 and one.start <= first.start():
            # bound by a word before it ("killing two ..."): the second group follows
            new = replace(one, value=one.value + value, end=second.end())
            sums.append((one, new))
            bound = [*bound[: i + 1], new, *bound[i + 2 :]]
        elif other is not None and other.start >= second.start():
            new = replace(other, value=other.value + value, start=first.start())
            sums.append((other, new))
    return sums


_ARABIC_MARKS = re.compile("[\u0640\u064b-\u0652]")


def _is_article(m: re.Match[str], vocab: _Vocabulary) -> bool:
    """True for 'a'/'an', which count one only when nothing else takes their word."""
    return _key(m["n"], vocab.fold_table) in ("a", "an")


def _counted_noun(folded: str, m: re.Match[str], vocab: _Vocabulary) -> bool:
    """True for a singular person noun right after a figure ("36 شخصا"): not a figure of
    one but the noun the figure counts."""
    if _ARABIC_MARKS.sub("", _key(m["n"], vocab.fold_table)) not in vocab.singular_persons:
        return False
    if _counted(folded[max(0, m.start() - 30) : m.start()], vocab):
        return True
    after = folded[m.end() : m.end() + 30].split()
    # "متظاهر واحد": the figure after it counts it
    return bool(after) and _number_value(after[0], vocab) is not None


def _counted(head: str, vocab: _Vocabulary) -> bool:
    """True when ``head`` ends with a figure: the noun after it is what it counts."""
    words = head.split()
    return bool(words) and _number_value(words[-1].lstrip("و"), vocab) is not None


def _number_figure(
    sentence: str,
    folded: str,
    m: re.Match[str],
    number_starts: set[int],
    figures: Sequence[_Figure],
    vocab: _Vocabulary,
    bridged: str | None = None,
) -> _Figure | None:
    """The figure a number gives, or None when no casualty word binds it.

    ``bridged`` is ``folded`` with its time expressions blanked, read for the words
    before the number."""
    value = _number_value(m["n"], vocab)
    if value is None or vocab.unit_after.match(folded, m.end()):
        return None
    head = (bridged or folded)[max(0, m.start() - 60) : m.start()]
    if vocab.subgroup_before.search(head):
        return None
    reach = m.end()
    subgroup = vocab.subgroup_after.match(folded, m.end())
    if subgroup is not None:
        names_casualties = vocab.after_term.match(folded, _skip_spaces(folded, subgroup.end()))
        total_before = any(f.value > 0 and f.start < m.start() for f in figures)
        if names_casualties or total_before:
            return None  # a breakdown of a total, not a total
        reach = subgroup.end()
    while reach < len(folded) and folded[reach] in _CLOSING_QUOTES:
        reach += 1
    trailing = vocab.qualifier_after.match(folded, reach)
    qualifier_span = (m.start("q"), m.end("q")) if m["q"] else None
    start, end = m.start("q") if m["q"] else m.start("n"), m.end()
    if trailing is not None:
        qualifier_span = (trailing.start("qa"), trailing.end("qa"))
        reach = end = trailing.end()

    before = vocab.before_term.search(head)
    if before is None and _key(m["n"], vocab.fold_table) in vocab.postposed:
        before = vocab.before_term_postposed.search(head)
    if before is not None:
        at = m.start() - len(head) + before.start()
        if _names_a_place(folded, at, at + len(before.group().rstrip()), vocab):
            before = None
    if before is not None:
        kind: _Kind = "killed" if before["killed"] else "injured"
        start = m.start() - len(head) + before.start()
    else:
        after = _after_term(folded, reach, number_starts, vocab)
        if after is None:
            # Arabic puts the subject between the verb and its figure: "قتلت انتحارية 40 شخصا"
            subject = vocab.before_term_subject.search(head) if m["n"][:1].isdigit() else None
            if subject is None:
                return None
            kind = "killed" if subject["killed"] else "injured"
            start = m.start() - len(head) + subject.start()
            qualifier = None
            if qualifier_span is not None:
                qualifier = " ".join(
                    sentence[qualifier_span[0] : qualifier_span[1]].lower().split()
                )
            return _Figure(kind, value, start, end, qualifier)
        kind = "killed" if after["killed"] else "injured"
        end = after.end()
    qualifier = None
    if qualifier_span is not None:
        qualifier = " ".join(sentence[qualifier_span[0] : qualifier_span[1]].lower().split())
    return _Figure(kind, value, start, end, qualifier)


# --------------------------------------------------------------------------- claimants


def _clause_starts(folded: str, vocab: _Vocabulary) -> list[int]:
    return [0, *(m.end() for m in vocab.clause_break.finditer(folded))]


def _clause_of(position: int, starts: Sequence[int]) -> int:
    """Index of the clause holding ``position`` (``starts`` is sorted and begins with 0)."""
    return bisect_right(starts, position) - 1


def _stop_in(folded: str, start: int, end: int, vocab: _Vocabulary) -> int:
    """Where a claimant's words stop: the first stop word, except a link after a source
    word ("a source in the ministry" runs on to "ministry")."""
    position = start
    while True:
        stop = vocab.claimant_stop.search(folded, position, end)
        if stop is None:
            return end
        linked = _key(stop.group(), vocab.fold_table) in vocab.source_links
        if not (
            linked and vocab.source_word.search(folded, max(start, stop.start() - 40), stop.start())
        ):
            return stop.start()
        position = stop.end()


def _words_after(
    sentence: str, folded: str, start: int, blocked: Sequence[int], vocab: _Vocabulary
) -> str | None:
    """The claimant words that follow a cue: up to punctuation, a stop word or a figure.

    ``blocked`` holds the sorted start offsets of the sentence's figures.
    """
    limit = _reach_end(folded, start)
    index = bisect_left(blocked, start)
    if index < len(blocked) and blocked[index] < limit:
        limit = blocked[index]
    return _tidy(sentence[start : _stop_in(folded, start, limit, vocab)], vocab)


def _strip_leaders(text: str, vocab: _Vocabulary, *, determiners: bool = True) -> str:
    while True:
        leader = vocab.subject_leader.match(text)
        if leader is None and determiners:
            leader = vocab.determiner.match(text)
        if leader is None:
            return text
        text = text[leader.end() :]


def _is_name(text: str) -> bool:
    return bool(text) and (text[:1].isupper() or text[:1].isdigit() or bool(_ARABIC.match(text)))


def _tidy(words: str, vocab: _Vocabulary) -> str | None:
    """Minimal normalisation of a claimant's words; None when nothing is left.

    Surrounding quotes and leading conjunctions go. Leading determiners go before a
    name ("the Health Ministry" -> "Health Ministry", "Other PMF-allied media" ->
    "PMF-allied media") but stay on a bare common noun ("the ministry"), which
    :func:`_resolve_claimant` may later replace by the body it refers to.
    """
    text = _strip_leaders(words.strip(" \t\n'\"“”‘’«»-–—"), vocab, determiners=False)
    bare = _strip_leaders(text, vocab)
    if _is_name(bare):
        text = bare
    text = " ".join(text.split())
    if not text or not bare.strip() or len(text.split()) > vocab.max_claimant_words:
        return None
    words = text.split()
    first, last = _key(words[0], vocab.fold_table), words[-1]
    if first in vocab.not_claimant_words or (last.islower() and last.endswith("ly")):
        return None  # "were immediately": no noun, no one
    return text


def _subject_before(
    sentence: str, folded: str, clause_start: int, verb_start: int, vocab: _Vocabulary
) -> tuple[str | None, bool]:
    """The subject standing before an attribution verb, and whether the verb is inverted.

    Segments between commas are read back from the verb: an appositive ("X, one of
    the most powerful militias, said") is skipped to reach X. When nothing but a
    comma or quote stands before the verb and no appositive explains it, the
    claimant follows the verb ("..., said Hadi al-Amiri").
    """
    clause_start = max(clause_start, verb_start - _REACH)
    before = folded[clause_start:verb_start]
    pieces = re.split(r"[,;:()\"“”«»]", before)
    offsets: list[int] = []
    position = clause_start
    for piece in pieces:
        offsets.append(position)
        position += len(piece) + 1
    last = len(pieces) - 1
    index = last
    if not pieces[last].strip():
        if last >= 2 and vocab.appositive.match(pieces[last - 1]):
            index = last - 2
        else:
            return None, True
    start = offsets[index]
    lead = vocab.claim_noun_lead.match(pieces[index])  # "a claim the ministry denied"
    if lead is not None:
        start += lead.end()
        pieces[index] = pieces[index][lead.end() :]
    words = pieces[index].split()
    if words and _key(words[-1], vocab.fold_table) in vocab.pronouns:
        return words[-1], False  # "two protesters it said had been killed"
    end = _stop_in(folded, start, start + len(pieces[index]), vocab)
    return _tidy(sentence[start:end], vocab), False


def _is_passive(folded: str, start: int, end: int, vocab: _Vocabulary) -> bool:
    """True for "were reported", "have not been confirmed", "denied by": no claimant there."""
    following = folded[end : end + 20].split()
    if following and following[0].lower() == "by":
        return True
    previous = [_key(w, vocab.fold_table) for w in folded[max(0, start - 60) : start].split()]
    while previous and previous[-1] in vocab.passive_adverbs:
        previous.pop()
    return bool(previous) and previous[-1] in vocab.passive_aux


def _opening_name(sentence: str, vocab: _Vocabulary) -> str | None:
    """The capitalised name a sentence opens with ("Al-Ghadir TV broadcast ...")."""
    m = _OPENING_NAME.match(sentence)
    if m is None:
        return None
    name = _tidy(m.group(1), vocab)
    if name is None or _key(name, vocab.fold_table) in vocab.pronouns:
        return None
    return name


def _attributions(
    sentence: str,
    folded: str,
    figures: Sequence[_Figure],
    starts: Sequence[int],
    vocab: _Vocabulary,
) -> list[_Attribution]:
    blocked = sorted(f.start for f in figures)
    figure_ends = sorted(f.end for f in figures)
    found: list[_Attribution] = []
    for m in vocab.according_to.finditer(folded):
        claimant = _words_after(sentence, folded, m.end(), blocked, vocab)
        found.append(_Attribution(m.start(), m.end(), claimant, False))
    said: list[_Attribution] = []
    for m in vocab.verb.finditer(folded):
        if _is_passive(folded, m.start(), m.end(), vocab):
            continue
        if m["more"]:  # "..., adding that": the previous verb's claimant goes on
            if said and said[-1].cue >= starts[_clause_of(m.start(), starts)]:
                previous = said[-1]
                said.append(_Attribution(m.start(), m.end(), previous.claimant, previous.denies))
            continue
        if _ARABIC.match(m.group()):
            claimant = _words_after(sentence, folded, m.end(), blocked, vocab)
        else:
            clause_start = starts[_clause_of(m.start(), starts)]
            last_figure = bisect_right(figure_ends, m.start()) - 1
            if last_figure >= 0:
                clause_start = max(clause_start, figure_ends[last_figure])
            claimant, inverted = _subject_before(sentence, folded, clause_start, m.start(), vocab)
            if inverted:
                claimant = _words_after(sentence, folded, m.end(), blocked, vocab)
        said.append(_Attribution(m.start(), m.end(), claimant, bool(m["deny"])))
    found += said
    return sorted((a for a in found if a.claimant is not None or a.denies), key=lambda a: a.cue)


#: The last sentence read by :func:`_sentence_attributions`, with its reading: a report
#: walker asks for a sentence's claims and then its claimants, which read the same.
_last_read: tuple[str, _Vocabulary, tuple[str, tuple[int, ...], tuple[_Attribution, ...]]] | None
_last_read = None


def _sentence_attributions(
    sentence: str, vocab: _Vocabulary
) -> tuple[str, tuple[int, ...], tuple[_Attribution, ...]]:
    """The folded sentence, its clause starts and its attributions before any figure is
    known; the last sentence's are remembered."""
    global _last_read
    last = _last_read
    if last is not None and last[1] is vocab and last[0] == sentence:
        return last[2]
    folded = fold_text(sentence, vocab.fold_table)
    starts = tuple(_clause_starts(folded, vocab))
    reading = (folded, starts, tuple(_attributions(sentence, folded, [], starts, vocab)))
    _last_read = (sentence, vocab, reading)
    return reading


def _agents(
    sentence: str, folded: str, blocked: Sequence[int], vocab: _Vocabulary
) -> list[tuple[int, str]]:
    """Bodies named as the agent of a confirmation or denial ("not confirmed by X")."""
    found = []
    for m in vocab.agent_cue.finditer(folded):
        name = _words_after(sentence, folded, m.end(), blocked, vocab)
        if name is not None:
            found.append((m.start(), name))
    return found


def find_claimants(sentence: str) -> list[str]:
    """Named sources and confirming bodies in a sentence, in text order.

    A caller walking a report passes what this returns for every sentence, in
    order, as ``previous_claimants`` of the sentences after it, so that "the
    ministry" in one sentence resolves to "Iraq's Health Ministry" named in an
    earlier one, even one that gave no figure ("rumours not confirmed by Iraq's
    Health Ministry"). Bare common nouns ("the ministry") and pronouns are left out.
    """
    vocab = _vocabulary()
    folded, _, attributions = _sentence_attributions(sentence, vocab)
    mentions = [(a.cue, a.claimant) for a in attributions]
    mentions += _agents(sentence, folded, [], vocab)
    named = []
    for _, name in sorted(mentions, key=lambda m: m[0]):
        bare = _strip_leaders(name, vocab) if name else ""
        if _is_name(bare) and _key(name, vocab.fold_table) not in vocab.pronouns:
            named.append(name)
    return named


def _tokens(name: str, vocab: _Vocabulary) -> list[str]:
    tokens = []
    for word in _key(_strip_leaders(name, vocab), vocab.fold_table).split():
        word = word.strip("'\"")
        if _ARABIC.match(word) and word.startswith(vocab.definite_prefix):
            word = word[len(vocab.definite_prefix) :]
        tokens.append(word)
    return tokens


#: How many distinct names a ClaimantMemory keeps per head noun (oldest dropped first):
#: bounds the work per mention on reports that name thousands of bodies.
_NAMES_PER_HEAD = 32


class ClaimantMemory:
    """The claimants a report has named so far, newest last, indexed by head noun.

    A report walker adds every sentence's claimants (:func:`find_claimants`, and the
    claimants of its figures) and passes the memory to the next sentence's
    :func:`find_casualty_claims`. Adding and resolving cost the same however many
    claimants came before: resolution is linear in the number of claims.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._by_head: dict[str, dict[str, frozenset[str]]] = {}
        self.latest: str | None = None
        self.extend(names)

    def add(self, name: str) -> None:
        vocab = _vocabulary()
        self.latest = name
        words = _tokens(name, vocab)
        if not words:
            return
        head = words[0] if _ARABIC.match(name) else words[-1]
        bucket = self._by_head.setdefault(head, {})
        bucket.pop(name, None)
        bucket[name] = frozenset(words)
        if len(bucket) > _NAMES_PER_HEAD:
            del bucket[next(iter(bucket))]

    def extend(self, names: Iterable[str]) -> None:
        for name in names:
            self.add(name)

    def with_head(self, head: str) -> Iterable[tuple[str, frozenset[str]]]:
        """Names with this head noun, newest first."""
        bucket = self._by_head.get(head, {})
        return ((name, bucket[name]) for name in reversed(bucket))


@dataclass
class _Earlier:
    """Names met before a mention: the report's memory, then this sentence's own."""

    memory: ClaimantMemory
    local: list[str]

    def latest(self) -> str | None:
        return self.local[-1] if self.local else self.memory.latest

    def with_head(self, head: str, vocab: _Vocabulary) -> Iterator[tuple[str, frozenset[str]]]:
        for name in reversed(self.local):
            words = _tokens(name, vocab)
            if words and (words[0] if _ARABIC.match(name) else words[-1]) == head:
                yield name, frozenset(words)
        yield from self.memory.with_head(head)


def _resolve_claimant(
    name: str, earlier: _Earlier, vocab: _Vocabulary, opening: str | None = None
) -> str | None:
    """Resolve a pronoun or a short mention ("the ministry") to the name it stands for.

    A pronoun stands for the name the sentence opens with, else for the latest
    earlier claimant (None when there is none). A mention resolves to the latest
    earlier claimant whose head noun (last word in English, first in Arabic) it
    shares and whose words include all of its own.
    """
    if _key(name, vocab.fold_table) in vocab.pronouns:
        return opening or earlier.latest()
    mention = _tokens(name, vocab)
    if not mention:
        return name
    head = mention[0] if _ARABIC.match(name) else mention[-1]
    wanted = set(mention)
    for candidate, words in earlier.with_head(head, vocab):
        if candidate != name and wanted <= words and len(words) > len(wanted):
            return candidate
    return name


def _is_official(claimant: str, vocab: _Vocabulary) -> bool:
    """A state body is named, and nothing outside its name marks a faction or outlet."""
    folded = _key(claimant, vocab.fold_table)
    rest = vocab.official.sub(" | ", folded)
    return rest != folded and not vocab.not_official.search(rest)


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class _Clause:
    """The attributions of one clause and whether it calls its figures unconfirmed."""

    cues: list[int]
    attributions: list[_Attribution]
    unconfirmed: bool

    def nearest(self, position: int) -> _Attribution | None:
        """The clause's attribution whose cue is nearest to ``position``."""
        index = bisect_left(self.cues, position)
        near = [i for i in (index - 1, index) if 0 <= i < len(self.cues)]
        if not near:
            return None
        return self.attributions[min(near, key=lambda i: abs(self.cues[i] - position))]


def _clauses(
    folded: str, starts: Sequence[int], attributions: Sequence[_Attribution], vocab: _Vocabulary
) -> list[_Clause]:
    ends = [*starts[1:], len(folded)]
    grouped: list[list[_Attribution]] = [[] for _ in starts]
    for attribution in attributions:
        grouped[_clause_of(attribution.cue, starts)].append(attribution)
    clauses = []
    for start, end, own in zip(starts, ends, grouped, strict=True):
        unconfirmed = bool(
            vocab.unconfirmed_claimant.search(folded, start, end)
            or vocab.unconfirmed_marker.search(folded, start, end)
        )
        clauses.append(_Clause([a.cue for a in own], own, unconfirmed))
    return clauses


def _claimant_and_status(
    figure: _Figure,
    chosen: _Attribution | None,
    clause: _Clause,
    folded: str,
    earlier: _Earlier,
    opening: str | None,
    vocab: _Vocabulary,
) -> tuple[str | None, _Status]:
    if figure.denied_by is not None:
        return _resolve_claimant(figure.denied_by, earlier, vocab, opening), "denied"
    claimant = chosen.claimant if chosen else None
    if claimant is not None:
        claimant = _resolve_claimant(claimant, earlier, vocab, opening)
    if chosen is not None and chosen.denies:
        return claimant, "denied"
    if chosen is not None and chosen.cue_end <= figure.start:
        relayed = vocab.relay.search(folded, chosen.cue_end, figure.start)
        if relayed is not None:
            return None, "unconfirmed"
    if claimant is None:
        return None, "unconfirmed" if clause.unconfirmed else "claimed"
    if figure.value == 0:
        return claimant, "denied"
    return claimant, "official" if _is_official(claimant, vocab) else "claimed"


def find_casualty_claims(
    sentence: str,
    *,
    offset: int = 0,
    previous_claimants: ClaimantMemory | Sequence[str] = (),
    place_spans: Sequence[tuple[int, int]] = (),
) -> list[CasualtyClaim]:
    """Casualty figures in one sentence, one claim per claimant and status.

    Parameters
    ----------
    sentence
        One sentence of a report, as written.
    offset
        Where the sentence starts in the report text; added to every span.
    previous_claimants
        Claimants named earlier in the report, oldest first (see
        :func:`find_claimants`). A short definite mention ("the ministry",
        "الوزارة") resolves to the latest of them whose head noun it shares
        ("Iraq's Health Ministry"); a pronoun ("it said") to the latest of them
        when the sentence does not open with a name. Pass the report's
        :class:`ClaimantMemory` (a sequence of names also works, at the cost of
        indexing it).
    place_spans
        Spans (offsets into ``sentence``) of place names: their words are never
        read as casualty words ("Martyrs' Square").

    Returns
    -------
    list of CasualtyClaim
        In text order. ``start``/``end`` span the figure's wording (from its
        qualifier or casualty word to its casualty word or number);
        ``killed_text``/``injured_text`` are that wording for each count. Sub-group
        figures ("27 of those injured were civilians") are not returned: they count
        part of a total, not a total. ``claimed_by`` is None when no one is named
        (the outlet's own voice, "unconfirmed reports", relayed reports).
    """
    vocab = _vocabulary()
    folded, starts, plain_attributions = _sentence_attributions(sentence, vocab)
    ends = [*starts[1:], len(folded)]
    denying = {_clause_of(a.cue, starts) for a in plain_attributions if a.denies}
    denials = [(starts[i], ends[i]) for i in sorted(denying)]
    time_spans = time_expression_spans(sentence)
    figures = _find_figures(sentence, _masked(folded, place_spans), denials, vocab, time_spans)
    if not figures:
        return []
    attributions = _attributions(sentence, folded, figures, starts, vocab)
    opening = _opening_name(sentence, vocab)
    memory = (
        previous_claimants
        if isinstance(previous_claimants, ClaimantMemory)
        else ClaimantMemory(previous_claimants)
    )
    earlier = _Earlier(memory, [])
    mentions = [(a.cue, a.claimant) for a in attributions if a.claimant]
    mentions += _agents(sentence, folded, sorted(f.start for f in figures), vocab)
    for _, name in sorted(mentions):
        resolved = _resolve_claimant(name, earlier, vocab, opening)
        if resolved is not None:
            earlier.local.append(resolved)

    clauses = _clauses(folded, starts, attributions, vocab)
    cumulative = _cumulative_clauses(folded, starts, ends, time_spans, vocab)
    claims: list[CasualtyClaim] = []
    for figure in figures:
        index = _clause_of(figure.start, starts)
        clause = clauses[index]
        claimant, status = _claimant_and_status(
            figure, clause.nearest(figure.start), clause, folded, earlier, opening, vocab
        )
        scope: _Scope = "cumulative" if cumulative[index] else "incident"
        claims = _add_figure(claims, figure, sentence, claimant, status, offset, scope)
    return claims


def _spaced(folded: str, spans: Sequence[tuple[int, int]]) -> str:
    """``folded`` with the characters of ``spans`` replaced by spaces."""
    if not spans:
        return folded
    chars = list(folded)
    for start, end in spans:
        chars[max(0, start) : end] = " " * (min(end, len(folded)) - max(0, start))
    return "".join(chars)


def _masked(folded: str, spans: Sequence[tuple[int, int]]) -> str:
    """``folded`` with the characters of ``spans`` replaced by a neutral word character."""
    if not spans:
        return folded
    chars = list(folded)
    for start, end in spans:
        chars[max(0, start) : end] = "_" * (min(end, len(folded)) - max(0, start))
    return "".join(chars)


def _cumulative_clauses(
    folded: str,
    starts: Sequence[int],
    ends: Sequence[int],
    time_spans: Sequence[tuple[int, int]],
    vocab: _Vocabulary,
) -> list[bool]:
    """For each clause, whether it counts from a past day ("since October")."""
    flags = []
    for start, end in zip(starts, ends, strict=True):
        found = bool(vocab.cumulative_span.search(folded, start, end))
        if not found:
            for m in vocab.cumulative_since.finditer(folded, start, end):
                if m["object"] or _time_at(m.start(), m.end(), time_spans):
                    found = True
                    break
        flags.append(found)
    return flags


def _time_at(start: int, end: int, time_spans: Sequence[tuple[int, int]]) -> bool:
    """True when a time expression holds the word at ``[start, end)`` ("since October" is
    one) or begins right after it."""
    return any(a <= start < b or end <= a <= end + 4 for a, b in time_spans)


def _combined_qualifier(killed_q: str | None, injured_q: str | None) -> str | None:
    """One qualifier for a claim of two figures: shared, or each named with its count."""
    if killed_q == injured_q:
        return killed_q
    parts = [f"{kind}: {q}" for kind, q in (("killed", killed_q), ("injured", injured_q)) if q]
    return "; ".join(parts)


def _add_figure(
    claims: list[CasualtyClaim],
    figure: _Figure,
    sentence: str,
    claimant: str | None,
    status: _Status,
    offset: int,
    scope: _Scope = "incident",
) -> list[CasualtyClaim]:
    """Fold a figure into the last claim of the same claimant and status, or start one.

    A claim holds at most one killed and one injured figure; when their qualifiers
    differ, the claim's qualifier names each ("killed: at least; injured: about").
    """
    text = " ".join(sentence[figure.start : figure.end].split())
    killed = figure.value if figure.kind in ("killed", "both") else None
    injured = figure.value if figure.kind in ("injured", "both") else None
    for index in range(len(claims) - 1, -1, -1):
        claim = claims[index]
        if (claim.claimed_by, claim.claim_status, claim.scope) != (claimant, status, scope):
            continue
        if (killed is not None and claim.killed is not None) or (
            injured is not None and claim.injured is not None
        ):
            break
        old_q = claim.qualifier
        killed_q, injured_q = (
            (old_q, figure.qualifier) if killed is None else (figure.qualifier, old_q)
        )
        claims[index] = replace(
            claim,
            killed=claim.killed if killed is None else killed,
            injured=claim.injured if injured is None else injured,
            killed_text=claim.killed_text if killed is None else text,
            injured_text=claim.injured_text if injured is None else text,
            qualifier=_combined_qualifier(killed_q, injured_q),
            start=min(claim.start, figure.start + offset),
            end=max(claim.end, figure.end + offset),
        )
        return claims
    claims.append(
        CasualtyClaim(
            killed=killed,
            injured=injured,
            killed_text=text if killed is not None else None,
            injured_text=text if injured is not None else None,
            qualifier=figure.qualifier,
            claimed_by=claimant,
            claim_status=status,
            start=figure.start + offset,
            end=figure.end + offset,
            scope=scope,
        )
    )
    return claims
