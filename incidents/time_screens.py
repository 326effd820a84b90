"""Which time patterns a sentence can match at all, from one Aho-Corasick pass.

:mod:`incidents.time_phrases` runs only the patterns a sentence may match: a pattern
bound to vocabulary words (a weekday, a part of the day) needs one of its phrases in the
sentence (:class:`WordScreen`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import ahocorasick

#: Arabic marks (tatweel and harakat), which patterns allow after any Arabic letter.
ARABIC_MARKS = "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"


class WordScreen:
    """Which vocabulary-bound time patterns a sentence can match, from one Aho-Corasick
    pass over it.

    Every match of a screened pattern holds a phrase of each of its groups
    (``_Vocabulary.screens``), so it holds every word of that phrase: the words, folded
    and lower-cased, are in the sentence's folded, lower-cased text with the Arabic marks
    (which the patterns allow after any Arabic letter) taken out. The automaton looks for
    each phrase's longest word; a phrase found that way counts when its other words are
    in the text too. Case-insensitive matching could pair other characters (``ſ`` with
    ``s``, the Kelvin sign with ``k``), so a pattern whose words are not all ASCII or
    caseless is never screened, nor is a sentence with letters outside ASCII and Arabic.
    """

    def __init__(self, screens: Mapping[str, tuple[frozenset[str], ...]]) -> None:
        #: longest word -> (pattern, group, the phrase's other words)
        anchors: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {}
        groups_of: dict[str, int] = {}
        for name, groups in screens.items():
            phrases = [[key.split(" ") for key in group if key.strip()] for group in groups]
            words = [w for group in phrases for phrase in group for w in phrase]
            if not groups or not all(phrases) or not all(_plain_word(w) for w in words):
                continue
            groups_of[name] = len(groups)
            for index, group in enumerate(phrases):
                for phrase in group:
                    longest = max(phrase, key=len)
                    others = tuple(sorted(set(phrase) - {longest}))
                    entry = (name, index, others)
                    if entry not in anchors.setdefault(longest, []):
                        anchors[longest].append(entry)
        self.names = frozenset(groups_of)
        #: pattern -> the (pattern, group) pairs a sentence must meet for it to run
        self.required = {
            name: frozenset((name, i) for i in range(n)) for name, n in groups_of.items()
        }
        #: met pairs -> the patterns absent (few distinct sets recur)
        self._absent: dict[frozenset[tuple[str, int]], frozenset[str]] = {}
        self.automaton = ahocorasick.Automaton()
        for word, entries in anchors.items():
            # the (pattern, group) pairs the word meets alone, then those that need the
            # phrase's other words too
            alone = frozenset((name, index) for name, index, others in entries if not others)
            needing = tuple(
                ((name, index), others)
                for name, index, others in entries
                if others and (name, index) not in alone
            )
            self.automaton.add_word(word, (alone, needing))
        if anchors:
            self.automaton.make_automaton()
        else:
            self.names = frozenset()

    def absent(self, folded: str) -> frozenset[str]:
        """The screened patterns that cannot match ``folded``."""
        if not self.names:
            return frozenset()
        if folded.isascii():  # most text: nothing to rule out, no mark to take out
            plain = folded.lower()
        elif _UNSCREENABLE.search(folded):
            return frozenset()
        else:
            plain = folded.translate(_NO_MARKS).lower()
        met: set[tuple[str, int]] = set()
        # whether each other word is in the text, looked for once: an anchor repeated
        # thousands of times would otherwise scan the whole text again at every hit
        present: dict[str, bool] = {}
        for _, (alone, needing) in self.automaton.iter(plain):
            met |= alone
            for pair, others in needing:
                if pair in met:
                    continue
                for word in others:
                    found = present.get(word)
                    if found is None:
                        found = present[word] = word in plain
                    if not found:
                        break
                else:
                    met.add(pair)
        if not met:
            return self.names
        key = frozenset(met)
        absent = self._absent.get(key)
        if absent is None:
            if len(self._absent) > 4096:
                self._absent.clear()
            absent = self._absent[key] = frozenset(
                name for name, required in self.required.items() if not required <= key
            )
        return absent


def _plain_word(word: str) -> bool:
    return bool(word) and all(
        (ch.isascii() or ch.lower() == ch.upper()) and ch not in ARABIC_MARKS for ch in word
    )


#: Characters that rule a sentence out of word screening: letters beyond ASCII and Arabic
#: (General Punctuation, with its quotes and dashes, is let through).
_UNSCREENABLE = re.compile(r"[^\x00-\x7f\u0600-\u06ff\u2000-\u206f]")


_NO_MARKS = str.maketrans("", "", ARABIC_MARKS)
