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

Otherwise what is announced, threatened or denied, and casualty incidents, are never joined.
One dictionary look-up per mention: linear in the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from gazetteer.mentions import PlaceMention
from incidents.model import Incident
from incidents.triggers import Trigger
from incidents.vocabulary import Vocabulary

#: Statuses of incidents drawn as having happened: the only ones joined.
_JOINED_STATUSES = frozenset({"happened", "reported"})
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


def own_place_key(
    place: PlaceMention | None, basis: str | None, start: int, end: int
) -> str | None:
    """The place an incident's own sentence names (finer than the city), else None.

    ``start``/``end`` are the sentence's span: a place of the paragraph or of the
    report's focus is not the sentence's own.
    """
    if place is None or basis not in _OWN_BASES or place.precision in _COARSE:
        return None
    if not start <= place.start < end:
        return None
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
    ) -> None:
        """A trigger incident: a new one, or a mention of one already told.

        ``dated``: the mention's sentence states its own day. A definite mention whose
        sentence states none ("The car bombing ... may have been meant to draw attention
        away", in a later paragraph) is the latest of its type told in the segment, on
        whatever day that was.

        ``headline``: the mention is a headline or subhead ("Suicide bomber kills 17 day
        laborers"), which names an incident the text then tells: like a definite mention,
        the telling that follows takes its place."""
        event_type = incident.acled_event_type
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
            and (own_place is None or self.kinds[(*day, armed)] in (None, own_place))
        ):
            return  # "The confrontation, it said, grew out of a standoff": the armed clash
        if incident.status in _JOINED_STATUSES:
            self.kinds[(*day, incident.event_type)] = own_place
        if incident.event_type in self.vocabulary.definite_re_mention_types:
            self._tell_definite(incident, trigger, own_place=own_place, segment=segment)
            return
        if (
            event_type == protest
            and incident.status in _JOINED_STATUSES
            and trigger.definite
            and trigger.weak
            and not trigger.fresh
            and day in self.riots
            and (own_place is None or self.riots[day] in (None, own_place))
        ):
            return  # "called the protest" after the crowd stormed the embassy: that riot
        if (
            incident.status not in _JOINED_STATUSES
            or event_type not in self.vocabulary.re_mention_event_types
        ):
            if incident.status in _JOINED_STATUSES and event_type is not None:
                # never joined, but a sum of several ("a dozen or more demonstrations")
                # still gives way to the ones the report then tells one by one
                key = (*day, event_type)
                self.told.append(_Told(len(self.slots), own_place, 0, key, trigger.summary))
            self.slots.append(incident)
            return
        quality = max(_quality(trigger), _DEFINITE) if headline else _quality(trigger)
        told = None
        if not trigger.fresh:
            told = self._told(day, event_type, own_place, weak=trigger.weak)
            if told is None and not dated and quality >= _DEFINITE:
                told = self._told_in_segment(segment, event_type, own_place, weak=trigger.weak)
                if told is not None:
                    day = (segment, told.key[1])
        salvo = incident.sub_event_type in self.vocabulary.salvo_sub_event_types
        if told is not None and quality == 0 and told.quality < _DEFINITE and not salvo:
            told = None  # "a car bomb" after "a car bomb": another one
        if told is None:
            new = _Told(len(self.slots), own_place, quality, (*day, event_type), trigger.summary)
            self._register(new, day, event_type)
            self.slots.append(incident)
            return
        current = self.slots[told.slot]
        assert current is not None
        if told.quality == _WEAK and quality < _WEAK and quality > 0:
            # "the attack", then "the bombing": the incident told first was a bombing
            current = _typed_as(current, incident)
            self.slots[told.slot] = current
            told.quality = quality
            self.by_type[(*day, event_type)] = told
        elif quality < told.quality and told.quality >= _DEFINITE:
            # "the bombings" named first, then told: the telling, and what it is (a sum
            # of several, a bombing rather than "the attacks"), takes its place
            self.slots[told.slot] = None
            kept = incident if own_place is not None else _placed_as(incident, current)
            told.slot, told.quality = len(self.slots), quality
            told.summary = told.summary or trigger.summary
            if told.key != (*day, event_type):
                told.key = (*day, event_type)
                self.by_type[told.key] = told
            self.slots.append(kept)
        elif told.place is None and own_place is not None:
            self.slots[told.slot] = _placed_as(current, incident)
        if told.place is None and own_place is not None:
            told.place = own_place
            self.at_place[(*day, event_type, own_place)] = told

    def _tell_definite(
        self, incident: Incident, trigger: Trigger, *, own_place: str | None, segment: int
    ) -> None:
        """A measure, an arrest or a storming: a definite noun of a type told before in the
        segment ("the ban", "الاقتحام") is that incident again, whatever its day and the
        status told first; anything else is new."""
        key = (segment, incident.event_type)
        told = self.by_kind.get(key)
        again = (
            told is not None
            and incident.status in _JOINED_STATUSES
            and trigger.definite
            and not trigger.fresh
            and not trigger.weak
            and (own_place is None or told.place in (None, own_place))
        )
        if told is None or not again:
            self.by_kind[key] = _Told(len(self.slots), own_place, _quality(trigger))
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
        return [i for i in self.slots if i is not None]

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
        if latest is None or not (place is None or latest.place in (None, place)):
            return None
        return latest

    def _told_in_segment(
        self, segment: int, event_type: str, place: str | None, *, weak: bool
    ) -> _Told | None:
        latest = self.in_segment.get(segment) if weak else self.of_type.get((segment, event_type))
        if latest is None or not (place is None or latest.place in (None, place)):
            return None
        return latest

    def _register(self, told: _Told, day: tuple[int, str | None], event_type: str) -> None:
        self.told.append(told)
        self.in_segment[day[0]] = told
        self.of_type[(day[0], event_type)] = told
        self.by_type[(*day, event_type)] = told
        self.by_day[day] = told
        if told.place is not None:
            self.at_place[(*day, event_type, told.place)] = told


_DEFINITE = 2
_WEAK = 3
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


def _typed_as(incident: Incident, other: Incident) -> Incident:
    """``incident`` with ``other``'s type, weapon and target (what a later mention says)."""
    typed = {name: getattr(other, name) for name in _TYPE_FIELDS}
    typed["weapon"] = typed["weapon"] or incident.weapon
    typed["target"] = typed["target"] or incident.target
    return replace(incident, **typed)


def _placed_as(incident: Incident, other: Incident) -> Incident:
    """``incident`` at ``other``'s place."""
    return replace(incident, **{name: getattr(other, name) for name in _PLACE_FIELDS})
