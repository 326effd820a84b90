"""One incident per thing that happened: later mentions of a told incident join it.

Wire copy tells a bombing in its lead, again in the police account, again in a
witness's words and again in the closing paragraph ("the blast", "the attack",
"the bombing"). An analyst codes it once. :class:`Coreference` reads a report's
trigger incidents in text order and keeps one per incident:

- a mention joins the latest incident told of the same ACLED event type, on the
  same day, in the same segment (the outlet's prose or one post), unless it names
  a place of its own that differs from that incident's, or is marked as another
  one ("a second blast", "another bomb", "انفجار آخر");
- a weak trigger alone ("the attack", "هجوم") joins the latest violent incident of
  the day whatever its type;
- only the point-like event types of ``re_mention.event_types`` are joined (a
  bombing, a strike, an attack): a protest or a riot goes on and develops;
- of the mentions of one incident the one that tells it is kept: the first one,
  unless it only named the incident ("Dozens hurt in the blast", "the attack"): then
  the first that tells it ("a car bomb ripped through"); it takes the place another
  mention names when it names none. A weak mention told first ("Bush denounced the
  attack on parliament") keeps its sentence but takes the type a later strong
  mention gives ("the bombing").
- a summary ("a string of car bombs in central Baghdad", "ten car bombs", "3
  انفجارات", and every trigger of its ACLED type in its sentence: "12 car bombs and
  two roadside bombs") gives way to the incidents it sums up when two or more of its
  type and day are then told one by one (one of them at its place, when it names one);
- the single rounds of a salvo (rockets, mortars: ``salvo_sub_event_types``) are
  parts of one attack: "one rocket came down on the runway" joins it.

- a measure, an arrest or a storming (``re_mention.definite_types``) is joined only by
  a definite noun of its type in its segment ("The ban on vehicles was announced"),
  whatever the day and the status told first.

- a protest named by a definite noun alone ("the protest", "the demonstration") after a
  riot told that day (``re_mention.turned_violent``), with no other place of its own, is
  that riot: ACLED codes a demonstration that turns violent as one riot.

- a definite mention of a type with an armed variant ("the confrontation": a clash)
  after its armed variant was told that day ("the deadly clashes" between armed
  groups) is that incident: the same fight, named without its armed men.

- a retelling (:mod:`incidents.discourse`: a sentence that gives its telling to a source,
  "a US Army spokeswoman said a homemade bomb attack ... had taken place") joins the latest
  incident of its ACLED event type told that day, or in the segment when it names no day,
  though it writes it as a new one ("a bomb attack"); footage ("Clips ... show flames")
  joins the latest incident of its type its source told, whatever its day (a fire
  told, then shown; footage of tents set alight after stones thrown is a new fire).
- places are the same when their keys are, or when one lies within the other's
  uncertainty ("the explosion happened near the Suspended Bridge" after a car bomb in
  Karrada; a rocket attack on Victory base after one on the airport's surroundings).
- a mention of a finer type than the incident it joins ("an explosion", then "an air strike
  ... by a drone") tells it better: it takes its place.

Otherwise what is announced, threatened or denied, and casualty incidents, are never joined.
One dictionary look-up per mention: linear in the report.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace

from gazetteer.mentions import PlaceMention
from gazetteer.normalize import normalize_name
from incidents.model import Incident
from incidents.triggers import Trigger
from incidents.vocabulary import Vocabulary

#: Statuses of incidents drawn as having happened: the only ones joined.
_JOINED_STATUSES = frozenset({"happened", "reported"})
#: Metres within which two places of one incident may lie whatever their uncertainty.
_NEAR_FLOOR_M = 300.0
_EARTH_M = 6_371_000.0
#: Sub-event types a type gives way to that make it generic ("explosion", "bomb").
_GENERIC_SUB_EVENTS = 3
#: Bases of an incident's place that the sentence itself named.
_OWN_BASES = frozenset({"sentence", "outside"})
_COARSE = frozenset({"city", "country"})
_PLACE_FIELDS = (
    "place_id",
    "place_name",
    "geo_precision",
    "uncertainty_m",
    "resolved_by",
    "place_basis",
    "lat",
    "lon",
)


#: How the key of a place outside the pack's area starts (another city: Mosul, Basra).
_OUTSIDE_KEY = "outside:"


def own_place_key(
    place: PlaceMention | None,
    basis: str | None,
    start: int,
    end: int,
    *,
    definite: bool = False,
) -> str | None:
    """The place an incident's own sentence names (finer than the city), or, for a mention
    that is not ``definite``, the town or city outside the pack's area it was placed in;
    else None.

    ``start``/``end`` are the sentence's span: a place of the paragraph or of the
    report's focus is not the sentence's own, but a town outside is, wherever the placing
    found it (the sentence, or a paragraph that went on about it): "In Mosul, gunmen
    killed a policeman", after a shooting elsewhere, is another incident, as is "Police
    said explosions killed another two" in a paragraph about Hawija after a Baghdad car
    bomb; "VOA reports from Irbil on the attack" tells the attack told before.
    """
    if place is None or basis not in _OWN_BASES:
        return None
    outside = place.role == "outside" and place.precision != "country" and not definite
    if place.precision in _COARSE and not outside:
        return None
    if not outside and not start <= place.start < end:
        return None
    if outside:
        return _OUTSIDE_KEY + normalize_name(place.place_name or place.text)
    return place.anchor_id or place.place_id


@dataclass
class _Told:
    slot: int
    place: str | None
    quality: int
    """The best :func:`_quality` of its mentions: lower tells it better."""
    key: tuple[int, str | None, str] = (0, None, "")
    summary: bool = False
    """Told as a sum of several ("a string of car bombs in central Baghdad")."""
    dated: bool = True
    """Its sentence stated its day; else the day is the report's, by default."""
    headline: bool = False
    """Told so far only by a headline or subhead, which the telling after it replaces."""


class Coreference:
    """A report's incidents in text order, later mentions of one incident joined."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.slots: list[Incident | None] = []
        self.by_type: dict[tuple[int, str | None, str], _Told] = {}
        self.by_day: dict[tuple[int, str | None], _Told] = {}
        self.at_place: dict[tuple[int, str | None, str, str], _Told] = {}
        self.by_kind: dict[tuple[int, str], _Told] = {}
        self.in_segment: dict[int, _Told] = {}
        self.of_type: dict[tuple[int, str], _Told] = {}
        self.riots: dict[tuple[int, str | None], str | None] = {}
        self.kinds: dict[tuple[int, str | None, str], str | None] = {}
        """The own place of the latest incident of each type told per (segment, day)."""
        """The own place of the latest riot told per (segment, day)."""
        self.told: list[_Told] = []
        self.points: dict[str, tuple[float, float, float]] = {}
        """Where each own place key lies: (lat, lon, uncertainty in metres)."""
        self.ordered: dict[tuple[int, str | None, str], list[_Told]] = {}
        """The incidents told per (segment, day, ACLED event type), in order."""
        self.named: dict[tuple[int, str | None], _Told] = {}
        """The latest incident a superlative named per (segment, day), not told yet."""
        self.foiled: dict[tuple[int, str | None], list[str | None]] = {}
        """The own places of the foiled attacks told per (segment, day)."""
        self.protests: set[tuple[int, str | None]] = set()
        """(segment, day) pairs on which a protest was told."""
        self.hidden: set[int] = set()
        """Slots of what a trend names: kept so later mentions join it, never given out."""
        self.latest_event: dict[tuple[str | None, str], int] = {}
        """The slot of the latest incident told per (source, incident type): footage
        shows what its source told, in whichever of its segments."""

    def keep(self, incident: Incident) -> None:
        """An incident that is never joined (a casualty claim)."""
        self.slots.append(incident)

    def tell(
        self,
        incident: Incident,
        trigger: Trigger,
        *,
        own_place: str | None,
        segment: int,
        headline: bool = False,
        dated: bool = True,
        retold: bool = False,
        footage: bool = False,
        at: PlaceMention | None = None,
        trend: bool = False,
        named: bool = False,
        ordinal: int | None = None,
    ) -> None:
        """A trigger incident (see :meth:`_tell`). ``trend``: the sentence tells a trend
        ("Over the past two months, officials have been watching the bombs"): what it
        names is no incident, and the later mentions that join it ("the bombs are
        generally stuck to a car") are none either."""
        first = len(self.slots)
        self._tell(
            incident, trigger, own_place=own_place, segment=segment, headline=headline,
            dated=dated, retold=retold, footage=footage, at=at, named=named,
            ordinal=ordinal,
        )  # fmt: skip
        if trend:
            self.hidden.update(range(first, len(self.slots)))

    def _tell(
        self,
        incident: Incident,
        trigger: Trigger,
        *,
        own_place: str | None,
        segment: int,
        headline: bool,
        dated: bool,
        retold: bool,
        footage: bool,
        at: PlaceMention | None,
        named: bool,
        ordinal: int | None,
    ) -> None:
        """A trigger incident: a new one, or a mention of one already told.

        ``dated``: the mention's sentence states its own day. A definite mention whose
        sentence states none ("The car bombing ... may have been meant to draw attention
        away", in a later paragraph) is the latest of its type told in the segment, on
        whatever day that was.

        ``headline``: the mention is a headline or subhead ("Suicide bomber kills 17 day
        laborers"), which names an incident the text then tells: like a definite mention,
        the telling that follows takes its place.

        ``retold``: the sentence gives its telling to a source; ``footage``: it describes
        footage (:class:`incidents.discourse.Telling`). ``at``: the place ``own_place``
        names, so that a place inside it or around it counts as the same. ``named``: a
        weak mention a superlative ranks ("The worst attack in the capital since ..."):
        like a headline it names an incident, and the first telling that day takes its
        place. ``ordinal``: N for a mention written "the Nth" ("the second bomb"): with N
        of its ACLED event type told that day, it is the Nth of them."""
        event_type = incident.acled_event_type
        if own_place is not None and at is not None and at.lat is not None and at.lon is not None:
            self.points.setdefault(own_place, (at.lat, at.lon, at.uncertainty_m or 0.0))
        if footage and event_type is not None and incident.status in _JOINED_STATUSES:
            slot = self.latest_event.get((incident.source, incident.event_type))
            if slot is not None and self.slots[slot] is not None:
                return  # "Clips shared on social media show flames": the fire told
        protest, riot = self.vocabulary.turned_violent or (None, None)
        day = (segment, incident.date)
        if incident.status in _JOINED_STATUSES and event_type == riot:
            self.riots[day] = own_place
        armed = self.vocabulary.types[incident.event_type].armed_variant
        if (
            armed is not None
            and incident.status in _JOINED_STATUSES
            and trigger.definite
            and not trigger.weak
            and not trigger.fresh
            and (*day, armed) in self.kinds
            and self._near(own_place, self.kinds[(*day, armed)])
        ):
            return  # "The confrontation, it said, grew out of a standoff": the armed clash
        if incident.status in _JOINED_STATUSES:
            self.kinds[(*day, incident.event_type)] = own_place
        if (
            incident.status in _JOINED_STATUSES
            and incident.sub_event_type in self.vocabulary.foiled_sub_event_types
        ):
            self.foiled.setdefault(day, []).append(own_place)
        if incident.event_type in self.vocabulary.definite_re_mention_types:
            self._tell_definite(
                incident, trigger, own_place=own_place, segment=segment, headline=headline
            )
            return
        # "the protest", "the demonstrations": a definite weak protest noun, told again
        protest_again = (
            event_type == protest
            and incident.status in _JOINED_STATUSES
            and trigger.definite
            and trigger.weak
            and not trigger.fresh
        )
        if protest_again and day in self.riots and self._near(own_place, self.riots[day]):
            return  # "called the protest" after the crowd stormed the embassy: that riot
        if protest_again and own_place is None and day in self.protests:
            return  # "Those whose demonstrations provoked the crackdown": the protest told
        if incident.status in _JOINED_STATUSES and event_type == protest:
            self.protests.add(day)
        if (
            incident.status not in _JOINED_STATUSES
            or event_type not in self.vocabulary.re_mention_event_types
        ):
            if incident.status in _JOINED_STATUSES and event_type is not None:
                # never joined, but a sum of several ("a dozen or more demonstrations")
                # still gives way to the ones the report then tells one by one
                key = (*day, event_type)
                self.told.append(_Told(len(self.slots), own_place, 0, key, trigger.summary))
            self._note_event(incident)
            self.slots.append(incident)
            return
        quality = max(_quality(trigger), _DEFINITE) if headline else _quality(trigger)
        if named:
            quality = _NAMED
        told = None
        if trigger.fresh and ordinal is not None:
            counted = [t for t in self.ordered.get((*day, event_type), ()) if not t.summary]
            if len(counted) >= ordinal and self._near(own_place, counted[ordinal - 1].place):
                told = counted[ordinal - 1]  # "the second bomb" of the two told
        if not trigger.fresh:
            told = self._told(day, event_type, own_place, weak=trigger.weak)
            ranked = self.named.get(day)
            if told is None and ranked is not None and self._near(own_place, ranked.place):
                told = ranked  # "The worst attack in the capital since ...", then told
            if told is None and dated and quality < _DEFINITE:
                told = self._named_undated(segment, event_type, own_place)
            if told is None and not dated and (quality >= _DEFINITE or retold):
                told = self._told_in_segment(segment, event_type, own_place, weak=trigger.weak)
                if told is not None:
                    day = (segment, told.key[1])
        if (
            told is None
            and trigger.definite
            and not trigger.fresh
            and any(self._near(own_place, p) for p in self.foiled.get(day, ()))
        ):
            return  # "Police defused a bomb. The bomb had been planted ...": that bomb
        salvo = incident.sub_event_type in self.vocabulary.salvo_sub_event_types
        if (
            told is not None
            and quality == 0
            and told.quality < _DEFINITE
            and not salvo
            and not (retold and self._retells(told, incident, own_place))
        ):
            # "a car bomb" after "a car bomb": another one, unless a source retells it
            told = None
        if told is None:
            new = _Told(
                len(self.slots), own_place, quality, (*day, event_type), trigger.summary, dated
            )
            self._register(new, day, event_type)
            if quality == _NAMED:
                self.named[day] = new
            self._note_event(incident)
            self.slots.append(incident)
            return
        current = self.slots[told.slot]
        assert current is not None
        finer = told.quality < _DEFINITE and self._finer(incident, current)
        if finer and quality < _DEFINITE:
            # "an explosion ... east of the capital", then "an air strike ... by a drone":
            # the finer telling takes its place
            self.slots[told.slot] = None
            kept = incident if own_place is not None else _placed_as(incident, current)
            told.slot, told.quality = len(self.slots), min(quality, told.quality)
            self._note_event(kept)
            self.slots.append(kept)
        elif finer:
            self.slots[told.slot] = _typed_as(current, incident)
        elif told.quality == _WEAK and quality < _WEAK and quality > 0:
            # "the attack", then "the bombing": the incident told first was a bombing
            current = _typed_as(current, incident)
            self.slots[told.slot] = current
            told.quality = quality
            self.by_type[(*day, event_type)] = told
        elif quality < told.quality and told.quality >= _DEFINITE:
            # "the bombings" named first, then told: the telling, and what it is (a sum
            # of several, a bombing rather than "the attacks"), takes its place
            if self.named.get(day) is told:
                del self.named[day]
            self.slots[told.slot] = None
            kept = incident if own_place is not None else _placed_as(incident, current)
            told.slot, told.quality = len(self.slots), quality
            told.summary = told.summary or trigger.summary
            told.dated = told.dated or dated
            if told.key != (*day, event_type):
                told.key = (*day, event_type)
                self.by_type[told.key] = told
            self._note_event(kept)
            self.slots.append(kept)
        elif told.place is None and own_place is not None:
            self.slots[told.slot] = _placed_as(current, incident)
        if told.place is None and own_place is not None:
            told.place = own_place
            self.at_place[(*day, event_type, own_place)] = told

    def _tell_definite(
        self,
        incident: Incident,
        trigger: Trigger,
        *,
        own_place: str | None,
        segment: int,
        headline: bool = False,
    ) -> None:
        """A measure, an arrest or a storming: a definite noun of a type told before in the
        segment ("the ban", "الاقتحام") is that incident again, whatever its day and the
        status told first; anything else is new. A subhead's ("- Arrests from Al-Qurban
        Group (Dhi Qar)") is told by the first mention after it, which takes its place."""
        key = (segment, incident.event_type)
        told = self.by_kind.get(key)
        joined = told is not None and incident.status in _JOINED_STATUSES
        if joined and told.headline and not headline and self._near(own_place, told.place):
            current = self.slots[told.slot]
            self.slots[told.slot] = None
            keep_place = own_place is None and current is not None
            kept = _placed_as(incident, current) if keep_place else incident
            told.slot, told.headline = len(self.slots), False
            told.place = own_place or told.place
            self._note_event(kept)
            self.slots.append(kept)
            return
        again = (
            joined
            and trigger.definite
            and not trigger.fresh
            and not trigger.weak
            and self._near(own_place, told.place)
        )
        if told is None or not again:
            self.by_kind[key] = _Told(
                len(self.slots), own_place, _quality(trigger), headline=headline
            )
            self._note_event(incident)
            self.slots.append(incident)
            return
        current = self.slots[told.slot]
        if current is not None and told.place is None and own_place is not None:
            self.slots[told.slot] = _placed_as(current, incident)
            told.place = own_place

    def incidents(self) -> list[Incident]:
        """The incidents kept, in text order; a summary followed by two or more incidents
        of its type and day told one by one gives way to them. A summary that names a
        place ("Of the four car bombs, three hit Karrada") gives way only when one of
        them is told there or with no place of its own: else what it tells at its place
        is told nowhere else ("In Karrada two car bombs killed eight", then Mansour's)."""
        after: Counter[tuple[int, str | None, str]] = Counter()
        at_place: Counter[tuple[tuple[int, str | None, str], str | None]] = Counter()
        for told in reversed(self.told):
            if told.summary and after[told.key] >= 2:
                if told.place is None or at_place[told.key, told.place] + at_place[told.key, None]:
                    self.slots[told.slot] = None
            elif not told.summary:
                after[told.key] += 1
                at_place[told.key, told.place] += 1
        return [i for n, i in enumerate(self.slots) if i is not None and n not in self.hidden]

    def _told(
        self, day: tuple[int, str | None], event_type: str, place: str | None, *, weak: bool
    ) -> _Told | None:
        if place is not None and not weak:
            exact = self.at_place.get((*day, event_type, place))
            if exact is not None:
                return exact
        latest = self.by_day.get(day) if weak else self.by_type.get((*day, event_type))
        if latest is None and not weak:
            # "the attack" told first: a bombing told next may be what it was
            latest = self.by_day.get(day)
            latest = latest if latest is not None and latest.quality == _WEAK else None
        if latest is None or not self._near(place, latest.place):
            return None
        return latest

    def _told_in_segment(
        self, segment: int, event_type: str, place: str | None, *, weak: bool
    ) -> _Told | None:
        latest = self.in_segment.get(segment) if weak else self.of_type.get((segment, event_type))
        if latest is None or not self._near(place, latest.place):
            return None
        return latest

    def _named_undated(self, segment: int, event_type: str, place: str | None) -> _Told | None:
        """The latest incident of the type in the segment that was only named, in a
        sentence stating no day ("Tehran called the US strike on eastern Baghdad a
        terrorist act"): a telling that states its day ("carried out a unilateral strike
        on Iraq on February 7") is that incident, on that day."""
        latest = self.of_type.get((segment, event_type))
        if (
            latest is None
            or latest.dated
            or latest.summary
            or latest.quality < _DEFINITE
            or not self._near(place, latest.place)
        ):
            return None
        return latest

    def _near(self, place: str | None, other: str | None) -> bool:
        """True when either place is unknown, both are one, or one lies inside the other:
        its point and radius within the other's radius (at least ``_NEAR_FLOOR_M``). A
        point within the other's radius is not enough: districts are kilometres wide, and
        a car bomb in Karrada is not the rockets on the Green Zone beside it."""
        if place is None or other is None or place == other:
            return True
        a, b = self.points.get(place), self.points.get(other)
        if a is None or b is None:
            return False
        inner, outer = sorted((a[2], b[2]))
        return _metres(a[0], a[1], b[0], b[1]) + inner <= max(outer, _NEAR_FLOOR_M)

    def _finer(self, incident: Incident, current: Incident) -> bool:
        """True when ``current`` is of a generic type ("an explosion", "a bomb") and
        ``incident`` of a specific one it gives way to ("a drone strike")."""
        types = self.vocabulary.types
        if incident.event_type == current.event_type or current.event_type not in types:
            return False
        return (
            incident.event_type in types[current.event_type].yields_to
            and self._generic(current.event_type)
            and not self._generic(incident.event_type)
        )

    def _generic(self, type_id: str) -> bool:
        """True for a type that gives way to types of several sub-event types of its own
        ACLED event type ("explosion": car bombs, rockets, drone strikes...)."""
        types = self.vocabulary.types
        kind = types.get(type_id)
        if kind is None:
            return False
        subs = {
            types[t].acled_sub_event_type
            for t in kind.yields_to
            if t in types and types[t].acled_event_type == kind.acled_event_type
        }
        return len(subs) >= _GENERIC_SUB_EVENTS

    def _retells(self, told: _Told, incident: Incident, own_place: str | None) -> bool:
        """True when a source's new referent ("said a homemade bomb attack had taken
        place") can be ``told`` again: not a sum of several, not a telling of its own
        sentence ("two car bombs in Karrada, then two more cars in Mowasalat"), not at
        a place of its own that is neither the told one's nor within it or around it
        ("Police said a roadside bomb wounded three soldiers in Dora" after a car bomb in
        Karrada: wire roundups give every incident to a source), and of its sub-event
        type unless one of the two is generic (a drone strike is not the rocket attack
        told before; "an explosion" may be a drone strike)."""
        current = self.slots[told.slot]
        if told.summary or current is None or current.evidence_start == incident.evidence_start:
            return False
        if own_place is not None and not self._near(own_place, told.place):
            return False
        return (
            current.sub_event_type == incident.sub_event_type
            or self._generic(current.event_type)
            or self._generic(incident.event_type)
        )

    def _note_event(self, incident: Incident) -> None:
        """Remember the slot the incident is about to take, for footage told later."""
        if incident.status in _JOINED_STATUSES:
            self.latest_event[(incident.source, incident.event_type)] = len(self.slots)

    def _register(self, told: _Told, day: tuple[int, str | None], event_type: str) -> None:
        self.told.append(told)
        self.ordered.setdefault((*day, event_type), []).append(told)
        self.in_segment[day[0]] = told
        self.of_type[(day[0], event_type)] = told
        self.by_type[(*day, event_type)] = told
        self.by_day[day] = told
        if told.place is not None:
            self.at_place[(*day, event_type, told.place)] = told


_DEFINITE = 2
_WEAK = 3
_NAMED = 4
"""Named only, by a superlative: any telling takes its place."""
_TYPE_FIELDS = (
    "event_type",
    "sub_event_type",
    "acled_event_type",
    "weapon",
    "target",
)


def _quality(trigger: Trigger) -> int:
    """How well a mention tells its incident: 0 indefinite ("a car bomb ripped through"),
    1 neither ("exploded"), 2 definite ("the bombing"), 3 weak ("the attack")."""
    if trigger.weak:
        return 3
    if trigger.indefinite:
        return 0
    return _DEFINITE if trigger.definite else 1


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_M * math.asin(min(1.0, math.sqrt(h)))


def _typed_as(incident: Incident, other: Incident) -> Incident:
    """``incident`` with ``other``'s type, weapon and target (what a later mention says)."""
    typed = {name: getattr(other, name) for name in _TYPE_FIELDS}
    typed["weapon"] = typed["weapon"] or incident.weapon
    typed["target"] = typed["target"] or incident.target
    return replace(incident, **typed)


def _placed_as(incident: Incident, other: Incident) -> Incident:
    """``incident`` at ``other``'s place."""
    return replace(incident, **{name: getattr(other, name) for name in _PLACE_FIELDS})
