"""Several incidents told in one sentence: repeated mentions and lists of places.

Wire copy packs a string of bombings into one sentence: "a car bomb exploded in
Sadr City, and a further 10 people were wounded by a car bomb that blew up in
Kazimiyah"; "وفي هجوم ثالث انفجرت عبوة ناسفة في شارع كيفا، وانفجرت عبوة ثانية في
حي الصالحية"; "car bombs in Bayaa, Zafaraniya and New Baghdad". One incident per
type per sentence counts one. The rules, pure functions over one sentence:

- :func:`clause_repeats`: a later trigger of a type the sentence tells (or of one
  that yields to it) in a clause of its own is a candidate further incident of the
  point-like event types (a bombing, a strike, an attack); the caller keeps it when
  it is written as a new referent ("a car bomb", "عبوة ثانية", "انفجار آخر") or
  names a place of its own that no other incident of the sentence has ("بلغت حصيلة
  التفجير في الحسينية ...، بينما ... في التفجير الذي وقع في شارع فلسطين");
- :func:`listed_places`: places written as a list ("car bombs in Bayaa, Zafaraniya
  and New Baghdad", "في البياع (جنوب) والزعفرانية (جنوب) وبغداد الجديدة") each get
  the incident the sentence tells, for the point-like event types: a bomb goes off
  in one place (a march "in Najaf and Kut" may be told as one protest).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from gazetteer.mentions import PlaceMention
from gazetteer.normalize import normalize_name, normalize_with_offsets
from geo.resources import read_json_resource
from incidents.placing import clause_bounds
from incidents.triggers import SentenceReading, Trigger
from incidents.vocabulary import Vocabulary

#: Precisions never listed: the city and the country contain the places listed with
#: them, and a relative place ("40km south of Baghdad") describes the one before it.
_NOT_LISTED = frozenset({"city", "country", "relative"})
_PARENTHESES = re.compile(r"\([^()]*\)")
_SEPARATORS = re.compile(r"[,،;؛]")


def _list_words() -> tuple[frozenset[str], int, re.Pattern[str], re.Pattern[str]]:
    raw = read_json_resource("incidents", "incident_types.json")["place_lists"]
    openers = "|".join(map(re.escape, raw["clause_openers"]))

    def alternatives(words: list[str]) -> str:
        normalised = sorted({normalize_name(w) for w in words}, key=len, reverse=True)
        return "|".join(map(re.escape, normalised))

    heads, prepositions = alternatives(raw["part_heads"]), alternatives(raw["part_prepositions"])
    return (
        frozenset(normalize_name(w) for w in raw["coordinators"]),
        int(raw["other_words"]),
        re.compile(rf"(?<!\w)(?:{openers})(?!\w)", re.IGNORECASE),
        # on normalised text: "و" glued to the head ("وأخرى في") or a word before it
        re.compile(rf"(?<!\w)(?:(?:and|و) ?)?(?:{heads}) (?:{prepositions})(?!\w)"),
    )


_COORDINATORS, _OTHER_WORDS, _OPENERS, _PART_HEADS = _list_words()
#: Plural incident nouns told once per listed town ("protests in Basra, Kirkuk and Mosul").
PLURAL_NOUNS = frozenset(
    normalize_name(w)
    for w in read_json_resource("incidents", "incident_types.json")["place_lists"]["plural_nouns"]
)
#: What ends a part of a distributive list, besides the next part.
_PART_END = re.compile(r"[,;:.!?،؛]")


def distributive_parts(
    text: str, offset: int = 0, *, normalized: tuple[str, list[int]] | None = None
) -> list[tuple[int, int]]:
    """The parts of a distributive list in a sentence, as report spans ("one of them on
    al-Asad air base", "others on three troop locations in Syria", "وأخرى في الكرادة").

    A part runs from its head (``place_lists.part_heads`` followed by one of
    ``part_prepositions``) to the next part or the end of its clause. ``normalized`` is
    ``normalize_with_offsets(text, offset)`` when the caller has it."""
    norm, offsets = normalized or normalize_with_offsets(text, offset)
    heads = [m.start() for m in _PART_HEADS.finditer(norm)]
    if not heads:
        return []  # the common case
    parts = []
    for i, head in enumerate(heads):
        stop = heads[i + 1] if i + 1 < len(heads) else len(norm)
        start, end = offsets[head], offsets[stop - 1] + 1
        cut = _PART_END.search(text, start - offset, end - offset)
        parts.append((start, cut.start() + offset if cut else end))
    return parts


def clause_repeats(
    told: Sequence[Trigger],
    reading: SentenceReading,
    text: str,
    offset: int,
    vocabulary: Vocabulary,
) -> list[Trigger]:
    """The further incidents a sentence tells by repeating a trigger in another clause.

    ``told`` are the triggers the sentence's incidents come from (of
    ``reading.triggers``); ``text`` is the sentence, ``offset`` where it starts in
    the report (triggers carry report offsets). Each repeat kept is of a type in
    ``told`` and lies in a clause no kept trigger of its ACLED event type lies in.
    """
    types = {t.type_id for t in told}
    repeats = [r for r in reading.repeats if r.type_id in types]
    if not repeats:
        return []
    bounds = clause_starts(text)

    def clause(trigger: Trigger) -> int:
        return bisect_right(bounds, trigger.start - offset) - 1

    taken: set[tuple[str | None, int]] = {
        (vocabulary.types[t.type_id].acled_event_type, clause(t)) for t in told
    }
    kept = []
    for trigger in repeats:
        event_type = vocabulary.types[trigger.type_id].acled_event_type
        if event_type not in vocabulary.re_mention_event_types:
            continue
        key = (event_type, clause(trigger))
        if key in taken:
            continue
        taken.add(key)
        kept.append(trigger)
    return kept


def clause_starts(text: str) -> list[int]:
    """Offsets in the sentence ``text`` where a clause starts: placing's clause breaks and
    the clause openers of ``place_lists`` ("فيما", "ثم", "meanwhile")."""
    return sorted({*clause_bounds(text), *(m.start() for m in _OPENERS.finditer(text))})


def listed_places(text: str, offset: int, mentions: Sequence[PlaceMention]) -> list[PlaceMention]:
    """The longest list of places in a sentence ("Basra, Kirkuk and Nineveh"), or [].

    ``mentions`` are the sentence's mentions in text order (report offsets; the
    sentence starts at ``offset``). Listed places are named locations finer than the
    city, or places outside it; between two of them only commas, a coordinator
    ("and", "و" glued to the name) and at most ``other_words`` words ("البصرة جنوبا
    وكركوك"), parentheses aside ("البياع (جنوب) والزعفرانية"), and some gap holds a
    coordinator.
    """
    places = [
        m
        for m in mentions
        if m.role == "outside" or (m.is_location and m.precision not in _NOT_LISTED)
    ]
    best: list[PlaceMention] = []
    run: list[PlaceMention] = []
    coordinated = False
    for mention in places:
        gap = text[run[-1].end - offset : mention.start - offset] if run else None
        if gap is not None and _listed_after(gap):
            run.append(mention)
            coordinated = coordinated or _coordinated(gap)
        else:
            run, coordinated = [mention], False
        if coordinated and len(run) > len(best):
            best = list(run)
    distinct = {m.anchor_id or m.place_id or normalize_name(m.text) for m in best}
    return best if len(distinct) == len(best) else []


def _coordinated(gap: str) -> bool:
    """True when ``gap`` holds a coordinator: "A, B" alone is an apposition
    ("Iskandariya, 40km south of Baghdad"), "A, B and C" a list."""
    return any(w in _COORDINATORS for w in normalize_name(_SEPARATORS.sub(" ", gap)).split())


def _listed_after(gap: str) -> bool:
    """True when ``gap`` (the text between two places) only joins them in a list."""
    gap = _PARENTHESES.sub(" ", gap)
    has_separator = bool(_SEPARATORS.search(gap))
    words = normalize_name(_SEPARATORS.sub(" ", gap)).split()
    joined = has_separator or any(w in _COORDINATORS for w in words)
    others = [w for w in words if w not in _COORDINATORS]
    return joined and len(others) <= _OTHER_WORDS


#: A further member of a list written alike, the gazetteer aside: "و" glued to a name of
#: words with the article, or "and" and capitalised words, then a parenthesis.
_ALIKE_TAIL = re.compile(
    r"\s*(?:\([^()]*\))?\s*(?:[,،]\s*)?"
    r"(?:و(?P<ar>ال\w+(?:\s+ال\w+)*)|(?:and\s+)?(?P<en>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*))"
    r"\s*\([^()]*\)"
)


def listed_alike(text: str, offset: int, listed: Sequence[PlaceMention]) -> list[tuple[int, int]]:
    """Spans (report offsets) of the names that go on a list of places written alike,
    each with a parenthesis after it, that the gazetteer lacks: "في البياع (جنوب)
    والزعفرانية (جنوب) وبغداد الجديدة (شرق) والنهارية (شرق)" names al-Nahariya too.

    Only when every listed place before has its parenthesis ("(جنوب)", "(east)"): the
    shape of the list, not a word list, says the name is one of its places."""
    if len(listed) < 2:
        return []
    for mention in listed:
        after = text[mention.end - offset :]
        if not after.lstrip().startswith("("):
            return []
    found = []
    position = listed[-1].end - offset
    while match := _ALIKE_TAIL.match(text, position):
        group = "ar" if match.group("ar") else "en"
        found.append((match.start(group) + offset, match.end(group) + offset))
        position = match.end()
    return found
