"""Each incident one sentence tells, with the fields of its place.

One incident per trigger a sentence reads, and further ones where it tells several: a
trigger repeated in a clause of its own (:func:`incidents.enumeration.clause_repeats`),
a distributive list ("one of them on al-Asad air base and others on three troop
locations"), a list of places ("car bombs in Bayaa, Zafaraniya and New Baghdad"), names
after a dual or plural area word (:mod:`incidents.unlisted_places`). Each clause takes
the place it names itself, a named place the gazetteer lacks included. Used by
:mod:`incidents.extract`, one sentence at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from gazetteer.mentions import PlaceMention
from gazetteer.normalize import normalize_name
from incidents.coreference import own_place_key
from incidents.enumeration import (
    PLURAL_NOUNS,
    clause_repeats,
    clause_starts,
    distributive_parts,
    listed_alike,
    listed_places,
)
from incidents.placing import MentionIndex, SentencePlacer, _rank
from incidents.triggers import SentenceReading, Trigger
from incidents.unlisted_places import area_names, unlisted
from incidents.vocabulary import Vocabulary


def sentence_tellings(
    new: Sequence[Trigger],
    reading: SentenceReading,
    text: str,
    start: int,
    placer: SentencePlacer,
    index: MentionIndex,
    vocabulary: Vocabulary,
    normalized: tuple[str, list[int]] | None = None,
) -> list[tuple[Trigger, dict, str | None]]:
    """Each incident a sentence tells, with its place fields and, for one at a named place
    the gazetteer lacks, that place's key: one per trigger, one per repeat in another
    clause, one per further place of a list (:mod:`incidents.enumeration`) and one per
    further name after a dual or plural area word (:mod:`incidents.unlisted_places`)."""
    if not new:
        return []
    mentions = index.within(start, start + len(text))
    where = _ClausePlaces(text, start, placer, mentions, normalized)
    tellings = [(t, *where.fields(t, placer.fields(t.start - start))) for t in new]
    placed = {key or place_key(fields["place"]) for _, fields, key in tellings}
    for repeat in clause_repeats(new, reading, text, start, vocabulary):
        fields, unlisted_key = where.fields(repeat, placer.fields(repeat.start - start))
        key = unlisted_key or own_place_key(
            fields["place"], fields["basis"], start, start + len(text)
        )
        if repeat.indefinite or repeat.fresh or (key is not None and key not in placed):
            # "a car bomb", "عبوة ثانية", or "the blast in Husseiniya ..., the blast in
            # Palestine Street": another incident
            tellings.append((repeat, fields, unlisted_key))
            placed.add(key)
    for told, _, _ in list(tellings):
        if vocabulary.types[told.type_id].acled_event_type not in (
            vocabulary.re_mention_event_types
        ) or told.status not in ("happened", "reported"):
            continue
        for fields, key in where.area_list(told):
            # "انفجار سيارتين أخريين في حيي المواصلات والشرطة": one in each
            if (key or place_key(fields["place"])) not in placed:
                tellings.append((told, fields, key))
                placed.add(key or place_key(fields["place"]))
    for part_start, part_end in distributive_parts(text, start, normalized=normalized):
        # "drone and rocket attacks, one of them on al-Asad air base in western Iraq and
        # others on three troop locations in Syria": one each
        told = next(
            (
                t
                for t, _, _ in reversed(tellings)
                if t.start < part_start
                and vocabulary.types[t.type_id].acled_event_type
                in vocabulary.re_mention_event_types
                and t.status in ("happened", "reported")
            ),
            None,
        )
        places = [
            m
            for m in mentions
            if part_start <= m.start < part_end and m.role in ("location", "outside")
        ]
        if told is None or not places:
            continue
        place = min(places, key=lambda m: (_rank(m), m.start))
        fields = {"place": place, "basis": "outside" if place.role == "outside" else "sentence"}
        key = own_place_key(place, fields["basis"], start, start + len(text))
        if key is not None and key in placed:
            continue  # "two car bombs in Karrada, one of them near the market": told there
        unlisted_key = (
            None if key else UNLISTED + normalize_name(text[part_start - start : part_end - start])
        )
        tellings.append((told, fields, unlisted_key))
        placed.add(key or unlisted_key)
    main = new[0]
    point_like = (
        vocabulary.types[main.type_id].acled_event_type in vocabulary.re_mention_event_types
    )
    if main.definite or main.status not in ("happened", "reported"):
        return tellings  # "the two blasts near the council and the ministry": told
    listed = listed_places(text, start, mentions)
    if not point_like:
        # A protest through listed places ("marched in Najaf and Nasiriyah") is one;
        # protests in a list of towns outside the area ("البصرة جنوبا وكركوك ونينوى شمالا")
        # are one in each town, as a bomb in each place is.
        if (
            listed
            and normalize_name(main.key) in PLURAL_NOUNS
            and all(m.role == "outside" for m in listed)
        ):
            towns = {_town_key(fields["place"]) for _, fields, _ in tellings}
            for mention in listed:
                if _town_key(mention) not in towns:
                    tellings.append((main, {"place": mention, "basis": "outside"}, None))
                    towns.add(_town_key(mention))
        return tellings
    main_place = tellings[0][1]["place"]
    if (
        listed
        and main_place in listed
        and where.clause(main.start) != where.clause(main_place.start)
    ):
        # "هزّ انفجار ... منطقة الطوبجي، ثم سيارات أخرى في البياع والزعفرانية": the
        # first bombing took a listed place of another clause for want of its own;
        # each listed place still has its own
        placed.discard(place_key(main_place))
    for mention in listed:
        if place_key(mention) not in placed:
            basis = "sentence" if mention.is_location else "outside"
            tellings.append((main, {"place": mention, "basis": basis}, None))
    for name_start, name_end in listed_alike(text, start, listed):
        # "... وبغداد الجديدة (شرق) والنهارية (شرق)": a place of the list the gazetteer lacks
        key = UNLISTED + normalize_name(text[name_start - start : name_end - start])
        if key not in placed:
            tellings.append((main, placer.coarse(), key))
            placed.add(key)
    return tellings


class _ClausePlaces:
    """Where a sentence's incidents are, clause by clause, named places the gazetteer
    lacks included."""

    def __init__(
        self,
        text: str,
        start: int,
        placer: SentencePlacer,
        mentions: Sequence[PlaceMention],
        normalized: tuple[str, list[int]] | None = None,
    ) -> None:
        self.start = start
        self.end = start + len(text)
        self.placer = placer
        self.bounds = clause_starts(text)
        self.mentions = mentions
        self.names = area_names(text, start, normalized=normalized)
        spans = [(m.start, m.end) for m in mentions]
        self.unlisted = unlisted(self.names, spans)

    def clause(self, position: int) -> int:
        """The clause of the sentence a report offset lies in."""
        return bisect_right(self.bounds, position - self.start)

    def fields(self, trigger: Trigger, fields: dict) -> tuple[dict, str | None]:
        """``fields`` for the incident of ``trigger``, and the key of its place when it is
        one the gazetteer lacks.

        A place of another clause than the trigger's (:func:`clause_starts` also breaks
        at "ثم", "أعقبه", "followed by") gives way to one its own clause names: a known
        one ("انفجار سيارتين في الكرادة، أعقبه انفجار سيارتين أخريين في حي الشرطة": the
        second pair is in al-Shurta), else a name after an area word that the gazetteer
        lacks ("ففي منطقة الكيارة ... بانفجار سيارة مفخخة، فيما ... بمدينة الصدر"), which
        takes the coarse place (:meth:`SentencePlacer.coarse`). Such a name is finer than
        a city or country its own clause names too ("ففي منطقة الزهور شرق بغداد": al-Zuhour,
        which the gazetteer lacks, not Baghdad)."""
        place = fields["place"]
        own = self.clause(trigger.start)
        lacking = [n for n in self.unlisted if self.clause(n.start) == own]
        if place is not None and self.start <= place.start < self.end:
            if self.clause(place.start) == own and not (lacking and place.precision in _COARSE):
                return fields, None
            here = [
                m
                for m in self.placer.own
                if self.clause(m.start) == own and m.precision not in _COARSE
            ]
            if here:
                nearest = min(here, key=lambda m: abs(m.start - trigger.start))
                return {"place": nearest, "basis": "sentence"}, None
        if lacking:
            return self.placer.coarse(), UNLISTED + lacking[0].name
        return fields, None

    def area_list(self, trigger: Trigger) -> list[tuple[dict, str | None]]:
        """The fields of every name after a dual or plural area word in the trigger's
        clause ("حيي المواصلات والشرطة الرابعة"), when it names two or more."""
        own = self.clause(trigger.start)
        groups: dict[int, list] = {}
        for name in self.names:
            if self.clause(name.start) == own:
                groups.setdefault(name.group, []).append(name)
        found = []
        for names in groups.values():
            if len(names) < 2:
                continue
            for name in names:
                known = next(
                    (m for m in self.mentions if m.start < name.end and name.start < m.end), None
                )
                if known is not None and known.is_location:
                    found.append(({"place": known, "basis": "sentence"}, None))
                elif known is None:
                    found.append((self.placer.coarse(), UNLISTED + name.name))
        return found


UNLISTED = "unlisted:"
_COARSE = frozenset({"city", "country", "relative"})


def _town_key(place: PlaceMention | None) -> str | None:
    """A place outside by its name (it has no id), else by its id."""
    if place is not None and place.role == "outside":
        return "outside:" + normalize_name(place.place_name or place.text)
    return place_key(place)


def place_key(place: PlaceMention | None) -> str | None:
    return (place.anchor_id or place.place_id) if place is not None else None
