"""Find casualty figures in one sentence, with who claims them and how firmly.

The vocabulary (numbers, casualty words, claimants, official bodies) lives in
``incidents/data/casualties.json``, in English and Arabic, with each choice
documented there. Every figure is kept as its claimant gives it: contradicting
claims are all returned, never merged or averaged. The rules, in order:

1. A stated absence ("no deaths", "no one was hurt") is a figure of 0, and so is
   "anyone"/"any" in a clause whose claimant denies ("it denied that anyone had
   been killed"). "X said two were hurt, a claim the ministry denied" gives the
   ministry a 0. Negation is read as a class in :mod:`incidents.zero_figures`.
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

Claimants (rules 3 and 4) are read in :mod:`incidents.claimants`; claimants met so
far are kept in a :class:`~incidents.claimants.ClaimantMemory` indexed by head noun, so
resolving a mention costs the same however long the report is. The vocabulary is
compiled in :mod:`incidents.casualty_words`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from incidents.casualty_words import (
    CLOSING_QUOTES,
    REACH,
    CasualtyKind,
    CasualtyVocabulary,
    Figure,
    casualty_vocabulary,
    clause_of,
    fold_key,
    number_value,
    reach_end,
    skip_spaces,
)
from incidents.claimants import (
    Attribution,
    ClaimantMemory,
    EarlierClaimants,
    agents_named,
    attributions_of,
    find_claimants,
    is_official,
    opening_name,
    resolve_claimant,
    sentence_attributions,
    tidy_claimant,
)
from incidents.model import CasualtyClaim
from incidents.time_phrases import fold_text, time_expression_spans
from incidents.zero_figures import negated_number, zero_figures

__all__ = ["ClaimantMemory", "find_casualty_claims", "find_claimants"]


_Status = Literal["official", "claimed", "unconfirmed", "denied"]
_Scope = Literal["incident", "cumulative"]


# --------------------------------------------------------------------------- figures


class _Mask:
    """Characters already taken by a date, a clock time or a figure (linear-time checks)."""

    def __init__(self, length: int) -> None:
        self._taken = bytearray(length)

    def add(self, start: int, end: int) -> None:
        self._taken[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self._taken[start:end])


def _breakdown_end(folded: str, comma: int, vocab: CasualtyVocabulary) -> int | None:
    """End of a ", 30 of them police," aside after a total, so the total reaches past it."""
    if comma >= len(folded) or folded[comma] != ",":
        return None
    number = vocab.number.match(folded, skip_spaces(folded, comma + 1))
    if number is None or not vocab.subgroup_after.match(folded, number.end()):
        return None
    closing = folded.find(",", number.end(), number.end() + REACH)
    return closing + 1 if closing >= 0 else None


def _names_a_place(folded: str, start: int, end: int, vocab: CasualtyVocabulary) -> bool:
    """True when the casualty word at ``[start, end)`` is part of a name ("Martyrs' Square",
    "ساحة الشهداء")."""
    if vocab.place_name_after.match(folded, end):
        return True
    return bool(vocab.place_name_before.search(folded, max(0, start - 40), start))


#: A word of a name: capitalised ("Armored", "Iran-backed") or an ordinal in digits ("1st").
_NAME_WORD = re.compile(r"[A-Z]|\d+(?:st|nd|rd|th)\b")


def _after_term(
    folded: str, start: int, number_starts: set[int], vocab: CasualtyVocabulary
) -> re.Match[str] | None:
    """The casualty word a few words after ``start``, if nothing breaks the link."""
    words = 0
    position = start
    in_name = False
    for _ in range(2):  # at most one breakdown aside is skipped
        limit = reach_end(folded, position)
        for token in re.finditer(r"\S+", folded[position:limit]):
            at = position + token.start()
            term = vocab.after_term.match(folded, at, limit)
            if term is not None:
                return None if _names_a_place(folded, term.start(), term.end(), vocab) else term
            name_word = bool(_NAME_WORD.match(token.group()))
            if in_name and name_word:
                continue  # "the 1st Armored Division", "Iraqi Shia": a name counts one word
            in_name = name_word
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
    vocab: CasualtyVocabulary,
    time_spans: Sequence[tuple[int, int]],
) -> list[Figure]:
    figures: list[Figure] = []
    taken = _Mask(len(folded))

    def add(figure: Figure) -> None:
        figures.append(figure)
        taken.add(figure.start, figure.end)

    for figure in zero_figures(folded, denial_clauses, vocab):
        add(figure)
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
    # "another 10 people", "a further 12": the number after the article is the figure
    numbers = [m for m in numbers if not _before_a_number(folded, m, number_starts, vocab)]
    # A time between a casualty word and its figure bridges them ("قتل فيه الثلاثاء نحو 60").
    bridged = _spaced(folded, time_spans)
    bound: list[Figure | None] = []
    for m in numbers:
        figure = _number_figure(sentence, folded, m, number_starts, figures, vocab, bridged)
        if figure is not None and negated_number(folded, m, vocab):
            figure = replace(figure, value=0)  # "not one soldier was hurt"
        if figure is not None and _is_article(m, vocab):
            if any(f.end == figure.end for f in figures):
                figure = None  # "Two commanders of an ... militia died": the died is the two's
            elif not (
                _bound_as_person(folded, m, figure, vocab)
                or _counts_people(folded, m, vocab, alone=figure.start < m.start())
            ):
                # "A bomb went off and people were killed", "killed at a checkpoint",
                # "wounded their children": no one is counted
                figure = None
        bound.append(figure)
        if figure is not None:
            add(figure)
    for i in _agent_figures(bound):
        # "A bomb killed six", "Two bombs killed 57": the bombs kill, they are no dead
        figures.remove(bound[i])
        bound[i] = None
    for old, summed in _listed_sums(folded, numbers, bound, vocab):
        figures[figures.index(old)] = summed
    for old, summed in _listed_before_sums(folded, numbers, bound, vocab):
        figures[figures.index(old)] = summed
    for old, summed in _coordinated_sums(folded, numbers, bound, vocab):
        if old is None:
            add(summed)
        else:
            figures[figures.index(old)] = summed

    for m in vocab.dual.finditer(folded):
        if not taken.overlaps(m.start(), m.end()):
            add(Figure("killed" if m["killed"] else "injured", 2, m.start(), m.end(), None))
    for m in vocab.single.finditer(folded):
        if not taken.overlaps(m.start(), m.end()) and not _counted(folded[: m.start()], vocab):
            add(Figure("killed" if m["killed"] else "injured", 1, m.start(), m.end(), None))

    for m in vocab.claim_denial.finditer(folded):
        earlier = [f for f in figures if f.end <= m.start() and f.value > 0]
        who = tidy_claimant(sentence[m.start("who") : m.end("who")], vocab)
        if earlier and who:
            kind = max(earlier, key=lambda f: f.end).kind
            add(Figure(kind, 0, m.start(), m.end(), None, denied_by=who))
    return sorted(figures, key=lambda f: f.start)


def _coordinated_sums(
    folded: str,
    numbers: Sequence[re.Match[str]],
    bound: Sequence[Figure | None],
    vocab: CasualtyVocabulary,
) -> list[tuple[Figure | None, Figure]]:
    """Figures that take the number of a group coordinated with theirs, as (old, new),
    and figures of elliptical groups, as (None, new).

    "killing two soldiers and two civilians": the figure bound to the first number
    by "killing" also counts the second; "three council members and one soldier were
    wounded": the figure bound to the second by "were wounded" also counts the first;
    "six dead in Fallujah and six in Mosul": Mosul's six are a figure of their own.
    """
    sums: list[tuple[Figure | None, Figure]] = []
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
            value = number_value(second["n"], vocab)
            if value is not None:
                # "six dead in Fallujah and six in Mosul": Mosul's own six
                start = second.start("q") if second["q"] else second.start("n")
                own = Figure(one.kind, value, start, second.end(), None)
                sums.append((None, own))
                bound = [*bound[: i + 1], own, *bound[i + 2 :]]
            continue
        if not vocab.coordinated_gap.fullmatch(gap) or vocab.after_term.search(gap):
            continue
        added = second if one is not None else first
        if not _counts_people(folded, added, vocab):
            continue  # "A bomb went off and 10 people were killed": the bomb is no one
        value = number_value(added["n"], vocab)
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
        elif one is not None and one.start >= first.start() and one.end >= second.end():
            # an article's casualty word after both groups ("A policeman and a civilian
            # were wounded"): the article reached past the second group to it
            new = replace(one, value=one.value + value)
            sums.append((one, new))
            bound = [*bound[:i], new, new, *bound[i + 2 :]]
    return sums


def _listed_sums(
    folded: str,
    numbers: Sequence[re.Match[str]],
    bound: list[Figure | None],
    vocab: CasualtyVocabulary,
) -> list[tuple[Figure, Figure]]:
    """Figures that count the groups of a list after them, as (old, new); ``bound`` is
    updated so that the listed numbers count as taken.

    "killing two soldiers, three policemen and a child" is 6 and "The dead were a U.S.
    soldier, an Iraqi and a third person" 3: a figure bound by a casualty word before it
    takes the numbers of the groups that follow it, separated by commas, when the list
    ends with a coordinator ("and", ", as well as"). A list without its coordinator is no
    list ("killing two people, a police officer said"); a plain "and" between two groups
    is :func:`_coordinated_sums`'.
    """
    sums: list[tuple[Figure, Figure]] = []
    i = 0
    while i < len(numbers) - 1:
        one, first = bound[i], numbers[i]
        if one is None or not (one.start < first.start() and one.end <= first.end() + 1):
            i += 1
            continue
        total, last, commas, closed = one.value, i, False, False
        for j in range(i + 1, len(numbers)):
            group = numbers[j]
            gap = vocab.listed_gap.fullmatch(folded, numbers[j - 1].end(), group.start())
            if bound[j] is not None or vocab.subgroup_after.match(folded, group.end()):
                break
            value = _list_member(folded, group, gap, vocab)
            if value is None:
                break
            total, last = total + value, j
            if gap["and"] is not None or gap["list_and"] is not None:
                closed, commas = True, commas or gap["list_and"] is not None
                break
            commas = True
        if not (closed and commas):
            i += 1
            continue
        new = replace(one, value=total, end=numbers[last].end())
        sums.append((one, new))
        for k in range(i, last + 1):
            bound[k] = new
        i = last + 1
    return sums


def _list_member(
    folded: str, group: re.Match[str], gap: re.Match[str] | None, vocab: CasualtyVocabulary
) -> int | None:
    """The number of a group of a list, reached over ``gap`` (a match of ``listed_gap``
    between it and its neighbour), or None when it is no member: no such gap, a casualty
    word or a verb in the gap, or a group that counts no people."""
    if (
        gap is None
        or vocab.after_term.search(folded, gap.start(), gap.end())
        or vocab.verb.search(folded, gap.start(), gap.end())
        or not _counts_people(folded, group, vocab)
    ):
        return None
    return number_value(group["n"], vocab)


def _listed_before_sums(
    folded: str,
    numbers: Sequence[re.Match[str]],
    bound: list[Figure | None],
    vocab: CasualtyVocabulary,
) -> list[tuple[Figure, Figure]]:
    """Figures that count the groups of a list before them, as (old, new), the mirror of
    :func:`_listed_sums`: "Two policemen, three soldiers and a child were killed" is 6.

    A figure bound by a casualty word after it (at the list's last group, or at the one
    before it when the last is coordinated with it: "... three soldiers and a child were
    killed") takes the groups before it that are separated by commas; ``bound`` is
    updated so that the listed numbers count as taken."""
    sums: list[tuple[Figure, Figure]] = []

    def gap_at(j: int) -> re.Match[str] | None:
        return vocab.listed_gap.fullmatch(folded, numbers[j].end(), numbers[j + 1].start())

    def coordinated(gap: re.Match[str] | None) -> bool:
        return gap is not None and (gap["and"] is not None or gap["list_and"] is not None)

    for i in range(len(numbers) - 1, 0, -1):
        one = bound[i]
        if one is None or one.start != numbers[i].start() or bound[i - 1] is not None:
            continue
        total, first, last = one.value, i, i
        if i + 1 < len(numbers) and bound[i + 1] is None and one.end >= numbers[i + 1].end():
            # the last group is coordinated with the bound one, its word after both
            gap = gap_at(i)
            value = _list_member(folded, numbers[i + 1], gap, vocab) if coordinated(gap) else None
            if value is None:
                continue
            total, last, closed = total + value, i + 1, True
        else:
            closed = False
        for j in range(i - 1, -1, -1):
            gap = gap_at(j)
            if bound[j] is not None or coordinated(gap) == closed:
                break  # the coordinator stands once, before the last group
            value = _list_member(folded, numbers[j], gap, vocab)
            if value is None:
                break
            total, first, closed = total + value, j, True
        if first == i or not closed or (last == i and first == i - 1):
            continue  # "A and B were killed" alone is for _coordinated_sums
        new = replace(one, value=total, start=numbers[first].start())
        sums.append((one, new))
        for k in range(first, last + 1):
            bound[k] = new
    return sums


def _counts_people(
    folded: str, m: re.Match[str], vocab: CasualtyVocabulary, *, alone: bool = False
) -> bool:
    """True when the group the number or article ``m`` opens counts people, read from the
    few words after it (see ``articles`` in the vocabulary): a person noun ("a U.S.
    soldier", "three council members", "two policemen"), an ordinal ("wounded a third") or
    a demonym ending the group ("an Iraqi and", "two Americans and"), not "Three rockets
    hit the base and ..." nor "a Shiite mosque". A number's group with no word before its
    coordinator ("two and three") or in Arabic script is taken as it is; an article's
    with no word, when ``alone`` (its casualty word before it: "wounding another"), too."""
    limit = reach_end(folded, m.end())
    tokens = []
    for token in re.finditer(r"\S+", folded[m.end() : limit]):
        at = m.end() + token.start()
        if len(tokens) == vocab.people_window or _closes_group(folded, at, vocab):
            break
        tokens.append(token.group())
    article = _is_article(m, vocab)
    if not any(_LATIN_LETTER.search(t) for t in tokens) and (alone or not article):
        return True
    for k, word in enumerate(tokens):
        if word.endswith(("'s", "’s")):
            continue  # "a soldier's funeral": the soldier is not the one counted
        key = fold_key(word.strip("\"'“”‘’"), vocab.fold_table)
        if key in vocab.person_nouns or key in vocab.people_ordinals:
            return True
        if not article and key in vocab.person_plurals:
            return True
        demonym = key if article else key.removesuffix("s")
        if k == len(tokens) - 1 and word[:1].isupper() and demonym.endswith(vocab.demonym_endings):
            return True  # "an Iraqi and ...", not "a Shiite mosque"
    return False


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _collective(folded: str, m: re.Match[str], vocab: CasualtyVocabulary) -> bool:
    """True when one of the few words after the article is a collective noun ("a family",
    "a group of")."""
    words = folded[m.end() : reach_end(folded, m.end())].split()[: vocab.people_window]
    return any(fold_key(w.strip(".,;:"), vocab.fold_table) in vocab.collective_nouns for w in words)


#: A passive verb ending an article's group: "... was wounded", "were also killed".
_PASSIVE_END = re.compile(r"\s(?:was|were)\s+(?:\w+ly\s+|also\s+)?(?P<verb>\S+(?:\s+\S+)?)\Z")


def _bound_as_person(
    folded: str, m: re.Match[str], figure: Figure, vocab: CasualtyVocabulary
) -> bool:
    """True when an article's place in the clause says it counts a person, whatever its
    noun: the object right after a casualty verb ("killed a civil servant", "shot dead a
    presenter"), or the subject of a passive one ("an announcer of state television was
    wounded"). Only what kills or wounds has such objects and subjects; a preposition
    or a closing word between them ("killed at a checkpoint", "a bomb went off and people
    were killed") leaves the group to its nouns (:func:`_counts_people`)."""
    if fold_key(m["n"], vocab.fold_table) not in vocab.indefinite_articles:
        return False
    if _collective(folded, m, vocab):
        return False
    closing = vocab.people_closing
    verbs = vocab.binding_verbs
    if figure.start < m.start():
        gap = folded[figure.start : m.start()]
        return " ".join(gap.split()).lower() in verbs  # "killed a", "shot dead a"
    stretch = folded[m.end() : figure.end]
    passive = _PASSIVE_END.search(stretch)
    if passive is None or " ".join(passive["verb"].split()).lower() not in verbs:
        return False
    group = stretch[: passive.start()]
    words = list(re.finditer(r"\S+", group))
    return (
        0 < len(words) <= vocab.people_window
        and not any(ch in group for ch in ",;:")
        and not any(
            closing is not None and closing.match(group, w.start()) and w.group() != "of"
            for w in words
        )
    )


def _before_a_number(
    folded: str, m: re.Match[str], number_starts: set[int], vocab: CasualtyVocabulary
) -> bool:
    """True for an article with another number among its next two words ("another 10")."""
    if not _is_article(m, vocab):
        return False
    limit = reach_end(folded, m.end())
    for k, token in enumerate(re.finditer(r"\S+", folded[m.end() : limit])):
        if k == 2:
            break
        if m.end() + token.start() in number_starts:
            return True
    return False


def _closes_group(folded: str, at: int, vocab: CasualtyVocabulary) -> bool:
    closing = vocab.people_closing
    return bool(
        (closing is not None and closing.match(folded, at)) or vocab.after_term.match(folded, at)
    )


_ARABIC_MARKS = re.compile("[\u0640\u064b-\u0652]")


def _agent_figures(bound: Sequence[Figure | None]) -> list[int]:
    """The indexes of the figures whose casualty word binds a later figure as its object
    ("A bomb killed six", "A gunman shot dead a policeman"): the noun counted is the
    subject who kills, not a casualty. A later figure that does starts inside the figure
    and ends after it; the figures are looked up by where they start, so a sentence of
    thousands of figures is not read once per figure."""
    starts = sorted((f.start, k) for k, f in enumerate(bound) if f is not None)
    keys = [start for start, _ in starts]
    agents = []
    for i, figure in enumerate(bound):
        if figure is None:
            continue
        inside = starts[bisect_right(keys, figure.start) : bisect_left(keys, figure.end)]
        if any(k > i and bound[k].end > figure.end for _, k in inside):  # type: ignore[union-attr]
            agents.append(i)
    return agents


def _is_article(m: re.Match[str], vocab: CasualtyVocabulary) -> bool:
    """True for 'a'/'an', which count one only when nothing else takes their word."""
    return fold_key(m["n"], vocab.fold_table) in vocab.articles


def _counted_noun(folded: str, m: re.Match[str], vocab: CasualtyVocabulary) -> bool:
    """True for a singular person noun right after a figure ("36 شخصا"): not a figure of
    one but the noun the figure counts."""
    if _ARABIC_MARKS.sub("", fold_key(m["n"], vocab.fold_table)) not in vocab.figure_nouns:
        return False
    if _counted(folded[max(0, m.start() - 30) : m.start()], vocab):
        return True
    after = folded[m.end() : m.end() + 30].split()
    # "متظاهر واحد": the figure after it counts it
    return bool(after) and number_value(after[0], vocab) is not None


#: Quotes and brackets that may open a figure (إن "12 شخصا لقوا حتفهم").
_OPENERS = "\"'“‘«(["


def _counted(head: str, vocab: CasualtyVocabulary) -> bool:
    """True when ``head`` ends with a figure: the noun after it is what it counts."""
    words = head.split()
    return bool(words) and number_value(words[-1].lstrip(_OPENERS).lstrip("و"), vocab) is not None


#: How far before a figure a toll's subject may stand ("the dead from ... were").
_TOLL_REACH = 160


def _number_figure(
    sentence: str,
    folded: str,
    m: re.Match[str],
    number_starts: set[int],
    figures: Sequence[Figure],
    vocab: CasualtyVocabulary,
    bridged: str | None = None,
) -> Figure | None:
    """The figure a number gives, or None when no casualty word binds it.

    ``bridged`` is ``folded`` with its time expressions blanked, read for the words
    before the number."""
    value = number_value(m["n"], vocab)
    if value is None or vocab.unit_after.match(folded, m.end()):
        return None
    head = (bridged or folded)[max(0, m.start() - 60) : m.start()]
    if vocab.subgroup_before.search(head):
        return None
    reach = m.end()
    subgroup = vocab.subgroup_after.match(folded, m.end())
    if subgroup is not None:
        names_casualties = vocab.after_term.match(folded, skip_spaces(folded, subgroup.end()))
        total_before = any(f.value > 0 and f.start < m.start() for f in figures)
        if names_casualties or total_before:
            return None  # a breakdown of a total, not a total
        reach = subgroup.end()
    while reach < len(folded) and folded[reach] in CLOSING_QUOTES:
        reach += 1
    trailing = vocab.qualifier_after.match(folded, reach)
    qualifier_span = (m.start("q"), m.end("q")) if m["q"] else None
    start, end = m.start("q") if m["q"] else m.start("n"), m.end()
    if trailing is not None:
        qualifier_span = (trailing.start("qa"), trailing.end("qa"))
        reach = end = trailing.end()

    before = vocab.before_term.search(head)
    if before is None and fold_key(m["n"], vocab.fold_table) in vocab.postposed:
        before = vocab.before_term_postposed.search(head)
    if before is None and vocab.toll_told_of is not None:
        # "the dead from Wednesday's strike on eastern Baghdad were three ..."
        head = (bridged or folded)[max(0, m.start() - _TOLL_REACH) : m.start()]
        before = vocab.toll_told_of.search(head)
    if before is not None:
        at = m.start() - len(head) + before.start()
        if _names_a_place(folded, at, at + len(before.group().rstrip()), vocab):
            before = None
    if before is not None:
        kind: CasualtyKind = "killed" if before["killed"] else "injured"
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
            return Figure(kind, value, start, end, qualifier)
        kind = "killed" if after["killed"] else "injured"
        end = after.end()
    qualifier = None
    if qualifier_span is not None:
        qualifier = " ".join(sentence[qualifier_span[0] : qualifier_span[1]].lower().split())
    return Figure(kind, value, start, end, qualifier)


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class _Clause:
    """The attributions of one clause and whether it calls its figures unconfirmed."""

    cues: list[int]
    attributions: list[Attribution]
    unconfirmed: bool

    def nearest(self, position: int) -> Attribution | None:
        """The clause's attribution whose cue is nearest to ``position``."""
        index = bisect_left(self.cues, position)
        near = [i for i in (index - 1, index) if 0 <= i < len(self.cues)]
        if not near:
            return None
        return self.attributions[min(near, key=lambda i: abs(self.cues[i] - position))]


def _clauses(
    folded: str,
    starts: Sequence[int],
    attributions: Sequence[Attribution],
    vocab: CasualtyVocabulary,
) -> list[_Clause]:
    ends = [*starts[1:], len(folded)]
    grouped: list[list[Attribution]] = [[] for _ in starts]
    for attribution in attributions:
        grouped[clause_of(attribution.cue, starts)].append(attribution)
    clauses = []
    for start, end, own in zip(starts, ends, grouped, strict=True):
        unconfirmed = bool(
            vocab.unconfirmed_claimant.search(folded, start, end)
            or vocab.unconfirmed_marker.search(folded, start, end)
        )
        clauses.append(_Clause([a.cue for a in own], own, unconfirmed))
    return clauses


def _claimant_and_status(
    figure: Figure,
    chosen: Attribution | None,
    clause: _Clause,
    folded: str,
    earlier: EarlierClaimants,
    opening: str | None,
    vocab: CasualtyVocabulary,
) -> tuple[str | None, _Status]:
    if figure.denied_by is not None:
        return resolve_claimant(figure.denied_by, earlier, vocab, opening), "denied"
    claimant = chosen.claimant if chosen else None
    if claimant is not None:
        claimant = resolve_claimant(claimant, earlier, vocab, opening)
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
    return claimant, "official" if is_official(claimant, vocab) else "claimed"


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
    vocab = casualty_vocabulary()
    if not vocab.figure_screen.may_hold_figures(fold_text(sentence, vocab.fold_table)):
        return []  # no casualty phrase: no figure (see FigureScreen)
    folded, starts, plain_attributions = sentence_attributions(sentence, vocab)
    ends = [*starts[1:], len(folded)]
    denying = {clause_of(a.cue, starts) for a in plain_attributions if a.denies}
    denials = [(starts[i], ends[i]) for i in sorted(denying)]
    time_spans = time_expression_spans(sentence)
    figures = _find_figures(sentence, _masked(folded, place_spans), denials, vocab, time_spans)
    if not figures:
        return []
    attributions = attributions_of(sentence, folded, figures, starts, vocab)
    opening = opening_name(sentence, vocab)
    memory = (
        previous_claimants
        if isinstance(previous_claimants, ClaimantMemory)
        else ClaimantMemory(previous_claimants)
    )
    earlier = EarlierClaimants(memory, [])
    mentions = [(a.cue, a.claimant) for a in attributions if a.claimant]
    mentions += agents_named(sentence, folded, sorted(f.start for f in figures), vocab)
    for _, name in sorted(mentions):
        resolved = resolve_claimant(name, earlier, vocab, opening)
        if resolved is not None:
            earlier.local.append(resolved)

    clauses = _clauses(folded, starts, attributions, vocab)
    cumulative = _cumulative_clauses(folded, starts, ends, time_spans, vocab)
    claims: list[CasualtyClaim] = []
    for figure in figures:
        index = clause_of(figure.start, starts)
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
    """``folded`` with the characters of ``spans`` replaced by a neutral word character.

    The full stop of a place ending in an initial ("U.S." of "4,130 U.S. service
    members") goes with it: masked, it would end the figure's reach as a sentence's would.
    """
    if not spans:
        return folded
    chars = list(folded)
    for start, end in spans:
        stop = min(end, len(folded))
        if _ends_in_initial(folded, stop):
            stop += 1
        chars[max(0, start) : stop] = "_" * (stop - max(0, start))
    return "".join(chars)


def _ends_in_initial(folded: str, end: int) -> bool:
    """True when a full stop follows ``folded[:end]`` and a one-letter word ends it."""
    return (
        end < len(folded)
        and folded[end] == "."
        and end >= 1
        and folded[end - 1].isalpha()
        and (end < 2 or not folded[end - 2].isalnum())
    )


def _cumulative_clauses(
    folded: str,
    starts: Sequence[int],
    ends: Sequence[int],
    time_spans: Sequence[tuple[int, int]],
    vocab: CasualtyVocabulary,
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
    figure: Figure,
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
