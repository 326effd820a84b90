"""Romanised Arabic names however they are spelled: a transliteration key and its index.

Reports write one bridge as Jumhuriya, Jumhuriyah, Jamhouriyya or al-Jamhouriyah, and no
alias list keeps up. A **spelling key** folds what romanisation varies and keeps what it
does not (the consonants):

1. letters are folded to ASCII (``ā`` -> ``a``), case is folded, apostrophes and ``ʿ`` vanish
   (``Ma'mun`` = ``Mamun``); the article (``al-``, ``el-``, ``Al``, the assimilated ``ad-``,
   ``as-``, ``ash-``, ``at-``, ``ar-``, ``az-``, ``an-``) is dropped, and generic words
   (Bridge, Jisr, Square, Souq, Hay...) are kept aside as the *kind* the name is written with;
2. letter pairs that transcribe one Arabic letter become one: ``dh`` -> ``z`` (ذ, also written
   ``z``), ``th`` -> ``t``, ``q`` -> ``k``, ``ou``/``oo`` -> ``u``, ``ee`` -> ``i``;
3. the ``-iya``/``-iyah``/``-iyya``/``-iyyah``/``-ia``/``-eya`` endings become one ending, a
   final ``h`` after a vowel goes, doubled letters are single;
4. vowels are dropped after the first letter (a first vowel is kept as ``a``), and so are
   ``y`` and ``w`` when no vowel follows (the diphthongs of Shaykh/Sheikh, Zawraa/Zora).

So Jumhuriya, Jumhuriyah, Jamhouriyya and al-Jamhouriyah all have the key ``jmhry``; Sinak,
Sanak, al-Sinek and Senk have ``snk``. :class:`VariantIndex` holds the key of every
gazetteer name in a dict, and, for keys of at least :data:`FUZZY_MIN_LETTERS` letters, a
deletion neighbourhood that finds keys one edit away in a few dict look-ups (no scan over
the names).

Arabic script has a key of its own (:func:`arabic_word_key`, its table in
``data/normalization.json``): on top of the normaliser's folding it drops the article, a
final taa marbuta and the long vowels after the first letter, and writes doubled letters
once (فكتوريا = فكتوري). As that also folds adjectives and broken plurals onto names,
:func:`arabic_shapes_agree` and :func:`arabic_light_form` say when two words sharing a key
may still be one name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

#: Keys this long or longer match one edit away (a letter dropped, added or changed).
FUZZY_MIN_LETTERS = 7
#: Keys shorter than this never match by key.
MIN_KEY_LETTERS = 3
#: Generic kinds a name may be written without ("Hay al-Nil" is also "al-Nil").
OPTIONAL_KINDS = frozenset({"neighbourhood"})
#: Keys this short match only with a generic word (Senk Bridge), an article and the same
#: first vowel (al-Sinek), or as one long word with the nisba ending (Saidiyah).
SHORT_KEY_LETTERS = 3

ARTICLES = frozenset(
    {"al", "el", "il", "ul", "ad", "adh", "as", "ash", "at", "ath", "ar", "az", "an"}
)
#: Articles written as a word of their own ("Al Rashid"); the others only with a hyphen
#: ("as-Sadr"), as "at", "as" and "an" are also English words.
SPACED_ARTICLES = frozenset({"al", "el"})

_VOWELS = frozenset("aeiou")
_DIGRAPHS = (("dh", "z"), ("th", "t"), ("ph", "f"), ("ck", "k"), ("q", "k"),
             ("ou", "u"), ("oo", "u"), ("ee", "i"))  # fmt: skip
_ENDING = re.compile(r"(?<=[^aeiou])(?:iy+|ey+|i|e)(?:ah|eh|a|e)$")
_FINAL_H = re.compile(r"(?<=[aeiou])h$")
#: The Arabic nisba ending written with its y (Saidiyah, Adhamiyya, Kazimeyah): a word
#: with it is a romanised Arabic name, whatever its key's length.
NISBA_ENDING = re.compile(r"(?<=[^aeiou])(?:iy+|ey+)(?:ah|eh|a|e)$")
_DOUBLE = re.compile(r"(.)\1+")


def fold_word(word: str) -> str:
    """The word in lower-case ASCII letters only: accents, apostrophes and ``ʿ`` removed."""
    if word.isascii():  # most words: nothing to decompose, casefold is lower
        lowered = word.lower()
        if lowered.isalpha():
            return lowered
        return "".join(c for c in lowered if "a" <= c <= "z")
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if "a" <= c <= "z")


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The spelling key of one word (see the module docstring), '' for a non-Latin word."""
    w = fold_word(word)
    if not w:
        return ""
    for pair, single in _DIGRAPHS:
        w = w.replace(pair, single)
    w = _ENDING.sub("iya", w) if len(w) > 3 else w
    w = _FINAL_H.sub("", w)
    w = _DOUBLE.sub(r"\1", w)
    out = ["a" if w[0] in _VOWELS else w[0]]
    for i in range(1, len(w)):
        c = w[i]
        if c in _VOWELS:
            continue
        if c in "yw" and (i + 1 >= len(w) or w[i + 1] not in _VOWELS):
            continue
        out.append(c)
    return _DOUBLE.sub(r"\1", "".join(out))


@dataclass(frozen=True)
class NameKey:
    """A name split into its spelling key and the generic words written with it."""

    key: str
    kinds: frozenset[str]
    """Generic kinds named with it: ``{"bridge"}`` for "Jisr al-Sinak"."""
    has_article: bool
    vowel: str = ""
    """Class of the first vowel of the name (``a``, ``i`` for i/e, ``u`` for u/o): short keys
    must agree on it too (al-Sinek is Sinak; ad-Dujayl is not Dijla)."""


_VOWEL_CLASS = {"a": "a", "e": "i", "i": "i", "o": "u", "u": "u"}


def first_vowel(folded: str) -> str:
    """The class of the first vowel after the first letter of a folded word."""
    return next((_VOWEL_CLASS[c] for c in folded[1:] if c in _VOWEL_CLASS), "")


def name_key(
    words: Iterable[str], generic: dict[str, str], honorifics: Collection[str] = ()
) -> NameKey:
    """The key of a name given as words; ``generic`` maps folded generic words to a kind.

    ``honorifics`` (folded: "imam", "sheikh") are left out of the key, as the article is:
    "the shrine of Musa al-Kadhim" is the "Imam Musa al-Kadhim shrine".
    """
    parts: list[str] = []
    kinds: set[str] = set()
    article = False
    tokens = [fold_word(w) for w in words]
    tokens = [t for t in tokens if t and t not in honorifics]
    for i, token in enumerate(tokens):
        if token in generic:
            kinds.add(generic[token])
            continue
        if token in ARTICLES and i + 1 < len(tokens):
            article = True
            continue
        parts.append(word_key(token))
    names = [t for t in tokens if t not in generic and t not in ARTICLES]
    vowel = first_vowel(names[0]) if names else ""
    return NameKey("".join(parts), frozenset(kinds), article, vowel)


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


@dataclass(frozen=True)
class VariantCandidate:
    """A gazetteer name whose key matches, and how far."""

    place_id: str
    name: str
    kinds: frozenset[str]
    distance: int
    vowel: str = ""


class VariantIndex:
    """Spelling keys of gazetteer names, for look-ups by key (exact or one edit away).

    Parameters
    ----------
    names
        ``(place_id, name words, NameKey)`` for every Latin-script name.
    """

    def __init__(
        self, names: Iterable[tuple[str, str, NameKey]], *, fuzzy_min: int = FUZZY_MIN_LETTERS
    ):
        self.fuzzy_min = fuzzy_min
        self._exact: dict[str, list[tuple[str, str, frozenset[str], str]]] = {}
        self._deleted: dict[str, set[str]] = {}
        for place_id, name, key in names:
            if len(key.key) < MIN_KEY_LETTERS:
                continue
            entries = self._exact.setdefault(key.key, [])
            entry = (place_id, name, key.kinds, key.vowel)
            if entry not in entries:
                entries.append(entry)
        for key in self._exact:
            if len(key) >= fuzzy_min:
                for deleted in _deletions(key):
                    self._deleted.setdefault(deleted, set()).add(key)

    def __len__(self) -> int:
        return len(self._exact)

    def lookup(self, key: str) -> list[VariantCandidate]:
        """Names with this key; failing that, names one edit away (long keys only)."""
        found = self._exact.get(key)
        if found:
            return [VariantCandidate(p, n, k, 0, v) for p, n, k, v in found]
        fuzzy_min = self.fuzzy_min
        if len(key) < fuzzy_min - 1:
            return []
        near: set[str] = set(self._deleted.get(key, ()))  # the text dropped a letter
        if len(key) >= fuzzy_min:
            for deleted in _deletions(key):
                if len(deleted) >= fuzzy_min and deleted in self._exact:
                    near.add(deleted)  # the text added a letter
                near.update(k for k in self._deleted.get(deleted, ()) if len(k) == len(key))
        near.discard(key)
        return [
            VariantCandidate(p, n, k, 1, v)
            for other in sorted(near)
            for p, n, k, v in self._exact[other]
        ]


# ------------------------------------------------------------------ Arabic script

#: Arabic keys are consonant skeletons, shorter than Latin keys: this long, one edit away.
ARABIC_FUZZY_MIN_LETTERS = 6
#: Arabic keys this short match only after a generic word of a fitting kind (جسر السنك), never
#: on the article alone.
ARABIC_SHORT_KEY_LETTERS = 3


@dataclass(frozen=True)
class ArabicSpelling:
    """What Arabic spelling varies in names (``arabic_spelling_key`` in normalization.json)."""

    article: str
    long_vowels: frozenset[str]
    final_dropped: frozenset[str]


@lru_cache(maxsize=1)
def arabic_spelling() -> ArabicSpelling:
    """The Arabic spelling-key table, from the data file."""
    data = json.loads(
        resources.files("gazetteer").joinpath("data", "normalization.json").read_text("utf-8")
    )["arabic_spelling_key"]
    return ArabicSpelling(
        data["article"], frozenset(data["long_vowels"]), frozenset(data["final_dropped"])
    )


@lru_cache(maxsize=65536)
def arabic_word_key(word: str) -> str:
    """The spelling key of one *normalised* Arabic word (see ``normalize_name``).

    The normaliser has already folded hamza forms of alef, taa marbuta, alef maqsura,
    tatweel and the harakat (shadda among them). The key also drops the article, a final
    taa marbuta, the long vowels (ا و ي) after the first letter, and writes doubled
    letters once: فكتوريا, فيكتوريا and فكتوري all have the key ``فكتر``.
    """
    spelling = arabic_spelling()
    w = word
    if w.startswith(spelling.article) and len(w) > len(spelling.article) + 1:
        w = w[len(spelling.article) :]
    if len(w) > 2 and w[-1] in spelling.final_dropped:
        w = w[:-1]
    if not w:
        return ""
    out = w[0] + "".join(c for c in w[1:] if c not in spelling.long_vowels)
    return _DOUBLE.sub(r"\1", out)


def _bare(word: str, article: str) -> str:
    if word.startswith(article) and len(word) > len(article) + 1:
        return word[len(article) :]
    return word


def arabic_light_form(word: str) -> str:
    """A normalised Arabic word without its article and a final ه or ا: the only ways an
    ordinary word may differ from a name it is read as (شعب for الشعب, فكتوريا for فكتوري),
    as dropping inner long vowels would make الأمن (security) الأمين."""
    spelling = arabic_spelling()
    word = _bare(word, spelling.article)
    if len(word) > 2 and word[-1] in spelling.final_dropped:
        word = word[:-1]
    return word[:-1] if len(word) > 2 and word[-1] == "ا" else word


def arabic_shapes_agree(written: Sequence[str], name: Sequence[str], *, strict: bool) -> bool:
    """True when normalised Arabic words that share a key also share the shape of a name.

    The key drops long vowels, which also drops what makes an adjective or a plural: أمنية
    (security, an adjective) has the key of الأمين, المشاتل (nurseries) that of المشتل. So
    the words must agree on a final long vowel (ا or ي after a dropped final ه: فكتوريا and
    فكتوري do, أمنية and الأمين do not) and on the alefs inside the word (a broken plural
    adds one). ``strict`` (a word with the article alone): the endings ية, ي, ه must agree
    too, as الاعظمي is a surname and not الأعظمية.
    """
    spelling = arabic_spelling()
    if len(written) != len(name):
        written, name = written[-1:], name[-1:]
    for one, other in zip(written, name, strict=True):
        one, other = _bare(one, spelling.article), _bare(other, spelling.article)
        if _vowel_end(one, spelling) != _vowel_end(other, spelling):
            return False
        if one.rstrip("ا").count("ا") != other.rstrip("ا").count("ا"):
            return False
        if strict and _ending(one) != _ending(other):
            return False
    return True


def _vowel_end(word: str, spelling: ArabicSpelling) -> bool:
    if len(word) > 2 and word[-1] in spelling.final_dropped:
        word = word[:-1]
    return word[-1:] in ("ا", "ي")


def _ending(word: str) -> str:
    return next((e for e in ("يه", "ي", "ه") if word.endswith(e)), "")


def arabic_name_key(words: Sequence[str], generic: dict[str, str]) -> NameKey:
    """The key of a normalised Arabic name given as words; a first word in ``generic``
    (normalised generic word -> kind) is its kind (جسر الجمهورية: a bridge, ``جمهر``)."""
    kinds: frozenset[str] = frozenset()
    if len(words) >= 2 and words[0] in generic:
        kinds = frozenset({generic[words[0]]})
        words = words[1:]
    key = "".join(arabic_word_key(w) for w in words)
    article = bool(words) and words[0].startswith(arabic_spelling().article)
    return NameKey(key, kinds, article)


@lru_cache(maxsize=1)
def arabic_stop_words() -> frozenset[str]:
    """Ordinary Arabic words (wordfreq, at least one per million words), normalised: a word
    written with the article alone is never read as a variant of a name when it is one."""
    import wordfreq

    from gazetteer.normalize import normalize_name

    frequencies = wordfreq.get_frequency_dict("ar", wordlist="small")
    return frozenset(normalize_name(w) for w, f in frequencies.items() if f >= 1e-6)


# ------------------------------------------------------------------ spans in a text

_TOKEN = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+(?:['’ʿʾ`](?:[^\W\d_]|[\u0300-\u036f])+)*")
#: Longest span of words (articles and generic words included) tried as one name.
MAX_SPAN_WORDS = 6


class RunToken(NamedTuple):
    """A word of a run (:meth:`SpanScanner.tokens`), with its spelling key (:func:`word_key`)."""

    start: int
    end: int
    folded: str
    capitalised: bool
    generic: str | None
    article: bool
    key: str


def sentence_initial(text: str, start: int) -> bool:
    """True when a word at ``start`` opens a sentence (its capital proves nothing)."""
    head = text[max(0, start - 6) : start].rstrip(" \"'“‘(")
    return not head or head[-1] in ".!?:\n"


_CAPITAL = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u1e00-\u1eff"
_LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f])"
#: Words whose reading (:meth:`SpanScanner._facts_of_word`) is remembered per scanner.
_WORD_CACHE_SIZE = 65536


#: In a text read backwards: a character no run holds (not a letter, combining mark,
#: apostrophe, space or hyphen), or a word of lower-case ASCII letters between spaces.
_STOP_BEFORE = re.compile(r"[^\w\u0300-\u036f'’ʿʾ` \-‐]|[\d_]|(?<= )[a-z]+(?= )")
#: Every letter that may be upper-case (str.isupper): not a-z, not lower-case Latin-1,
#: not Arabic script (which has no case).
_MAY_BE_UPPER = re.compile(
    "[^\\W\\d_a-z\u00df-\u00f6\u00f8-\u00ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\ufb50-\ufdff\ufe70-\ufeff]"
)


def _start_before(reversed_text: str, at: int, unit_words: frozenset[str]) -> int:
    """The nearest index at or before ``at`` that no run of name words reaches across.

    Runs are made of letters, combining marks, apostrophes, spaces and hyphens, and of
    units that open with a capital, a generic word or an article (``unit_words``, lower
    case): a run neither holds another character nor a lower-case word between spaces that
    is no unit word. ``reversed_text`` is the text backwards (searched from ``at`` back).
    """
    size = len(reversed_text)
    position = size - at
    while True:
        stop = _STOP_BEFORE.search(reversed_text, position)
        if stop is None:
            return 0
        if stop.end() - stop.start() == 1 and not stop.group().isalpha():
            return size - stop.start()  # just after the character
        if stop.group()[::-1] not in unit_words:
            return size - stop.end()  # the word's first letter
        position = stop.end()


def _by_first_letter(words: list[str]) -> str:
    """The alternation ``a|b|...`` of regex ``words``, its words grouped under their first
    letter (``s(?:treet|quare)|b(?:ridge)``) so a word start tries one group, not every
    word: the same matches, as two words of different first letters never match at one
    place, and the order within each group is theirs. Words not opening with an ASCII
    letter keep the plain alternation."""
    if not words or not all(w[:1].isascii() and w[:1].isalpha() for w in words):
        return "|".join(words)
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0].lower(), []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


class SpanScanner:
    """Finds the runs of words that could be romanised names, fast.

    One regex finds runs of name-like words (capitalised words, articles, generic words,
    joined by a space or a hyphen); the scan runs in C and only its matches reach Python,
    where each distinct run is read a word at a time (:meth:`tokens`).

    Parameters
    ----------
    generic
        Folded generic word -> kind (``"jisr": "bridge"``).
    abbreviations
        Folded abbreviation -> folded word (``"sq": "square"``).
    """

    def __init__(self, generic: dict[str, str], abbreviations: dict[str, str]):
        self.generic = dict(generic)
        self.abbreviations = dict(abbreviations)
        capitalised = f"[{_CAPITAL}]{_LETTERS}*(?:['’ʿʾ`]{_LETTERS}+)*"
        words = sorted(map(re.escape, self.generic), key=len, reverse=True)
        spaced = "|".join(sorted(SPACED_ARTICLES))
        hyphened = "|".join(sorted(ARTICLES - SPACED_ARTICLES, key=len, reverse=True))
        unit = (
            f"(?:(?i:{_by_first_letter(words)})(?!{_LETTERS})"
            f"|(?i:{spaced})(?=[ \\-‐])|(?i:{hyphened})(?=[ \\-‐])|{capitalised})"
        )
        self._pattern = re.compile(
            f"(?<!{_LETTERS}){unit}(?:(?: |-|‐|- ){unit}){{0,7}}(?!{_LETTERS})"
        )
        self._word_facts = lru_cache(maxsize=_WORD_CACHE_SIZE)(self._facts_of_word)
        # words a run may hold in lower case: any other lower-case word ends runs
        self._unit_words = frozenset(self.generic) | ARTICLES
        self._words_are_ascii = all(
            w.isascii() and w.isalpha() and w.islower() for w in self.generic
        )

    def runs(self, text: str) -> Iterator[tuple[int, str]]:
        """``(offset, run)`` for every run of name-like words in ``text`` that may yield a
        span, in text order: the runs of ``self._pattern.finditer(text)`` with an
        upper-case letter (and maybe some without, which yield none).

        A run without an upper-case letter yields no span (every name word of a span is
        capitalised), so the
        pattern is run only from just before each upper-case letter not yet passed: from
        the nearest point before it that no run reaches across (:func:`_start_before`),
        where the scan of the whole text finds the same runs. Most of a report's text,
        lower-case words and Arabic script, is never scanned.
        """
        if not self._words_are_ascii:
            for match in self._pattern.finditer(text):
                yield match.start(), match.group()
            return
        reversed_text: str | None = None
        passed = 0
        search = self._pattern.search
        for upper in _MAY_BE_UPPER.finditer(text):
            at = upper.start()
            if at < passed:
                continue
            if reversed_text is None:
                reversed_text = text[::-1]
            start = max(passed, _start_before(reversed_text, at, self._unit_words))
            while True:
                match = search(text, start)
                if match is None:
                    return
                yield match.start(), match.group()
                passed = start = match.end()
                if passed > at:
                    break

    def tokens(self, run: str) -> list[RunToken]:
        """The words of a run (Latin script: the normaliser's matching covers Arabic), each
        with its spelling key: what a word says apart from its neighbours is worked out
        once per word (:meth:`_facts_of_word`), only the article's hyphen or assimilation
        per place."""
        found = []
        size = len(run)
        facts_of = self._word_facts
        for match in _TOKEN.finditer(run):
            facts = facts_of(match.group())
            if facts is None:
                continue
            folded, capitalised, generic, spaced_article, article_word, key = facts
            article = spaced_article
            if article_word and not article:
                end = match.end()
                article = (end < size and run[end] in "-‐") or (
                    len(folded) >= 2
                    and end + 1 < size
                    and run[end] == " "
                    and fold_word(run[end + 1 : end + 2]) == folded[1]
                )
            found.append(
                RunToken(match.start(), match.end(), folded, capitalised, generic, article, key)
            )
        return found

    def _facts_of_word(self, word: str) -> tuple[str, bool, str | None, bool, bool, str] | None:
        """``(folded, capitalised, generic kind, a spaced article, an article word, key)``
        of one word, None for a word a run leaves out (Arabic script and others)."""
        folded = fold_word(word)
        if not folded or not fold_word(word[0]):
            return None
        folded = self.abbreviations.get(folded, folded)
        return (
            folded,
            word[0].isupper(),
            self.generic.get(folded),
            folded in SPACED_ARTICLES,
            folded in ARTICLES,
            word_key(folded),
        )


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """Ordinary English words (wordfreq, at least one per million words): a capitalised
    ordinary word ("Sink", "Senate") is never read as a romanised name."""
    import wordfreq  # loaded on first use: ~0.3 s

    frequencies = wordfreq.get_frequency_dict("en", wordlist="small")
    return frozenset(w for w, f in frequencies.items() if f >= 1e-6 and w.isalpha())
