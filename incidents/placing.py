"""Where each incident happened: the place of its own clause, as an analyst reads it.

Pure functions over a sentence, its place mentions and the report's focus; the rules,
in order (``place_basis`` says which one gave the place):

1. **clause** (basis ``sentence``): the most precise location mention in the incident's own
   clause, the nearest to its trigger among equals. Clauses end at semicolons, at commas
   followed by a
   conjunction ("..., while police fired tear gas near Tahrir Square"), and before "while",
   "as", "whereas", "، و" (an Arabic "and" after a comma); see
   ``data/placing.json``;
   Coordinated places, objects of one action ("closed the Jumhuriya Bridge and the roads
   around Tahrir Square"), are no place inside another: the first of them is taken;
2. **sentence**: failing that, the most precise location mention in the sentence, the
   nearest among equals;
3. **outside**: a place outside the gazetteer (Basra, Erbil) in the incident's clause, or the
   sentence's only places outside, or the paragraph last naming a place outside (a paragraph
   naming none goes on from the one before, when that ended outside): the incident
   stays unmapped, never snapped onto the pack's city;
4. **anaphora**, **paragraph**, **report_focus**: as before (the scene, the last place of the
   paragraph, the report's focus place).

A place inside the **attribution** of a quote ("..., said a shopkeeper near Tahrir Square";
"a bystander near the Palestine Hotel said he heard shooting") is where the speaker stood,
not where the incident was: it is never the incident's place.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from gazetteer.context import context_vocabulary
from gazetteer.mentions import PRECISIONS, PlaceMention
from gazetteer.normalize import normalize_name
from geo.resources import read_json_resource

#: Precisions of places that hold the others named with them (never coordinated objects).
_HOLDERS = frozenset({"city", "country"})
#: Punctuation that ends a coordination of places (a comma does not: "A, B and C").
_GAP_PUNCTUATION = re.compile(r"[.;:!?()\[\]\"“”«»؛]")


def _rank(mention: PlaceMention) -> int:
    return (
        PRECISIONS.index(mention.precision) if mention.precision in PRECISIONS else len(PRECISIONS)
    )


def focus_place(mentions: Sequence[PlaceMention]) -> PlaceMention | None:
    """The place a report is mostly about: the most mentioned, then the most precise.

    City- and country-level mentions count only when nothing finer is named.
    """
    located = [m for m in mentions if m.is_location]
    if not located:
        return None
    fine = [m for m in located if m.precision not in ("city", "country")] or located
    counts = Counter(m.anchor_id or m.place_id for m in fine)
    best_id = max(
        counts,
        key=lambda pid: (
            counts[pid],
            -min(_rank(m) for m in fine if (m.anchor_id or m.place_id) == pid),
        ),
    )
    candidates = [m for m in fine if (m.anchor_id or m.place_id) == best_id]
    direct = [m for m in candidates if m.place_id == best_id]
    return (direct or candidates)[0]


class MentionIndex:
    """Mentions sorted by start, for span look-ups in O(log n) rather than a scan."""

    def __init__(self, mentions: Sequence[PlaceMention]):
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.located = [m for m in self.mentions if m.is_location]
        self.located_starts = [m.start for m in self.located]
        self.placed = [m for m in self.mentions if m.is_location or m.role == "outside"]
        self.placed_starts = [m.start for m in self.placed]
        self.cities = [m for m in self.located if m.precision == "city"]
        self.city_starts = [m.start for m in self.cities]

    def within(self, start: int, end: int) -> list[PlaceMention]:
        """Mentions starting in ``[start, end)``."""
        return self.mentions[bisect_left(self.starts, start) : bisect_left(self.starts, end)]

    def last_located_before(self, position: int, *, floor: int = 0) -> PlaceMention | None:
        """The last location mention starting in ``[floor, position)``."""
        i = bisect_left(self.located_starts, position)
        if i and self.located_starts[i - 1] >= floor:
            return self.located[i - 1]
        return None

    def last_city_before(self, position: int) -> PlaceMention | None:
        """The last city-level location mention starting before ``position``."""
        i = bisect_left(self.city_starts, position)
        return self.cities[i - 1] if i else None

    def last_placed_before(self, position: int, *, floor: int = 0) -> PlaceMention | None:
        """The last mention in ``[floor, position)`` that is a location or a place outside."""
        i = bisect_left(self.placed_starts, position)
        if i and self.placed_starts[i - 1] >= floor:
            return self.placed[i - 1]
        return None


@dataclass(frozen=True)
class PlacingVocabulary:
    """Clause boundaries and quote attribution words (``data/placing.json``)."""

    clause_break: re.Pattern[str]
    speakers: re.Pattern[str]
    reporting: frozenset[str]
    quotes: str
    coordinators: frozenset[str] = frozenset()
    """Normalised words that join two places as objects of one action ("and", "و")."""
    coordinated_words: int = 0
    """How many other words may stand between two coordinated places ("the roads around")."""


@cache
def placing_vocabulary() -> PlacingVocabulary:
    raw = read_json_resource("incidents", "placing.json")
    conjunctions = "|".join(map(re.escape, raw["clause_conjunctions_after_comma"]))
    openers = "|".join(map(re.escape, raw["clause_openers"]))
    pattern = (
        rf"[;؛]|,\s+(?:{conjunctions})\b|\s(?:{openers})\b"
        r"|،\s*و(?=[\u0621-\u064a])"
    )
    speakers = "|".join(map(re.escape, raw["speaker_nouns"]))
    reporting = (
        frozenset(normalize_name(w) for w in [*raw["reporting_verbs"]])
        | context_vocabulary().reporting_verbs
    )
    return PlacingVocabulary(
        clause_break=re.compile(pattern, re.IGNORECASE),
        speakers=re.compile(rf"\b(?:{speakers})\b", re.IGNORECASE),
        reporting=reporting,
        quotes=raw["quote_marks"],
        coordinators=frozenset(
            normalize_name(w) for w in raw["coordinated_objects"]["coordinators"]
        ),
        coordinated_words=int(raw["coordinated_objects"]["other_words"]),
    )


def clause_bounds(text: str) -> list[int]:
    """Offsets in ``text`` where a new clause starts (the first is 0)."""
    vocab = placing_vocabulary()
    return [0, *(m.start() + (1 if m.group()[:1].isspace() else 0) for m in
                 vocab.clause_break.finditer(text))]  # fmt: skip


def _clause_of(bounds: list[int], position: int) -> int:
    return bisect_left(bounds, position + 1) - 1


@cache
def _quote_marks(quotes: str) -> re.Pattern[str] | None:
    """Any one of the characters of ``quotes`` (None when there is none)."""
    return re.compile(f"[{re.escape(quotes)}]") if quotes else None


def attribution_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that say who is speaking, not what happened.

    - after a closing quote, up to the sentence end, when a reporting verb follows
      ('"...," said a shopkeeper near Tahrir Square');
    - from a speaker noun to the reporting verb that follows it in the same clause
      ('a bystander near the Palestine Hotel said').
    """
    vocab = placing_vocabulary()
    spans: list[tuple[int, int]] = []
    marks = _quote_marks(vocab.quotes)
    closing = [m.start() for m in marks.finditer(text)] if marks is not None else []
    if len(closing) >= 2:
        last = closing[-1]
        tail = text[last + 1 :]
        words = normalize_name(tail).split()[:4]
        if any(w in vocab.reporting for w in words):
            spans.append((last + 1, len(text)))
        first = closing[0]
        head = normalize_name(text[:first]).split()
        if head and head[-1] in vocab.reporting:
            spans.append((0, first))
    for match in vocab.speakers.finditer(text):
        rest = text[match.end() : match.end() + 80]
        cut = re.search(r"[,;.:!?]", rest)
        window = rest[: cut.start()] if cut else rest
        for word in re.finditer(r"\w+", window):
            if normalize_name(word.group()) in vocab.reporting:
                spans.append((match.start(), match.end() + word.end()))
                break
    return spans


class SentencePlacer:
    """Places the incidents of one sentence, each at its own clause's place.

    Parameters
    ----------
    start, end
        The sentence's span in the report text.
    text
        The sentence text (``report.text[start:end]``).
    paragraph
        The paragraph's span.
    mentions
        The report's mentions.
    focus
        The report's focus place (:func:`focus_place`).
    last_scene
        The place of the last incident placed (for "at the scene").
    normalized
        The sentence's normalisation (as :func:`normalize_with_offsets` gives it), when
        the caller has it.
    previous_paragraph
        The span of the paragraph before, when it is in the same segment: a paragraph
        that names no place goes on where it left off when that was outside the area.
    """

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        paragraph: tuple[int, int],
        mentions: MentionIndex,
        focus: PlaceMention | None,
        last_scene: PlaceMention | None = None,
        *,
        normalized: str | None = None,
        previous_paragraph: tuple[int, int] | None = None,
    ):
        self.start = start
        self.previous_paragraph = previous_paragraph
        self.text = text
        self.paragraph = paragraph
        self.mentions = mentions
        self.focus = focus
        self.last_scene = last_scene
        self._normalized = normalized
        in_sentence = mentions.within(start, end)
        attribution = attribution_spans(text) if any(
            m.is_location for m in in_sentence
        ) else []  # fmt: skip
        self._quoted = bool(attribution)
        self.own = [m for m in in_sentence if m.is_location and not _inside(m, start, attribution)]
        self.outside = [m for m in in_sentence if m.role == "outside"]
        self.bounds = clause_bounds(text) if len(self.own) + len(self.outside) > 1 else [0]

    def at(self, position: int | None = None) -> tuple[PlaceMention | None, str | None]:
        """The place of an incident whose trigger starts at ``position`` in the sentence
        (``None``: the sentence as a whole), and the basis it was found on."""
        if position is not None and len(self.bounds) > 1:
            clause = _clause_of(self.bounds, position)
            same = [m for m in self.own if self._clause(m) == clause]
            outside = [m for m in self.outside if self._clause(m) == clause]
            if same:
                best = min(same, key=lambda m: (_rank(m), self._distance(m, position)))
                return self._first_coordinated(best, same), "sentence"
            if outside:
                return outside[0], "outside"
        if self.own:
            if position is None:
                return min(self.own, key=lambda m: (_rank(m), m.start)), "sentence"
            best = min(self.own, key=lambda m: (_rank(m), self._distance(m, position)))
            return self._first_coordinated(best, self.own), "sentence"
        if self.outside:
            # "In Basra, protesters blocked a road": named, but outside the gazetteer's area
            return self.outside[0], "outside"
        return self._beyond_sentence()

    def _first_coordinated(
        self, best: PlaceMention, candidates: Sequence[PlaceMention]
    ) -> PlaceMention:
        """The first place of the coordination ``best`` belongs to ("closed the Jumhuriya
        Bridge and the roads around Tahrir Square": the bridge), else ``best``.

        Coordinated places are objects of one action, not a place inside another, so the
        finest of them is no better a place than the others; the first is the action's
        primary object. (A point-like incident told once per listed place gets the others
        too: :mod:`incidents.tellings`.) A list ("A, B and C") is one coordination when one
        of its gaps holds a coordinator; "A, B" alone is an apposition."""
        members = sorted(
            (m for m in candidates if m.precision not in _HOLDERS), key=lambda m: m.start
        )
        if best not in members:
            return best
        at = members.index(best)
        first = last = at
        joins = []
        while first > 0 and (join := self._join(members[first - 1], members[first])):
            joins.append(join)
            first -= 1
        while last + 1 < len(members) and (join := self._join(members[last], members[last + 1])):
            joins.append(join)
            last += 1
        return members[first] if "and" in joins else best

    def _join(self, before: PlaceMention, after: PlaceMention) -> str | None:
        """How ``before`` is joined to ``after``: "and" (a coordinator and at most a few
        words), "comma" (a comma and at most as many words), else None."""
        if before.end > after.start or self._clause(before) != self._clause(after):
            return None
        gap = self.text[before.end - self.start : after.start - self.start]
        if _GAP_PUNCTUATION.search(gap):
            return None
        vocab = placing_vocabulary()
        words = [
            part
            for word in normalize_name(gap.replace(",", " ")).split()
            # "والطرق": the Arabic "و" glued to a word with the article
            for part in (("و", word[1:]) if word.startswith("وال") else (word,))
        ]
        if self._glued_and(after):
            words.append("و")  # Arabic "و" is written on the next name ("وساحة التحرير")
        coordinators = [w for w in words if w in vocab.coordinators]
        if len(words) - len(coordinators) > vocab.coordinated_words:
            return None
        if coordinators:
            return "and"
        return "comma" if "," in gap or "،" in gap else None

    def _glued_and(self, mention: PlaceMention) -> bool:
        """True when the text just before ``mention`` ends in a glued Arabic "و"."""
        at = mention.start - self.start
        return at > 0 and self.text[at - 1] == "و" and (at < 2 or self.text[at - 2].isspace())

    def coarse(self) -> dict[str, PlaceMention | str | None]:
        """The fields of an incident at a named place the gazetteer lacks ("منطقة
        الكيارة"): the city the sentence names, else the last one named before it; no
        finer place, which would be another one."""
        city = next((m for m in self.own if m.precision == "city"), None)
        if city is not None:
            return {"place": city, "basis": "sentence"}
        earlier = self.mentions.last_city_before(self.start)
        return {"place": earlier, "basis": "paragraph" if earlier is not None else None}

    def fields(self, position: int | None) -> dict[str, PlaceMention | str | None]:
        """``{"place": ..., "basis": ...}`` for an incident at ``position``."""
        place, basis = self.at(position)
        return {"place": place, "basis": basis}

    def _clause(self, mention: PlaceMention) -> int:
        return _clause_of(self.bounds, mention.start - self.start)

    def _distance(self, mention: PlaceMention, position: int) -> int:
        start, end = mention.start - self.start, mention.end - self.start
        if start <= position < end:
            return 0
        return start - position if start > position else position - end

    def _beyond_sentence(self) -> tuple[PlaceMention | None, str | None]:
        norm = (
            " "
            + (normalize_name(self.text) if self._normalized is None else self._normalized.strip())
            + " "
        )
        if any(f" {phrase} " in norm for phrase in context_vocabulary().anaphoric_places):
            earlier = self.last_scene or self.mentions.last_located_before(self.start)
            if earlier is not None:
                return earlier, "anaphora"
        previous = self.mentions.last_placed_before(self.start, floor=self.paragraph[0])
        if previous is not None and previous.role == "outside":
            # a paragraph about Mosul: its incidents stay off the Baghdad map
            return previous, "outside"
        if previous is None and self.previous_paragraph is not None:
            # News paragraphs are a sentence or two: "In Hawija four people died." then
            # "Police said gunmen shot two of them." tells of Hawija, not the report's city.
            earlier = self.mentions.last_placed_before(
                self.paragraph[0], floor=self.previous_paragraph[0]
            )
            if earlier is not None and earlier.role == "outside":
                return earlier, "outside"
        before = self.mentions.last_located_before(self.start, floor=self.paragraph[0])
        if before is not None:
            return before, "paragraph"
        if self.focus is not None:
            return self.focus, "report_focus"
        return None, None


def _inside(mention: PlaceMention, offset: int, spans: list[tuple[int, int]]) -> bool:
    start, end = mention.start - offset, mention.end - offset
    return any(a <= start and end <= b for a, b in spans)
