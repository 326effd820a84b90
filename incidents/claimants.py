"""Who gives a figure: claimants read as noun phrases ("according to X", "X said",
"قالت X"), and the :class:`ClaimantMemory` that resolves a later "the ministry" or
"it said" against the names met before, at a cost that does not grow with the report."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from incidents.casualty_words import (
    ARABIC_LETTER,
    REACH,
    CasualtyVocabulary,
    Figure,
    casualty_vocabulary,
    clause_of,
    clause_starts,
    fold_key,
    reach_end,
    stop_in,
)
from incidents.time_phrases import fold_text

#: A name opening a sentence: capitalised words ("Al-Ghadir TV broadcast ...").
_OPENING_NAME = re.compile(r"\W{0,3}((?:[A-Z][\w'’&.-]{0,40})(?:\s+[A-Z][\w'’&.-]{0,40}){0,5})")


@dataclass(frozen=True)
class Attribution:
    """Who a stretch of the sentence is attributed to."""

    cue: int
    """Where the attribution's cue (verb or 'according to') starts."""
    cue_end: int
    claimant: str | None
    denies: bool


def _words_after(
    sentence: str, folded: str, start: int, blocked: Sequence[int], vocab: CasualtyVocabulary
) -> str | None:
    """The claimant words that follow a cue: up to punctuation, a stop word or a figure.

    ``blocked`` holds the sorted start offsets of the sentence's figures.
    """
    limit = reach_end(folded, start)
    index = bisect_left(blocked, start)
    if index < len(blocked) and blocked[index] < limit:
        limit = blocked[index]
    return tidy_claimant(sentence[start : stop_in(folded, start, limit, vocab)], vocab)


def _strip_leaders(text: str, vocab: CasualtyVocabulary, *, determiners: bool = True) -> str:
    while True:
        leader = vocab.subject_leader.match(text)
        if leader is None and determiners:
            leader = vocab.determiner.match(text)
        if leader is None:
            return text
        text = text[leader.end() :]


def _is_name(text: str) -> bool:
    return bool(text) and (
        text[:1].isupper() or text[:1].isdigit() or bool(ARABIC_LETTER.match(text))
    )


#: A dash between words ("Aug 4 -- The U.S. military"): the claimant is what follows it.
_DASH = re.compile(r"\s(?:--|—|–)\s")


def tidy_claimant(words: str, vocab: CasualtyVocabulary) -> str | None:
    """Minimal normalisation of a claimant's words; None when nothing is left.

    Surrounding quotes and leading conjunctions go. Leading determiners go before a
    name ("the Health Ministry" -> "Health Ministry", "Other PMF-allied media" ->
    "PMF-allied media") but stay on a bare common noun ("the ministry"), which
    :func:`resolve_claimant` may later replace by the body it refers to.
    """
    # "Aug 4 -- The U.S. military": what a dash or dateline puts before the name goes
    words = _DASH.split(words)[-1]
    text = _strip_leaders(words.strip(" \t\n'\"“”‘’«»-–—"), vocab, determiners=False)
    bare = _strip_leaders(text, vocab)
    if _is_name(bare):
        text = bare
    text = " ".join(text.split())
    if not text or not bare.strip() or len(text.split()) > vocab.max_claimant_words:
        return None
    words = text.split()
    # "Officials who spoke on condition of anonymity": the name ends at the relative;
    # "مصدر في وزارة الداخلية كذلك": a trailing adverb or day is none of it
    for i, word in enumerate(words[1:], start=1):
        if fold_key(word, vocab.fold_table) in vocab.claimant_relatives:
            words = words[:i]
            break
    while len(words) > 1 and fold_key(words[-1], vocab.fold_table) in vocab.claimant_trailing:
        words = words[:-1]
    text = " ".join(words)
    first, last = fold_key(words[0], vocab.fold_table), words[-1]
    if first in vocab.not_claimant_words or (last.islower() and last.endswith("ly")):
        return None  # "were immediately": no noun, no one
    return text


def _subject_before(
    sentence: str, folded: str, clause_start: int, verb_start: int, vocab: CasualtyVocabulary
) -> tuple[str | None, bool]:
    """The subject standing before an attribution verb, and whether the verb is inverted.

    Segments between commas are read back from the verb: an appositive ("X, one of
    the most powerful militias, said") is skipped to reach X. When nothing but a
    comma or quote stands before the verb and no appositive explains it, the
    claimant follows the verb ("..., said Hadi al-Amiri").
    """
    clause_start = max(clause_start, verb_start - REACH)
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
    if words and fold_key(words[-1], vocab.fold_table) in vocab.pronouns:
        return words[-1], False  # "two protesters it said had been killed"
    end = stop_in(folded, start, start + len(pieces[index]), vocab)
    return tidy_claimant(sentence[start:end], vocab), False


def _is_passive(folded: str, start: int, end: int, vocab: CasualtyVocabulary) -> bool:
    """True for "were reported", "have not been confirmed", "denied by": no claimant there."""
    following = folded[end : end + 20].split()
    if following and following[0].lower() == "by":
        return True
    previous = [fold_key(w, vocab.fold_table) for w in folded[max(0, start - 60) : start].split()]
    while previous and previous[-1] in vocab.passive_adverbs:
        previous.pop()
    return bool(previous) and previous[-1] in vocab.passive_aux


def opening_name(sentence: str, vocab: CasualtyVocabulary) -> str | None:
    """The capitalised name a sentence opens with ("Al-Ghadir TV broadcast ...")."""
    m = _OPENING_NAME.match(sentence)
    if m is None:
        return None
    name = tidy_claimant(m.group(1), vocab)
    if name is None or fold_key(name, vocab.fold_table) in vocab.pronouns:
        return None
    return name


def attributions_of(
    sentence: str,
    folded: str,
    figures: Sequence[Figure],
    starts: Sequence[int],
    vocab: CasualtyVocabulary,
) -> list[Attribution]:
    blocked = sorted(f.start for f in figures)
    figure_ends = sorted(f.end for f in figures)
    found: list[Attribution] = []
    according, verbs = _cue_matches(folded, vocab)
    for m in according:
        claimant = _words_after(sentence, folded, m.end(), blocked, vocab)
        found.append(Attribution(m.start(), m.end(), claimant, False))
    said: list[Attribution] = []
    for m in verbs:
        if _is_passive(folded, m.start(), m.end(), vocab):
            continue
        if m["more"]:  # "..., adding that": the previous verb's claimant goes on
            if said and said[-1].cue >= starts[clause_of(m.start(), starts)]:
                previous = said[-1]
                said.append(Attribution(m.start(), m.end(), previous.claimant, previous.denies))
            continue
        if ARABIC_LETTER.match(m.group()):
            claimant = _words_after(sentence, folded, m.end(), blocked, vocab)
        else:
            clause_start = starts[clause_of(m.start(), starts)]
            last_figure = bisect_right(figure_ends, m.start()) - 1
            if last_figure >= 0:
                clause_start = max(clause_start, figure_ends[last_figure])
            claimant, inverted = _subject_before(sentence, folded, clause_start, m.start(), vocab)
            if inverted:
                claimant = _words_after(sentence, folded, m.end(), blocked, vocab)
        said.append(Attribution(m.start(), m.end(), claimant, bool(m["deny"])))
    found += said
    return sorted((a for a in found if a.claimant is not None or a.denies), key=lambda a: a.cue)


def _cue_matches(
    folded: str, vocab: CasualtyVocabulary
) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    """The "according to" and attribution-verb matches of ``folded``. A sentence with
    figures is read twice in a row (before and after its figures are known); its cues
    are found once: the last sentence's are remembered. A sentence none of whose words
    opens a cue (the attribution screen) is not searched."""
    global _last_cues
    last = _last_cues
    if last is not None and last[1] is vocab and last[0] == folded:
        return last[2]
    screen = vocab.attribution_screen
    if screen is not None and not screen.may_hold_figures(folded):
        cues: tuple[list[re.Match[str]], list[re.Match[str]]] = ([], [])  # no cue's word
    else:
        cues = (list(vocab.according_to.finditer(folded)), list(vocab.verb.finditer(folded)))
    _last_cues = (folded, vocab, cues)
    return cues


_last_cues: (
    tuple[str, CasualtyVocabulary, tuple[list[re.Match[str]], list[re.Match[str]]]] | None
) = None


def sentence_attributions(
    sentence: str, vocab: CasualtyVocabulary
) -> tuple[str, tuple[int, ...], tuple[Attribution, ...]]:
    """The folded sentence, its clause starts and its attributions before any figure is
    known; the last sentence's are remembered."""
    global _last_read
    last = _last_read
    if last is not None and last[1] is vocab and last[0] == sentence:
        return last[2]
    folded = fold_text(sentence, vocab.fold_table)
    starts = tuple(clause_starts(folded, vocab))
    reading = (folded, starts, tuple(attributions_of(sentence, folded, [], starts, vocab)))
    _last_read = (sentence, vocab, reading)
    return reading


def agents_named(
    sentence: str, folded: str, blocked: Sequence[int], vocab: CasualtyVocabulary
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
    vocab = casualty_vocabulary()
    screen = vocab.attribution_screen
    if screen is not None and not screen.may_hold_figures(fold_text(sentence, vocab.fold_table)):
        return []  # no attribution cue ("said", "according to", "confirmed by"): no claimant
    folded, _, attributions = sentence_attributions(sentence, vocab)
    mentions = [(a.cue, a.claimant) for a in attributions]
    mentions += agents_named(sentence, folded, [], vocab)
    named = []
    for _, name in sorted(mentions, key=lambda m: m[0]):
        bare = _strip_leaders(name, vocab) if name else ""
        if _is_name(bare) and fold_key(name, vocab.fold_table) not in vocab.pronouns:
            named.append(name)
    return named


def _tokens(name: str, vocab: CasualtyVocabulary) -> list[str]:
    tokens = []
    for word in fold_key(_strip_leaders(name, vocab), vocab.fold_table).split():
        word = word.strip("'\"")
        if ARABIC_LETTER.match(word) and word.startswith(vocab.definite_prefix):
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
        vocab = casualty_vocabulary()
        self.latest = name
        words = _tokens(name, vocab)
        if not words:
            return
        head = words[0] if ARABIC_LETTER.match(name) else words[-1]
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
class EarlierClaimants:
    """Names met before a mention: the report's memory, then this sentence's own."""

    memory: ClaimantMemory
    local: list[str]

    def latest(self) -> str | None:
        return self.local[-1] if self.local else self.memory.latest

    def with_head(
        self, head: str, vocab: CasualtyVocabulary
    ) -> Iterator[tuple[str, frozenset[str]]]:
        for name in reversed(self.local):
            words = _tokens(name, vocab)
            if words and (words[0] if ARABIC_LETTER.match(name) else words[-1]) == head:
                yield name, frozenset(words)
        yield from self.memory.with_head(head)


def resolve_claimant(
    name: str, earlier: EarlierClaimants, vocab: CasualtyVocabulary, opening: str | None = None
) -> str | None:
    """Resolve a pronoun or a short mention ("the ministry") to the name it stands for.

    A pronoun stands for the name the sentence opens with, else for the latest
    earlier claimant (None when there is none). A mention resolves to the latest
    earlier claimant whose head noun (last word in English, first in Arabic) it
    shares and whose words include all of its own.
    """
    if fold_key(name, vocab.fold_table) in vocab.pronouns:
        return opening or earlier.latest()
    mention = _tokens(name, vocab)
    if not mention:
        return name
    head = mention[0] if ARABIC_LETTER.match(name) else mention[-1]
    wanted = set(mention)
    for candidate, words in earlier.with_head(head, vocab):
        if candidate != name and wanted <= words and len(words) > len(wanted):
            return candidate
    return name


def is_official(claimant: str, vocab: CasualtyVocabulary) -> bool:
    """A state body is named, and nothing outside its name marks a faction or outlet."""
    folded = fold_key(claimant, vocab.fold_table)
    rest = vocab.official.sub(" | ", folded)
    return rest != folded and not vocab.not_official.search(rest)


#: The last sentence read by :func:`sentence_attributions`, with its reading: a report
#: walker asks for a sentence's claims and then its claimants, which read the same.
_last_read: (
    tuple[str, CasualtyVocabulary, tuple[str, tuple[int, ...], tuple[Attribution, ...]]] | None
)


_last_read = None
