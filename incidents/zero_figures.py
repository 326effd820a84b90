"""Stated absences of casualties in one sentence: figures of 0 (rule 1 of
:mod:`incidents.casualties`).

Negation is read as a class, from the ``zero`` section of ``incidents/data/casualties.json``:
a negator (or a negated verb of causing and its subject) before the casualty noun, with
only filler words between ("no immediate casualties", "لم يسفر الانفجار عن وقوع إصابات"), and
every absent noun coordinated with it ("no deaths or injuries"); "no one" (or "no" and a
noun) before a casualty verb, an adverb allowed inside it ("no one was immediately hurt"); a
casualty verb with no one as its object ("injured nobody", "لم يصب أحد"); in a denying
clause, "anyone" and "any". A number right after a negator ("not one soldier was hurt") is a
figure of 0 of its kind, never of the number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from incidents.casualty_words import CasualtyKind, CasualtyVocabulary, Figure


def _zero(m: re.Match[str]) -> Figure:
    kind: CasualtyKind = next(k for k in ("killed", "injured", "both") if m.groupdict().get(k))
    return Figure(kind, 0, m.start(), m.end(), None)


def zero_figures(
    folded: str, denial_clauses: Sequence[tuple[int, int]], vocab: CasualtyVocabulary
) -> list[Figure]:
    """The figures of 0 a (folded) sentence states, in the order the patterns find them;
    ``denial_clauses`` are the spans of clauses whose claimant denies."""
    figures: list[Figure] = []
    for pattern in (vocab.zero, vocab.nobody, vocab.nobody_object):
        for m in pattern.finditer(folded):
            figures.append(_zero(m))
            if pattern is vocab.zero:
                more = vocab.zero_more.match(folded, m.end())
                while more is not None:  # "no deaths or injuries": both absent
                    figures.append(_zero(more))
                    more = vocab.zero_more.match(folded, more.end())
    for start, end in denial_clauses:
        for pattern in vocab.denial_zero:
            for m in pattern.finditer(folded, start, end):
                if not any(f.start < m.end() and m.start() < f.end for f in figures):
                    figures.append(_zero(m))
    return figures


def negated_number(folded: str, m: re.Match[str], vocab: CasualtyVocabulary) -> bool:
    """True when a negator ends the text right before the number ``m`` ("not one", "not a
    single"): the figure it gives is 0."""
    return bool(vocab.negated_number.search(folded, max(0, m.start() - 20), m.start()))
