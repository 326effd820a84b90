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
- a summary with no place of its own ("a string of car bombs in central Baghdad",
  "ten car bombs", "3 انفجارات") gives way to the incidents it sums up when two or
  more of its type and day are then told one by one;
- the single rounds of a salvo (rockets, mortars: ``salvo_sub_event_types``) are
  parts of one attack: "one rocket came down on the runway" joins it.

What is announced, threatened or denied, and casualty incidents, are never joined.
One dictionary look-up per mention: linear in the report.
"""

from __future__ import annotations

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
    """Told first as a sum of several, with no place of its own ("a string of car bombs
    in central Baghdad")."""


class Coreference:
    """A report's incidents in text order, later mentions of one incident joined."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.slots: list[Incident | None] = []
        self.by_type: dict[tuple[int, str | None, str], _Told] = {}
        self.by_day: dict[tuple[int, str | None], _Told] = {}
        self.at_place: dict[tuple[int, str | None, str, str], _Told] = {}
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
    ) -> None:
        """A trigger incident: a new one, or a mention of one already told.

        ``headline``: the mention is a headline or subhead ("Suicide bomber kills 17 day
        laborers"), which names an incident the text then tells: like a definite mention,
        the telling that follows takes its place."""
        event_type = incident.acled_event_type
        if (
            incident.status not in _JOINED_STATUSES
            or event_type not in self.vocabulary.re_mention_event_types
        ):
            self.slots.append(incident)
            return
        quality = max(_quality(trigger), _DEFINITE) if headline else _quality(trigger)
        day = (segment, incident.date)
        told = None
        if not trigger.fresh:
            told = self._told(day, event_type, own_place, weak=trigger.weak)
        salvo = incident.sub_event_type in self.vocabulary.salvo_sub_event_types
        if told is not None and quality == 0 and told.quality < _DEFINITE and not salvo:
            told = None  # "a car bomb" after "a car bomb": another one
        if told is None:
            summary = trigger.summary and own_place is None
            new = _Told(len(self.slots), own_place, quality, (*day, event_type), summary)
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
            self.slots[told.slot] = None
            kept = incident if own_place is not None else _placed_as(incident, current)
            told.slot, told.quality = len(self.slots), quality
            self.slots.append(kept)
        elif told.place is None and own_place is not None:
            self.slots[told.slot] = _placed_as(current, incident)
        if told.place is None and own_place is not None:
            told.place = own_place
            self.at_place[(*day, event_type, own_place)] = told

    def incidents(self) -> list[Incident]:
        """The incidents kept, in text order; a summary followed by two or more incidents
        of its type and day told one by one gives way to them."""
        after: dict[tuple[int, str | None, str], int] = {}
        for told in reversed(self.told):
            if told.summary and after.get(told.key, 0) >= 2:
                self.slots[told.slot] = None
            elif not told.summary:
                after[told.key] = after.get(told.key, 0) + 1
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

    def _register(self, told: _Told, day: tuple[int, str | None], event_type: str) -> None:
        self.told.append(told)
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
