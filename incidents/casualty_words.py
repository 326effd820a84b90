"""The casualty vocabulary, read once from ``incidents/data/casualties.json`` and
compiled, and the clause helpers that the figure and claimant readers share
(:mod:`incidents.casualties`, :mod:`incidents.claimants`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import ahocorasick

from gazetteer.normalize import IGNORECASE_PARTNERS
from geo.resources import DataChecks, bundled_origin, read_json_resource
from incidents.arabic_numbers import arabic_number_value, arabic_numbers
from incidents.time_phrases import folding_table
from incidents.time_terms import by_first_character, phrase_memo, term_pattern, word_screen_key

DATA_FILE = "casualties.json"


#: The shared validators (geo.resources), bound to this file: errors name it and the section.
_CHECKS = DataChecks(bundled_origin("incidents", DATA_FILE))
_section = _CHECKS.section
_words = _CHECKS.words
_counts = _CHECKS.counts
_int = _CHECKS.whole_number
_text = _CHECKS.text


#: Characters that end the reach of a figure, a claimant or a subject.
#: Punctuation that ends a reach; the full stop of an initial ("U.S. and Iraqi officials") not.
_PUNCTUATION = re.compile(r"[,;:!?()\[\]{}\"“”«»]|(?<!\b[^\W\d_])\.")


CLOSING_QUOTES = "\"'”’»"


#: How far (in characters) a figure, a claimant or a subject is looked for around its cue;
#: keeps the work per cue bounded on very long "sentences".
REACH = 300


ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True)
class CasualtyVocabulary:
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
    zero_more: re.Pattern[str]
    """A further absent noun after a zero one ("no deaths or injuries")."""
    negated_number: re.Pattern[str]
    """A negator ending the text before a number ("not one soldier was hurt": 0)."""
    nobody: re.Pattern[str]
    nobody_object: re.Pattern[str]
    figure_nouns: frozenset[str]  # nouns that are figures themselves (شخص 1, شخصين 2)
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
    figure_screen: FigureScreen
    toll_told_of: re.Pattern[str] | None = None
    """'The dead from Wednesday's strike were' before a figure (ends with the text)."""
    articles: frozenset[str] = frozenset()
    """Folded indefinite articles ('a', 'an'): figures of one only when they count a person."""
    person_nouns: frozenset[str] = frozenset()
    person_plurals: frozenset[str] = frozenset()
    """The plurals of ``person_nouns`` ("soldiers", "policemen", "children")."""
    people_ordinals: frozenset[str] = frozenset()
    demonym_endings: tuple[str, ...] = ()
    people_window: int = 0
    people_closing: re.Pattern[str] | None = None
    collective_nouns: frozenset[str] = frozenset()
    indefinite_articles: frozenset[str] = frozenset()
    binding_verbs: frozenset[str] = frozenset()
    listed_gap: re.Pattern[str] | None = None
    """A gap between two groups of a list ("soldiers, ", "Iraqi and ", "third, as well as ")."""
    claimant_trailing: frozenset[str] = frozenset()
    """Folded words that end a claimant's words but are none of it ("also", الثلاثاء)."""
    claimant_relatives: frozenset[str] = frozenset()
    """Folded words that open a relative clause after a claimant ("who spoke ...")."""
    attribution_screen: FigureScreen | None = None
    """The same screen over the attribution cues (``verb``, ``according_to``,
    ``agent_cue``): a sentence without one names no claimant (None: no screen)."""


class FigureScreen:
    """Whether a sentence can hold a casualty figure at all, from one Aho-Corasick pass.

    Every figure :func:`incidents.casualties.find_casualty_claims` finds is bound by a
    casualty phrase of the vocabulary (a zero noun or verb, a term before or after a
    number, a single or dual noun; a denied claim needs a figure before it). A match of
    a phrase holds its longest word, so a sentence none of whose screen words is in its
    folded, lower-cased, mark-free text holds no figure, and its reading is skipped.
    Sentences with letters beyond ASCII and Arabic (case-insensitive matching could pair
    other characters), and vocabularies with such words, are never screened.
    """

    def __init__(self, phrases: Iterable[str], table: Mapping[int, str]) -> None:
        words = set()
        for phrase in phrases:
            # The key the pattern is built from (see _alt), split as term_pattern splits it.
            parts = word_screen_key(fold_key(phrase, table), table).split(" ")
            words.add(max(reversed(parts), key=len))
        self._screening = bool(words) and all(_plain_word(w) for w in words)
        self._automaton = ahocorasick.Automaton()
        if self._screening:
            for word in sorted(words):
                self._automaton.add_word(word, word)
            self._automaton.make_automaton()

    def may_hold_figures(self, folded: str) -> bool:
        """False only when ``folded`` (a sentence folded by the vocabulary's table) holds
        no screen word, so no casualty pattern can match it."""
        if not self._screening:
            return True
        if folded.isascii():  # most text: nothing to rule out, no mark to take out
            plain = folded.lower()
        elif _UNSCREENABLE.search(folded):
            return True
        else:
            plain = folded.translate(_NO_MARKS).lower()
        for _ in self._automaton.iter(plain):
            return True
        return False


#: Characters that rule a sentence out of word screening: letters beyond ASCII and Arabic
#: (General Punctuation, with its quotes and dashes, is let through).
_UNSCREENABLE = re.compile(r"[^\x00-\x7f\u0600-\u06ff\u2000-\u206f]")
_ARABIC_MARKS = "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
_NO_MARKS = str.maketrans("", "", _ARABIC_MARKS)


def _plain_word(word: str) -> bool:
    return bool(word) and all(
        (ch.isascii() or ch.lower() == ch.upper()) and ch not in _ARABIC_MARKS for ch in word
    )


def fold_key(text: str, table: Mapping[int, str]) -> str:
    """``text`` folded by ``table``, in lower case, its spaces collapsed: the key a word
    or phrase is looked up by (remembered per table, as the same words recur)."""
    memo = phrase_memo(table, _FOLD_KEYS)
    key = memo.get(text)
    if key is None:
        key = " ".join(text.translate(table).translate(IGNORECASE_PARTNERS).lower().split())
        if len(memo) >= _FOLD_KEYS_SIZE:
            memo.clear()
        memo[text] = key
    return key


_FOLD_KEYS: dict[int, tuple[Mapping[int, str], dict[str, str]]] = {}
_FOLD_KEYS_SIZE = 8192


def _alt(terms: Iterable[str], table: Mapping[int, str]) -> str:
    """Regex alternation of phrases, longest first.

    The phrases are grouped under their first character (``k(?:illed|ills)|d(?:ied)``),
    so that where a match may start one group is tried, not every phrase: the same
    matches, as phrases opening with different characters never match at one place (see
    :func:`~incidents.time_terms.by_first_character`), and within a group the order is
    theirs."""
    unique = sorted({fold_key(t, table) for t in terms}, key=lambda t: (-len(t), t))
    return by_first_character([term_pattern(t, table) for t in unique], unique)


def _word_re(terms: Iterable[str], table: Mapping[int, str]) -> re.Pattern[str]:
    """Whole-phrase matcher; a hyphen joins words, so "in" is not found in "sit-in"."""
    return re.compile(rf"(?<![\w-])(?:{_alt(terms, table)})(?![\w-])", re.IGNORECASE)


#: English plurals that no suffix rule makes.
_IRREGULAR_PLURALS = {"child": "children", "person": "people", "passer-by": "passers-by"}


def _plural(noun: str) -> str:
    """The English plural of a person noun ("soldier" -> "soldiers", "policeman" ->
    "policemen", "deputy" -> "deputies", "child" -> "children")."""
    if noun in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[noun]
    if noun.endswith("man"):
        return noun[:-3] + "men"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    return noun + "s"


#: The attribution lists whose phrases every attribution cue holds (the screen's words).
_ATTRIBUTION_CUES = ("deny_verbs", "verbs", "continuation_verbs", "according_to", "agent_cues")


def _load_raw() -> dict[str, Any]:
    return read_json_resource("incidents", DATA_FILE)


@lru_cache(maxsize=1)
def casualty_vocabulary() -> CasualtyVocabulary:
    """Load and compile the bundled vocabulary once per process."""
    return build_vocabulary(_load_raw())


def build_vocabulary(raw: Mapping[str, Any]) -> CasualtyVocabulary:
    """Validate the vocabulary and compile its patterns; errors name the field."""
    table = folding_table()
    flags = re.IGNORECASE

    def kinds(
        section: Mapping[str, Any], killed: str, injured: str, where: str, combined: str = ""
    ) -> str:
        # The dead and hurt counted together ("killed or wounded") are tried first, as
        # their words open with a killed term's: a figure for them is kept as injured.
        both = (
            rf"(?P<both>{_alt(_words(section, combined, where), table)})|"
            if combined and section.get(combined)
            else ""
        )
        return (
            rf"(?:{both}(?P<killed>{_alt(_words(section, killed, where), table)})"
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
    persons.update(dict.fromkeys(_words(numbers, "dual_persons", "numbers"), 2))
    arabic = arabic_numbers(table)
    values = {fold_key(w, table): n for w, n in {**words, **vague, **persons}.items()}
    values.update((w, n) for w, n in arabic.single.items() if w not in values)
    qualifiers = _section(raw, "qualifiers", "top")
    compound = rf"(?:{_alt(tens, table)})[- ](?:{_alt(units, table)})"  # twenty-five, twenty five
    number = re.compile(
        rf"(?<![\w.,:/#$-])(?:(?P<q>{_alt(_words(qualifiers, 'words', 'qualifiers'), table)})\s+)?"
        rf"(?:و\s?)?(?P<n>\d{{1,3}}(?:,\d{{3}}){{1,3}}(?!\d|,\d)|\d{{1,7}}(?!\d)|{compound}"
        rf"|{arabic.pattern}|{_alt(values, table)})(?![\w%-]|[.,]\d)",
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
    before = kinds(terms, "killed_before", "injured_before", "terms", "combined_before")
    before_term = re.compile(
        rf"(?<!\w){proclitic}{before}(?:\s+(?:{_alt(bridges, table)})){{0,3}}\s*\Z", flags
    )
    before_term_postposed = re.compile(rf"(?<!\w){proclitic}{before}\s+\S{{1,40}}\s*\Z", flags)
    arabic_verbs = kinds(terms, "killed_before_verbs", "injured_before_verbs", "terms")
    before_term_subject = re.compile(
        rf"(?<!\w){proclitic}{arabic_verbs}\s+[\u0621-\u064a\u0640-\u0652]{{2,20}}\s*\Z", flags
    )
    after_term = re.compile(
        rf"{prefixed}{kinds(terms, 'killed_after', 'injured_after', 'terms', 'combined_after')}"
        rf"(?![\w-])",
        flags,
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

    def three_kinds(section: Mapping[str, Any], where: str, adverbs: str | None = None) -> str:
        def phrases(key: str) -> str:
            words = _words(section, key, where)
            if adverbs is None:
                return _alt(words, table)
            # "was hurt" also as "was immediately hurt": an adverb before the last word
            return "|".join(
                rf"{term_pattern(head, table)}(?:\s+(?:{adverbs}))?\s+{term_pattern(last, table)}"
                if head
                else term_pattern(last, table)
                for head, _, last in (
                    w.rpartition(" ") for w in sorted(words, key=lambda w: (-len(w), w))
                )
            )

        return (
            rf"(?:(?P<killed>{phrases('killed')})"
            rf"|(?P<injured>{phrases('injured')})"
            rf"|(?P<both>{phrases('both')}))"
        )

    adverbs = _alt(_words(zero, "adverbs", "zero"), table)
    nobody_verbs = three_kinds(
        _section(zero, "nobody_verbs", "zero"), "zero.nobody_verbs", adverbs=adverbs
    )
    verbs_nobody = three_kinds(_section(zero, "verbs_nobody", "zero"), "zero.verbs_nobody")
    fillers = rf"(?:\s+(?:{_alt(_words(zero, 'fillers', 'zero'), table)}))*"
    results = (
        rf"(?:{_alt(_words(zero, 'result_verbs', 'zero'), table)})"
        rf"(?:\s+[^\W\d]+){{0,{_int(zero, 'result_subject_words', 'zero')}}}?"
        rf"\s+(?:{_alt(_words(zero, 'result_links', 'zero'), table)})"
    )
    zero_re = re.compile(
        rf"(?<![\w-]){proclitic}(?:{results}|{_alt(_words(zero, 'negators', 'zero'), table)})"
        rf"{fillers}\s+{prefixed}{zero_nouns}(?![\w-])",
        flags,
    )
    zero_more = re.compile(
        rf"\s+(?:{_alt(_words(zero, 'coordinators', 'zero'), table)})\s?{prefixed}{zero_nouns}"
        r"(?![\w-])",
        flags,
    )
    negated_number = re.compile(
        rf"(?<![\w-]){proclitic}(?:{_alt(_words(zero, 'number_negators', 'zero'), table)})\s+\Z",
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
        rf"(?<![\w-]){proclitic}{verbs_nobody}"
        rf"\s+(?:{_alt(_words(zero, 'nobody', 'zero'), table)})(?![\w-])",
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

    zero_verbs = [_section(zero, "nobody_verbs", "zero"), _section(zero, "verbs_nobody", "zero")]
    figure_phrases = [
        *(w for key in ("killed", "injured", "both") for w in _words(zero, key, "zero")),
        *(w for section in zero_verbs for key in ("killed", "injured", "both")
          for w in _words(section, key, "zero")),
        *(w for key in ("killed_before", "injured_before", "killed_before_verbs",
                        "injured_before_verbs", "killed_after", "injured_after", "single_killed",
                        "single_injured", "dual_killed", "dual_injured")
          for w in _words(terms, key, "terms")),
    ]  # fmt: skip

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
        return frozenset(fold_key(w, table) for w in _words(attribution, key, "attribution"))

    def leading(key: str) -> re.Pattern[str]:
        return re.compile(
            rf"\s*(?:{_alt(_words(attribution, key, 'attribution'), table)})\s+", flags
        )

    articles = _section(raw, "articles", "top")
    told_of = _section(terms, "tolls_told_of", "terms")
    told_where = "terms.tolls_told_of"
    toll_told_of = re.compile(
        rf"(?<![\w-])(?:(?P<killed>{_alt(_words(told_of, 'subjects_killed', told_where), table)})"
        rf"|(?P<injured>{_alt(_words(told_of, 'subjects_injured', told_where), table)}))"
        rf"\s+(?:{_alt(_words(told_of, 'links', told_where), table)})"
        rf"(?:\s+[^\s\d,;:!?()\"]+){{1,{_int(told_of, 'max_words', told_where)}}}"
        rf"\s+(?:{_alt(_words(told_of, 'verbs', told_where), table)})"
        rf"(?:\s+(?:{_alt(bridges, table)})){{0,3}}\s*\Z",
        flags,
    )
    coordinators = _alt(_words(coordinated, "coordinators", "coordinated"), table)
    list_words = _int(coordinated, "max_words", "coordinated")

    return CasualtyVocabulary(
        toll_told_of=toll_told_of,
        articles=frozenset(fold_key(w, table) for w in _words(articles, "words", "articles")),
        person_nouns=frozenset(
            fold_key(w, table) for w in _words(articles, "person_nouns", "articles")
        ),
        person_plurals=frozenset(
            _plural(fold_key(w, table)) for w in _words(articles, "person_nouns", "articles")
        ),
        people_ordinals=frozenset(
            fold_key(w, table) for w in _words(articles, "ordinals", "articles")
        ),
        demonym_endings=tuple(_words(articles, "demonym_endings", "articles")),
        people_window=_int(articles, "people_window", "articles"),
        people_closing=_word_re(_words(articles, "closing_words", "articles"), table),
        collective_nouns=frozenset(
            fold_key(w, table) for w in _words(articles, "collective_nouns", "articles")
        ),
        indefinite_articles=frozenset(
            fold_key(w, table) for w in _words(articles, "indefinite_articles", "articles")
        ),
        binding_verbs=frozenset(
            fold_key(w, table) for w in _words(articles, "binding_verbs", "articles")
        ),
        listed_gap=re.compile(
            rf"(?:\s+[^\s\d,،;:!?()\"]+){{0,{list_words}}}"
            rf"(?:\s*[,،]\s*(?:(?P<list_and>{coordinators})\s+)?|\s+(?P<and>{coordinators})\s?)",
            flags,
        ),
        fold_table=table,
        number=number,
        number_values=values,
        figure_nouns=frozenset(fold_key(w, table) for w in persons),
        single=single,
        tens={fold_key(w, table): n for w, n in tens.items()},
        units={fold_key(w, table): n for w, n in units.items()},
        postposed=frozenset(fold_key(w, table) for w in _words(numbers, "postposed", "numbers")),
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
        zero_more=zero_more,
        negated_number=negated_number,
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
        definite_prefix=fold_key(
            _text(attribution, "arabic_definite_prefix", "attribution"), table
        ),
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
            fold_key(w, table)
            for w in _words(_section(raw, "not_claimants", "top"), "words", "not_claimants")
        ),
        figure_screen=FigureScreen(figure_phrases, table),
        claimant_trailing=frozenset(
            fold_key(w, table) for w in _section(raw, "not_claimants", "top").get("trailing", ())
        ),
        claimant_relatives=frozenset(
            fold_key(w, table) for w in _section(raw, "not_claimants", "top").get("relatives", ())
        ),
        attribution_screen=FigureScreen(
            [w for key in _ATTRIBUTION_CUES for w in _words(attribution, key, "attribution")],
            table,
        ),
    )


def number_value(word: str, vocab: CasualtyVocabulary) -> int | None:
    key = fold_key(word, vocab.fold_table)
    if key.replace(",", "").isdigit():
        return int(key.replace(",", ""))
    if "-" in key or " " in key:
        ten, _, unit = key.replace(" ", "-").partition("-")
        if ten in vocab.tens and unit in vocab.units:
            return vocab.tens[ten] + vocab.units[unit]
    value = vocab.number_values.get(key)
    if value is None and ARABIC_LETTER.search(key):
        return arabic_number_value(key, vocab.fold_table)  # ثلاثة عشر, خمسة وعشرون
    return value


def reach_end(folded: str, start: int) -> int:
    """Where a forward reach stops: the first punctuation mark after ``start``, or REACH."""
    limit = min(len(folded), start + REACH)
    mark = _PUNCTUATION.search(folded, start, limit)
    return mark.start() if mark else limit


def skip_spaces(folded: str, position: int) -> int:
    while position < len(folded) and folded[position].isspace():
        position += 1
    return position


def clause_starts(folded: str, vocab: CasualtyVocabulary) -> list[int]:
    return [0, *(m.end() for m in vocab.clause_break.finditer(folded))]


def clause_of(position: int, starts: Sequence[int]) -> int:
    """Index of the clause holding ``position`` (``starts`` is sorted and begins with 0)."""
    return bisect_right(starts, position) - 1


def stop_in(folded: str, start: int, end: int, vocab: CasualtyVocabulary) -> int:
    """Where a claimant's words stop: the first stop word, except a link after a source
    word ("a source in the ministry" runs on to "ministry")."""
    position = start
    while True:
        stop = vocab.claimant_stop.search(folded, position, end)
        if stop is None:
            return end
        linked = fold_key(stop.group(), vocab.fold_table) in vocab.source_links
        if not (
            linked and vocab.source_word.search(folded, max(start, stop.start() - 40), stop.start())
        ):
            return stop.start()
        position = stop.end()


CasualtyKind = Literal["killed", "injured", "both"]


@dataclass(frozen=True)
class Figure:
    """One casualty count found in the sentence (offsets into the sentence)."""

    kind: CasualtyKind
    value: int
    start: int
    end: int
    qualifier: str | None
    denied_by: str | None = None
    """Set for "..., a claim X denied": X gives 0 against the figure before it."""
