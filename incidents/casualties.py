"""Find casualty figures in one sentence, with who claims them and how firmly.

The vocabulary (numbers, casualty words, claimants, official bodies) lives in
``incidents/data/casualties.json``, in English and Arabic. Every figure is kept as
its claimant gives it: contradicting claims are all returned, never merged or
averaged. The rules, in the order they apply:

1. A stated absence ("no deaths", "no one was hurt") is a figure of 0.
2. A number (digits, Arabic-Indic digits, words, or a vague quantity such as
   "dozens", read with ACLED's conservative convention) becomes a figure when a
   casualty word binds it: one just before it ("killing three", "the toll rose to
   5", "مقتل ثلاثة") or one a few words after it with no punctuation between
   ("125 people were injured", "3 قتلى"). Numbers inside a date or clock time,
   numbers followed by a unit ("73 seats", "1,300 appeals"), and sub-group figures
   ("27 of those injured") are not claims.
3. Each figure takes the nearest claimant of its own clause ("according to X",
   "X said", "said X", Arabic "قالت X"), resolved against earlier claimants when
   it is a short definite mention ("the ministry").
4. The claim's status is "denied" when the claimant denies, "unconfirmed" when the
   clause says the figure is unconfirmed, "official" when the claimant is a state
   body, and "claimed" otherwise (including the outlet's own voice, where
   ``claimed_by`` is None).
5. A killed and an injured figure from the same claimant, status and qualifier
   make one claim.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from geo.errors import IncidentMapperError
from incidents.model import CasualtyClaim
from incidents.timeref import fold_text, folding_table, term_pattern, time_expression_spans

__all__ = ["find_casualty_claims", "find_claimants"]

DATA_FILE = "casualties.json"
_ORIGIN = f"<bundled incidents/data/{DATA_FILE}>"

#: Characters that end the reach of a figure, a claimant or a subject.
_PUNCTUATION = re.compile(r"[,;:.!?()\[\]{}\"“”«»]")
#: How far (in characters) a figure, a claimant or a subject is looked for around its cue;
#: keeps the work per cue bounded on very long "sentences".
_REACH = 300
_ARABIC = re.compile("[\u0600-\u06ff]")

_Kind = Literal["killed", "injured", "both"]
_Status = Literal["official", "claimed", "unconfirmed", "denied"]


@dataclass(frozen=True)
class _Figure:
    """One casualty count found in the sentence (offsets into the sentence)."""

    kind: _Kind
    value: int
    start: int
    end: int
    qualifier: str | None


@dataclass(frozen=True)
class _Attribution:
    """Who a stretch of the sentence is attributed to."""

    cue: int
    """Where the attribution's cue (verb or 'according to') starts."""
    claimant: str | None
    denies: bool


@dataclass(frozen=True)
class _Vocabulary:
    fold_table: Mapping[int, str]
    number: re.Pattern[str]
    number_values: Mapping[str, int]
    tens: Mapping[str, int]
    units: Mapping[str, int]
    unit_after: re.Pattern[str]
    subgroup_after: re.Pattern[str]
    subgroup_before: re.Pattern[str]
    before_term: re.Pattern[str]
    after_term: re.Pattern[str]
    stop_word: re.Pattern[str]
    max_words: int
    dual: re.Pattern[str]
    zero: re.Pattern[str]
    nobody: re.Pattern[str]
    according_to: re.Pattern[str]
    agent_cue: re.Pattern[str]
    verb: re.Pattern[str]
    passive_aux: frozenset[str]
    passive_adverbs: frozenset[str]
    appositive: re.Pattern[str]
    determiner: re.Pattern[str]
    subject_leader: re.Pattern[str]
    claimant_stop: re.Pattern[str]
    max_claimant_words: int
    definite_prefix: str
    official: re.Pattern[str]
    not_official: re.Pattern[str]
    unconfirmed_claimant: re.Pattern[str]
    unconfirmed_marker: re.Pattern[str]
    clause_break: re.Pattern[str]


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


def _key(text: str, table: Mapping[int, str]) -> str:
    return " ".join(text.translate(table).lower().split())


def _alt(terms: Iterable[str], table: Mapping[int, str]) -> str:
    """Regex alternation of phrases, longest first."""
    unique = sorted({_key(t, table) for t in terms}, key=lambda t: (-len(t), t))
    return "|".join(term_pattern(t, table) for t in unique)


def _word_re(
    terms: Iterable[str], table: Mapping[int, str], flags: int = re.IGNORECASE
) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(terms, table)})(?!\w)", flags)


def _load_raw() -> dict[str, Any]:
    resource = resources.files("incidents").joinpath("data", DATA_FILE)
    try:
        raw = json.loads(resource.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        raise IncidentMapperError(msg, path=_ORIGIN, line=exc.lineno) from exc
    if not isinstance(raw, dict):
        msg = "expected a JSON object at the top level"
        raise _fail(msg)
    return raw


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    """Load and compile the bundled vocabulary once per process."""
    return _build_vocabulary(_load_raw())


def _build_vocabulary(raw: Mapping[str, Any]) -> _Vocabulary:
    table = folding_table()
    flags = re.IGNORECASE

    numbers = _section(raw, "numbers", "top")
    words = _counts(numbers, "words", "numbers")
    vague = _counts(_section(raw, "vague_quantities", "top"), "words", "vague_quantities")
    tens = _counts(numbers, "tens", "numbers")
    units = _counts(numbers, "units", "numbers")
    values = {_key(w, table): n for w, n in {**words, **vague}.items()}
    qualifiers = _words(_section(raw, "qualifiers", "top"), "words", "qualifiers")
    compound = rf"(?:{_alt(tens, table)})-(?:{_alt(units, table)})"
    number = re.compile(
        rf"(?<![\w.,:/#$-])(?:(?P<q>{_alt(qualifiers, table)})\s+)?(?:و\s?)?"
        rf"(?P<n>\d{{1,3}}(?:,\d{{3}}){{1,3}}(?!\d|,\d)|\d{{1,7}}(?!\d)|{compound}"
        rf"|{_alt(values, table)})(?![\w%-]|[.,]\d)",
        flags,
    )

    not_cas = _section(raw, "not_casualties", "top")
    unit_after = re.compile(
        rf"\s*(?:{_alt(_words(not_cas, 'units', 'not_casualties'), table)})(?!\w)", flags
    )
    subgroups = _section(raw, "subgroups", "top")
    subgroup_after = re.compile(
        rf"\s+(?:{_alt(_words(subgroups, 'after', 'subgroups'), table)})(?!\w)", flags
    )
    subgroup_before = re.compile(
        rf"(?<!\w)(?:{_alt(_words(subgroups, 'before', 'subgroups'), table)})\s*\Z", flags
    )

    terms = _section(raw, "terms", "top")
    bridges = _words(_section(terms, "before_bridges", "terms"), "words", "terms.before_bridges")
    proclitics = _words(_section(raw, "arabic_proclitics", "top"), "words", "arabic_proclitics")
    proclitic = "[" + "".join(re.escape(p) for p in proclitics) + "]?"
    article = _section(raw, "arabic_proclitics", "top").get("article")
    if not isinstance(article, str) or not article:
        msg = "arabic_proclitics: 'article' must be a non-empty string"
        raise _fail(msg)
    prefixed = rf"{proclitic}(?:{term_pattern(article, table)})?"
    before_term = re.compile(
        rf"(?<!\w){proclitic}(?:(?P<killed>{_alt(_words(terms, 'killed_before', 'terms'), table)})"
        rf"|(?P<injured>{_alt(_words(terms, 'injured_before', 'terms'), table)}))"
        rf"(?:\s+(?:{_alt(bridges, table)})){{0,3}}\s*\Z",
        flags,
    )
    after_term = re.compile(
        rf"{prefixed}(?:(?P<killed>{_alt(_words(terms, 'killed_after', 'terms'), table)})"
        rf"|(?P<injured>{_alt(_words(terms, 'injured_after', 'terms'), table)}))(?!\w)",
        flags,
    )
    dual = re.compile(
        rf"(?<!\w)(?:(?P<killed>{_alt(_words(terms, 'dual_killed', 'terms'), table)})"
        rf"|(?P<injured>{_alt(_words(terms, 'dual_injured', 'terms'), table)}))(?!\w)",
        flags,
    )
    window = _section(raw, "window", "top")

    zero = _section(raw, "zero", "top")
    zero_re = re.compile(
        rf"(?<!\w){proclitic}(?:{_alt(_words(zero, 'negators', 'zero'), table)})\s+{prefixed}"
        rf"(?:(?P<killed>{_alt(_words(zero, 'killed', 'zero'), table)})"
        rf"|(?P<injured>{_alt(_words(zero, 'injured', 'zero'), table)})"
        rf"|(?P<both>{_alt(_words(zero, 'both', 'zero'), table)}))(?!\w)",
        flags,
    )
    nobody_verbs = _section(zero, "nobody_verbs", "zero")
    nobody = re.compile(
        rf"(?<!\w)(?:{_alt(_words(zero, 'nobody', 'zero'), table)})\s+"
        rf"(?:(?P<killed>{_alt(_words(nobody_verbs, 'killed', 'zero.nobody_verbs'), table)})|"
        rf"(?P<injured>{_alt(_words(nobody_verbs, 'injured', 'zero.nobody_verbs'), table)}))"
        r"(?!\w)",
        flags,
    )

    attribution = _section(raw, "attribution", "top")
    verbs = _words(attribution, "verbs", "attribution")
    deny = _words(attribution, "deny_verbs", "attribution")
    verb = re.compile(
        rf"(?<!\w){proclitic}(?:(?P<deny>{_alt(deny, table)})|(?P<claim>{_alt(verbs, table)}))"
        r"(?!\w)",
        flags,
    )
    prefix = attribution.get("arabic_definite_prefix")
    if not isinstance(prefix, str) or not prefix:
        msg = "attribution: 'arabic_definite_prefix' must be a non-empty string"
        raise _fail(msg)

    appositives = _words(attribution, "appositive_openers", "attribution")
    breaks = _words(_section(raw, "clause_breaks", "top"), "words", "clause_breaks")
    status = _section(raw, "status", "top")
    unconfirmed_claimants = _section(status, "unconfirmed_claimants", "status")
    return _Vocabulary(
        fold_table=table,
        number=number,
        number_values=values,
        tens={_key(w, table): n for w, n in tens.items()},
        units={_key(w, table): n for w, n in units.items()},
        unit_after=unit_after,
        subgroup_after=subgroup_after,
        subgroup_before=subgroup_before,
        before_term=before_term,
        after_term=after_term,
        stop_word=_word_re(_words(window, "stop_words", "window"), table),
        max_words=_int(window, "max_words", "window"),
        dual=dual,
        zero=zero_re,
        nobody=nobody,
        according_to=_word_re(_words(attribution, "according_to", "attribution"), table),
        agent_cue=_word_re(_words(attribution, "agent_cues", "attribution"), table),
        verb=verb,
        passive_aux=frozenset(
            _key(w, table) for w in _words(attribution, "passive_auxiliaries", "attribution")
        ),
        passive_adverbs=frozenset(
            _key(w, table) for w in _words(attribution, "passive_adverbs", "attribution")
        ),
        appositive=re.compile(rf"\s*(?:{_alt(appositives, table)})(?!\w)", flags),
        determiner=re.compile(
            rf"\s*(?:{_alt(_words(attribution, 'determiners', 'attribution'), table)})\s+", flags
        ),
        subject_leader=re.compile(
            rf"\s*(?:{_alt(_words(attribution, 'subject_leaders', 'attribution'), table)})\s+",
            flags,
        ),
        claimant_stop=_word_re(_words(attribution, "claimant_stops", "attribution"), table),
        max_claimant_words=_int(attribution, "max_claimant_words", "attribution"),
        definite_prefix=_key(prefix, table),
        official=_word_re(_words(status, "official", "status"), table),
        not_official=_word_re(_words(status, "not_official", "status"), table),
        unconfirmed_claimant=_word_re(
            _words(unconfirmed_claimants, "words", "status.unconfirmed_claimants"), table
        ),
        unconfirmed_marker=_word_re(_words(status, "unconfirmed_markers", "status"), table),
        clause_break=re.compile(rf";|(?<!\w)(?:{_alt(breaks, table)})(?!\w)", flags),
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
    """Characters already claimed by a date, a clock time or a figure (linear-time checks)."""

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


def _after_term(
    folded: str, end: int, number_starts: set[int], vocab: _Vocabulary
) -> re.Match[str] | None:
    """The casualty word a few words after a figure, if nothing breaks the link."""
    limit = _reach_end(folded, end)
    for words, token in enumerate(re.finditer(r"\S+", folded[end:limit])):
        position = end + token.start()
        term = vocab.after_term.match(folded, position, limit)
        if term is not None:
            return term
        if words >= vocab.max_words or position in number_starts:
            return None
        if vocab.stop_word.match(folded, position, limit):
            return None
    return None


def _find_figures(sentence: str, folded: str, vocab: _Vocabulary) -> list[_Figure]:
    figures: list[_Figure] = []
    taken = _Mask(len(folded))

    for pattern in (vocab.zero, vocab.nobody):
        for m in pattern.finditer(folded):
            kind: _Kind = next(k for k in ("killed", "injured", "both") if m.groupdict().get(k))
            figures.append(_Figure(kind, 0, m.start(), m.end(), None))
            taken.add(m.start(), m.end())
    for start, end in time_expression_spans(sentence):
        taken.add(start, end)

    numbers = [
        m for m in vocab.number.finditer(folded) if not taken.overlaps(m.start("n"), m.end("n"))
    ]
    number_starts = {m.start() for m in numbers}
    for m in numbers:
        value = _number_value(m["n"], vocab)
        if value is None:
            continue
        if vocab.unit_after.match(folded, m.end()) or vocab.subgroup_after.match(folded, m.end()):
            continue
        head = folded[max(0, m.start() - 60) : m.start()]
        if vocab.subgroup_before.search(head):
            continue
        start, end = m.start("q") if m["q"] else m.start("n"), m.end()
        before = vocab.before_term.search(head)
        if before is not None:
            kind = "killed" if before["killed"] else "injured"
            start = m.start() - len(head) + before.start()
        else:
            after = _after_term(folded, m.end(), number_starts, vocab)
            if after is None:
                continue
            kind = "killed" if after["killed"] else "injured"
            end = after.end()
        qualifier = (
            " ".join(sentence[m.start("q") : m.end("q")].lower().split()) if m["q"] else None
        )
        figures.append(_Figure(kind, value, start, end, qualifier))
        taken.add(start, end)

    for m in vocab.dual.finditer(folded):
        if not taken.overlaps(m.start(), m.end()):
            kind = "killed" if m["killed"] else "injured"
            figures.append(_Figure(kind, 2, m.start(), m.end(), None))
    return sorted(figures, key=lambda f: f.start)


# --------------------------------------------------------------------------- claimants


def _clause_starts(folded: str, vocab: _Vocabulary) -> list[int]:
    return [0, *(m.end() for m in vocab.clause_break.finditer(folded))]


def _clause_of(position: int, starts: Sequence[int]) -> int:
    """Index of the clause holding ``position`` (``starts`` is sorted and begins with 0)."""
    return bisect_right(starts, position) - 1


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
    stop = vocab.claimant_stop.search(folded, start, limit)
    if stop is not None:
        limit = stop.start()
    return _tidy(sentence[start:limit], vocab)


def _strip_leaders(text: str, vocab: _Vocabulary, *, determiners: bool = True) -> str:
    while True:
        leader = vocab.subject_leader.match(text)
        if leader is None and determiners:
            leader = vocab.determiner.match(text)
        if leader is None:
            return text
        text = text[leader.end() :]


def _tidy(words: str, vocab: _Vocabulary) -> str | None:
    """Minimal normalisation of a claimant's words; None when nothing is left.

    Surrounding quotes and leading conjunctions go. Leading determiners go before a
    name ("the Health Ministry" -> "Health Ministry", "Other PMF-allied media" ->
    "PMF-allied media") but stay on a bare common noun ("the ministry"), which
    :func:`_resolve_claimant` may later replace by the body it refers to.
    """
    text = _strip_leaders(words.strip(" \t\n'\"“”‘’«»-–—"), vocab, determiners=False)
    bare = _strip_leaders(text, vocab)
    if bare[:1].isupper() or _ARABIC.match(bare) or bare[:1].isdigit():
        text = bare
    text = " ".join(text.split())
    if not text or not bare.strip() or len(text.split()) > vocab.max_claimant_words:
        return None
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
    end = start + len(pieces[index])
    stop = vocab.claimant_stop.search(folded, start, end)
    if stop is not None:
        end = stop.start()
    return _tidy(sentence[start:end], vocab), False


def _attributions(
    sentence: str,
    folded: str,
    figures: Sequence[_Figure],
    starts: Sequence[int],
    vocab: _Vocabulary,
) -> list[_Attribution]:
    blocked = sorted(f.start for f in figures)
    figure_ends = sorted(f.end for f in figures)
    mask = _Mask(len(folded))
    for figure in figures:
        mask.add(figure.start, figure.end)
    found: list[_Attribution] = []
    for m in vocab.according_to.finditer(folded):
        found.append(
            _Attribution(m.start(), _words_after(sentence, folded, m.end(), blocked, vocab), False)
        )
    for m in vocab.verb.finditer(folded):
        if mask.overlaps(m.start(), m.end()):
            continue
        if _is_passive(folded, m.start(), m.end(), vocab):
            continue
        denies = bool(m["deny"])
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
        found.append(_Attribution(m.start(), claimant, denies))
    return [a for a in found if a.claimant is not None or a.denies]


def _is_passive(folded: str, start: int, end: int, vocab: _Vocabulary) -> bool:
    """True for "were reported", "have not been confirmed", "denied by": no claimant there."""
    following = folded[end : end + 20].split()
    if following and following[0].lower() == "by":
        return True
    previous = [_key(w, vocab.fold_table) for w in folded[max(0, start - 60) : start].split()]
    while previous and previous[-1] in vocab.passive_adverbs:
        previous.pop()
    return bool(previous) and previous[-1] in vocab.passive_aux


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
    Health Ministry"). Bare common nouns ("the ministry") are left out.
    """
    vocab = _vocabulary()
    folded = fold_text(sentence, vocab.fold_table)
    starts = _clause_starts(folded, vocab)
    mentions = [(a.cue, a.claimant) for a in _attributions(sentence, folded, [], starts, vocab)]
    mentions += _agents(sentence, folded, [], vocab)
    named = []
    for _, name in sorted(mentions, key=lambda m: m[0]):
        bare = _strip_leaders(name, vocab) if name else ""
        if bare[:1].isupper() or _ARABIC.match(bare) or bare[:1].isdigit():
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


def _resolve_claimant(name: str, earlier: Sequence[str], vocab: _Vocabulary) -> str:
    """Resolve a short mention ("the ministry") to the latest earlier claimant it names.

    A candidate matches when its head noun (last word in English, first in Arabic)
    is the mention's head and every word of the mention is among its words.
    """
    mention = _tokens(name, vocab)
    if not mention:
        return name
    arabic = bool(_ARABIC.match(name))
    head = mention[0] if arabic else mention[-1]
    for candidate in reversed(earlier):
        words = _tokens(candidate, vocab)
        if not words or candidate == name:
            continue
        candidate_head = words[0] if _ARABIC.match(candidate) else words[-1]
        if candidate_head == head and set(mention) <= set(words) and len(words) > len(mention):
            return candidate
    return name


def _status(claimant: str | None, denies: bool, unconfirmed: bool, vocab: _Vocabulary) -> _Status:
    if denies:
        return "denied"
    if unconfirmed:
        return "unconfirmed"
    if claimant is not None:
        folded = _key(claimant, vocab.fold_table)
        rest = vocab.official.sub(" | ", folded)
        if rest != folded and not vocab.not_official.search(rest):
            return "official"
    return "claimed"


@dataclass(frozen=True)
class _Clause:
    """What one clause says about its figures' claimants."""

    cues: list[int]
    attributions: list[_Attribution]
    marker_claimant: str | None
    """An 'unconfirmed reports' / 'rumours' marker, standing in for a named claimant."""
    unconfirmed: bool

    def nearest(self, position: int) -> _Attribution | None:
        """The clause's attribution whose cue is nearest to ``position``."""
        index = bisect_left(self.cues, position)
        near = [i for i in (index - 1, index) if 0 <= i < len(self.cues)]
        if not near:
            return None
        return self.attributions[min(near, key=lambda i: abs(self.cues[i] - position))]


def _clauses(
    sentence: str,
    folded: str,
    starts: Sequence[int],
    attributions: Sequence[_Attribution],
    vocab: _Vocabulary,
) -> list[_Clause]:
    ends = [*starts[1:], len(folded)]
    grouped: list[list[_Attribution]] = [[] for _ in starts]
    for attribution in sorted(attributions, key=lambda a: a.cue):
        grouped[_clause_of(attribution.cue, starts)].append(attribution)
    clauses = []
    for start, end, own in zip(starts, ends, grouped, strict=True):
        marker = vocab.unconfirmed_claimant.search(folded, start, end)
        unconfirmed = marker is not None or bool(
            vocab.unconfirmed_marker.search(folded, start, end)
        )
        marker_text = " ".join(sentence[marker.start() : marker.end()].split()) if marker else None
        clauses.append(_Clause([a.cue for a in own], own, marker_text, unconfirmed))
    return clauses


# --------------------------------------------------------------------------- claims


def find_casualty_claims(
    sentence: str, *, offset: int = 0, previous_claimants: Sequence[str] = ()
) -> list[CasualtyClaim]:
    """Casualty figures in one sentence, one claim per claimant and qualifier.

    Parameters
    ----------
    sentence
        One sentence of a report, as written.
    offset
        Where the sentence starts in the report text; added to every span.
    previous_claimants
        Claimants named earlier in the report, oldest first. A short definite
        mention ("the ministry", "الوزارة") resolves to the latest of them whose
        head noun it shares ("Iraq's Health Ministry").

    Returns
    -------
    list of CasualtyClaim
        In text order. ``start``/``end`` span the figure's wording (from its
        qualifier to its casualty word); ``killed_text``/``injured_text`` are that
        wording for each count. Sub-group figures ("27 of those injured were
        civilians") are not returned: they count part of a total, not a total.
    """
    vocab = _vocabulary()
    folded = fold_text(sentence, vocab.fold_table)
    figures = _find_figures(sentence, folded, vocab)
    if not figures:
        return []
    starts = _clause_starts(folded, vocab)
    attributions = _attributions(sentence, folded, figures, starts, vocab)
    earlier = list(previous_claimants)
    mentions = [(a.cue, a.claimant) for a in attributions if a.claimant]
    mentions += _agents(sentence, folded, sorted(f.start for f in figures), vocab)
    for _, name in sorted(mentions):
        earlier.append(_resolve_claimant(name, earlier, vocab))

    clauses = _clauses(sentence, folded, starts, attributions, vocab)
    claims: list[CasualtyClaim] = []
    for figure in figures:
        clause = clauses[_clause_of(figure.start, starts)]
        chosen = clause.nearest(figure.start)
        claimant = chosen.claimant if chosen else None
        if claimant is not None:
            claimant = _resolve_claimant(claimant, earlier, vocab)
        else:
            claimant = clause.marker_claimant
        status = _status(claimant, bool(chosen and chosen.denies), clause.unconfirmed, vocab)
        claims = _add_figure(claims, figure, sentence, claimant, status, offset)
    return claims


def _add_figure(
    claims: list[CasualtyClaim],
    figure: _Figure,
    sentence: str,
    claimant: str | None,
    status: _Status,
    offset: int,
) -> list[CasualtyClaim]:
    """Fold a figure into the last claim of the same claimant, or start a new claim."""
    text = " ".join(sentence[figure.start : figure.end].split())
    killed = figure.value if figure.kind in ("killed", "both") else None
    injured = figure.value if figure.kind in ("injured", "both") else None
    for index in range(len(claims) - 1, -1, -1):
        claim = claims[index]
        if (claim.claimed_by, claim.claim_status, claim.qualifier) != (
            claimant,
            status,
            figure.qualifier,
        ):
            continue
        if (killed is not None and claim.killed is not None) or (
            injured is not None and claim.injured is not None
        ):
            break
        claims[index] = replace(
            claim,
            killed=claim.killed if killed is None else killed,
            injured=claim.injured if injured is None else injured,
            killed_text=claim.killed_text if killed is None else text,
            injured_text=claim.injured_text if injured is None else text,
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
        )
    )
    return claims
