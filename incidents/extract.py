"""Incidents from one parsed report: what happened, where, when, according to whom.

Pure functions over a :class:`~incidents.model.Report` and its place mentions:
no I/O, deterministic, so the same report always gives the same incidents with
the same ids. The rules, in order of the fields they fill:

- **type**: trigger phrases of ``data/incident_types.json`` in the sentence
  (negated triggers do not count), read with their status, weapon and target by
  :mod:`incidents.triggers` (one pass per paragraph); one incident per type per
  sentence, and one ``casualties`` incident per casualty claim, which takes the
  weapon and target of the incident its sentence (else its paragraph) tells (no
  ACLED mapping: its figures belong to that incident, which has one);
- **status**: ``happened`` unless a modality cue says ``announced``,
  ``threatened``, ``denied`` or ``reported``; what is announced or threatened is
  dated forward (a weekday is the next one) and a day after the report's is
  never ``happened``;
- **place**: the place of the incident's own clause, else of its sentence, else the
  paragraph's or the report's focus (``incidents/placing.py``; ``place_basis`` says which);
- **time**: what the sentence says, else what its paragraph said last, else the
  day of the report (or of the post); sentences about another day (background,
  such as last month's election) give no incidents;
- **source**: the outlet, or for an embedded post its account, with the outlet
  as ``via``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from gazetteer.mentions import PlaceMention
from gazetteer.normalize import normalize_with_offsets
from gazetteer.pack import Pack, bundled_pack
from incidents.casualties import find_casualty_claims
from incidents.claimants import ClaimantMemory, find_claimants
from incidents.coreference import Coreference, own_place_key
from incidents.discourse import read_telling
from incidents.model import CasualtyClaim, Incident, Report, Segment, TimeRef
from incidents.placing import MentionIndex, SentencePlacer, focus_place
from incidents.sentences import (
    caption_lines,
    may_hold_captions,
    paragraph_spans,
    split_sentences,
)
from incidents.tellings import sentence_tellings
from incidents.time_phrases import forget_scans
from incidents.timeref import day_window, days_named, local_zone, resolve_time, tells_a_sequel
from incidents.triggers import (
    SentenceReading,
    TextReader,
    Trigger,
    read_sentence,
    stretch_normalized,
)
from incidents.vocabulary import Vocabulary, incident_vocabulary

_UNKNOWN_TIME = TimeRef(date=None, start=None, end=None, precision="unknown")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a report with the segment and paragraph it belongs to."""

    start: int
    end: int
    segment: Segment
    paragraph: tuple[int, int]


def iter_sentences(report: Report) -> Iterator[Sentence]:
    """Every sentence of the report's readable text, post author lines and photo
    captions left out."""
    for segment in report.segments:
        # one search for a caption marker per segment: most hold none
        marked = may_hold_captions(report.text, segment.start, segment.text_end)
        for paragraph in paragraph_spans(report.text, segment.start, segment.text_end):
            captions = caption_lines(report.text, *paragraph) if marked else []
            for start, end in split_sentences(report.text, *paragraph):
                if not any(a <= start < b for a, b in captions):
                    yield Sentence(start, end, segment, paragraph)


def structural_spans(report: Report) -> list[tuple[int, int, str]]:
    """Spans whose place names are not incident locations, with the role they give."""
    spans: list[tuple[int, int, str]] = []
    if report.body_start > 0:
        spans.append((0, report.body_start, "header"))
    dateline = report.dateline
    if dateline is not None:
        if dateline.city_start is not None and dateline.city_end is not None:
            spans.append((dateline.city_start, dateline.city_end, "dateline"))
        if dateline.outlet_start is not None and dateline.outlet_end is not None:
            spans.append((dateline.outlet_start, dateline.outlet_end, "organisation"))
    spans.extend(
        (segment.author_start, segment.end, "author")
        for segment in report.segments
        if segment.author_start is not None
    )
    return spans


def _stated_time(
    text: str, segment: Segment, context: TimeRef | None, zone: ZoneInfo, *, forward: bool = False
) -> TimeRef | None:
    """The time a sentence states, or None when it states nothing usable.

    A day the sentence names but nothing dates ("on Friday" in a report with no date) is
    an unknown time, never the context's day, which is another one.
    """
    stated = resolve_time(
        text, report_date=segment.date, zone=zone, context=context, forward=forward
    )
    if stated is None or (
        stated.date is None and stated.precision == "unknown" and not stated.background
    ):
        if stated is not None and context is not None and context.date is not None:
            # With a dated context, only a day that cannot be dated leaves the time unknown.
            return _UNKNOWN_TIME
        return None
    return stated


def time_text(text: str, place_spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with its place names blanked out, for reading times: a date inside a name
    ("the 14 July Bridge", "شارع 14 رمضان") is no time. Offsets are kept."""
    if not place_spans:
        return text
    parts, position = [], 0
    for start, end in sorted(place_spans):
        if end <= position:
            continue
        start = max(start, position)
        parts.extend((text[position:start], " " * (end - start)))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def report_event_day(
    report: Report, sentences: Sequence[Sentence], zone: ZoneInfo, text: str | None = None
) -> dt.date | None:
    """The day a report's own prose is about, for sentences that name none.

    A report published the morning after ("on Friday", posts dated Friday) is
    about Friday: the most frequent day the report states or its posts carry.
    Ties go to the publication date, then to the latest day; with no day stated,
    the publication date. ``text`` is the report's text to read times in (see
    :func:`time_text`), its own by default.
    """
    text = report.text if text is None else text
    days: Counter[dt.date] = Counter()
    for sentence in sentences:
        if sentence.segment.is_post:
            if sentence.segment.date is not None:
                days[sentence.segment.date] += 1
            continue
        stated = resolve_time(
            text[sentence.start : sentence.end], report_date=report.date, zone=zone, context=None
        )
        if stated is not None and stated.date is not None and not stated.background:
            days[stated.date] += 1
    if not days:
        return report.date
    return min(days, key=lambda day: (-days[day], day != report.date, -day.toordinal()))


def sentence_triggers(sentence: str, vocabulary: Vocabulary | None = None) -> dict[str, int]:
    """Incident types the sentence's own words trigger, each with where its first
    trigger starts in the sentence, in order of first trigger."""
    return {t.type_id: t.start for t in read_sentence(sentence, vocabulary).triggers}


def sentence_types(sentence: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """Incident types the sentence's own words trigger, in order of first trigger."""
    return list(sentence_triggers(sentence, vocabulary))


def sentence_actors(sentence: str, vocabulary: Vocabulary | None = None) -> tuple[str, ...]:
    """Actors the sentence names, in order, the generic 'Protesters' dropped when a
    more specific protester actor is named."""
    return read_sentence(sentence, vocabulary).actors


def report_digest(report: Report) -> str:
    """A short fingerprint of the report's name and text, computed once per report."""
    text_digest = hashlib.sha256(report.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{report.name}\x00{text_digest}"


def incident_id(digest: str, start: int, event_type: str, index: int) -> str:
    """A stable id from :func:`report_digest`: the same report text and file name
    always give the same ids."""
    key = f"{digest}\x00{start}\x00{event_type}\x00{index}"
    return "inc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _claim_text(claim: CasualtyClaim) -> str | None:
    parts = [p for p in (claim.killed_text, claim.injured_text) if p]
    return "; ".join(dict.fromkeys(parts)) or None


def extract_incidents(
    report: Report,
    mentions: Sequence[PlaceMention],
    *,
    vocabulary: Vocabulary | None = None,
    pack: Pack | None = None,
    normalized: tuple[str, list[int]] | None = None,
) -> list[Incident]:
    """Every incident the report describes, in text order.

    Parameters
    ----------
    report
        The parsed report.
    mentions
        Its place mentions, from :meth:`gazetteer.geoparse.Geoparser.parse` run on
        ``report.text`` with :func:`structural_spans`.
    pack
        The gazetteer pack (the geoparser's ``gazetteer.pack``): its time zone
        places local times, its country names the actors. The bundled pack when None.
    normalized
        ``normalize_with_offsets(report.text)``, when the caller has it (the geoparser's).
    """
    pack = pack or bundled_pack()
    zone = local_zone(pack.timezone)
    try:
        vocabulary = vocabulary or incident_vocabulary(pack)
        return _extract(report, mentions, vocabulary, zone, normalized)
    finally:
        forget_scans()


def _extract(
    report: Report,
    mentions: Sequence[PlaceMention],
    vocabulary: Vocabulary,
    zone: ZoneInfo,
    normalized: tuple[str, list[int]] | None = None,
) -> list[Incident]:
    focus = focus_place(mentions)
    sentences = list(iter_sentences(report))
    place_spans = _PlaceSpans(mentions)
    timed_text = time_text(report.text, place_spans.spans)
    event_day = report_event_day(report, sentences, zone, timed_text)
    told_incidents = Coreference(vocabulary)
    claimants = ClaimantMemory()
    paragraph_time: dict[tuple[int, int], TimeRef] = {}
    # The time of the last incident each segment told, for a sequel opening a paragraph.
    last_told_time: dict[int, TimeRef] = {}
    reader: TextReader | None = None
    reader_span: tuple[int, int] | None = None
    # The paragraph before the sentence's, in its segment: where a paragraph that names no
    # place may have left the story (outside the pack's area).
    previous_paragraph: tuple[int, int] | None = None
    last_told: Trigger | None = None
    # The trigger of the last incident the report told, and whether a toll told one: what
    # a later "nobody was hurt" in a paragraph that tells none speaks of.
    report_told: Trigger | None = None
    tolls_told = False
    last_scene: PlaceMention | None = None
    digest = report_digest(report)
    told_so_far = _Told(vocabulary)
    protests_told = False
    index = MentionIndex(mentions)
    # once (the geoparser's); each paragraph reads its part
    normalized = normalized or normalize_with_offsets(report.text)
    day_windows: dict[dt.date, TimeRef] = {}  # the few days a report's sentences default to
    stories = _Stories()
    for sentence in sentences:
        text = report.text[sentence.start : sentence.end]
        segment = sentence.segment
        story = stories.of(segment.start, sentence.start, _is_item_heading(text))
        default_day = segment.date if segment.is_post else event_day
        context = paragraph_time.get(sentence.paragraph) or (
            _post_time(segment, zone)
            or (_day_window(default_day, zone, day_windows) if default_day else None)
        )
        times = timed_text[sentence.start : sentence.end]
        if (
            sentence.paragraph not in paragraph_time
            and segment.start in last_told_time
            and tells_a_sequel(times)
        ):
            # News paragraphs are a sentence or two: what came "hours later" follows the
            # time told last, in whichever paragraph it was.
            context = last_told_time[segment.start]
        stated = _stated_time(times, segment, context, zone)
        if reader_span != sentence.paragraph:
            previous_paragraph = (
                reader_span if reader_span is not None and reader_span[0] >= segment.start else None
            )
            reader_span = sentence.paragraph
            reader = TextReader(report.text, *sentence.paragraph, vocabulary, normalized=normalized)
            last_told = None
        assert reader is not None
        reading = reader.sentence(
            sentence.start, sentence.end, place_spans.absolute(sentence.start, sentence.end)
        )
        # The sentence's own normalisation, cut from the report's.
        own_norm = stretch_normalized(report.text, sentence.start, sentence.end, normalized)
        # What is told again, points back, or is no incident at all (incidents/discourse.py).
        telling = read_telling(text, sentence.start, reading, vocabulary, normalized=own_norm[0])
        reading = telling.reading
        ahead = any(t.status in _FORWARD_STATUSES for t in reading.triggers)
        if ahead and stated is not None:
            # What is announced or threatened lies ahead: "on Monday" is the coming Monday.
            stated = _stated_time(times, segment, context, zone, forward=True)
        background = stated is not None and stated.background
        past = stated
        if background:
            # Another day's facts are context, not incidents; their tolls are kept apart.
            reading = _NOTHING_TOLD
            stated = None
        types = [t.type_id for t in reading.triggers]
        narrated = (
            stated is not None
            and not ahead
            and not any(vocabulary.types[t].family == "response" for t in types)
        )
        if narrated:
            # Calls and decisions narrate the lead-up; their day does not carry over.
            paragraph_time[sentence.paragraph] = stated
        time = stated or context or _UNKNOWN_TIME
        claims = find_casualty_claims(
            text,
            offset=sentence.start,
            previous_claimants=claimants,
            place_spans=place_spans.within(sentence.start, sentence.end),
        )
        # Bodies named as sources, even without a figure, so a later "the ministry" finds them.
        claimants.extend(find_claimants(text))
        claimants.extend(c.claimed_by for c in claims if c.claimed_by)
        if telling.background and not background:
            claims = [_background_claim(c, None) for c in claims]  # a trend's toll
        if background:
            # A toll over a period ("died in Iraq last month") is a running toll; one of
            # another day's incident ("a Jan. 28 strike that killed three") keeps that day.
            claims = [_background_claim(c, past) for c in claims]
            time = past or time
        if not types and not claims:
            continue
        placer = SentencePlacer(
            sentence.start, sentence.end, text, sentence.paragraph, index, focus, last_scene,
            normalized=own_norm[0], previous_paragraph=previous_paragraph,
        )  # fmt: skip
        place, basis = placer.at()
        if place is not None and place.is_location:
            last_scene = place
        actors = reading.actors
        days = _day_expressions(times, segment, context, zone)
        common = {
            "actors": actors,
            "place": place,
            "basis": basis,
            "segment": segment,
            "digest": digest,
        }
        new = told_so_far.new_incidents(
            reading, own_place=place_spans.names_a_place(sentence.start, sentence.end)
        )
        protests_told = protests_told or _tells_protest(new, reading.actors, vocabulary)
        if not protests_told:
            # Gunfire in a report of no protest is part of the attack or clash it tells,
            # never "excessive force against protesters"; a bare "fire" or "flames" there
            # ("was met with random fire") is no riot's arson.
            new = _without_protest_only(new, claims, vocabulary)
        if new and not claims and not _corroborated(reading, placer):
            new = []  # "raids", "attacks", "tents" and nothing else: not enough to code
        headline = _is_headline(text)
        if headline and new and not claims and not actors and all(t.weak for t in new):
            # "Baquba raids": a subhead of a weak word and a place names a topic the text
            # then tells; with its actors ("تجمع المتظاهرون في ساحة التحرير") it tells one
            new = []
        if narrated and (new or claims):
            # A later paragraph's "hours later" follows an incident told, not a day named.
            last_told_time[segment.start] = stated
        acled_events: dict[tuple[str | None, str | None], list[tuple[str, str | None]]] = {}
        for n, (t, fields, unlisted_key) in enumerate(
            sentence_tellings(
                new, reading, text, sentence.start, placer, index, vocabulary, own_norm
            )
        ):
            told_incident = _incident(
                report, vocabulary, event_type=t.type_id, index=n, claim=None, sentence=sentence,
                time=_nearest_day(days, t.start - sentence.start) or time, told=t,
                **common | fields,
            )  # fmt: skip
            told_incident = _one_acled_event(told_incident, acled_events, vocabulary)
            report_told = t
            own = unlisted_key or own_place_key(
                fields["place"], fields["basis"], sentence.start, sentence.end,
                definite=t.definite,
            )  # fmt: skip
            if t.start in telling.scenes:
                own = None  # "near the site of the blast": the sentence's place is not its own
            told_incidents.tell(
                told_incident, t, own_place=own, segment=story, headline=headline,
                dated=stated is not None or bool(days), retold=telling.retold,
                footage=telling.footage, trend=telling.background,
                at=None if unlisted_key else fields["place"],  # no point for a place it lacks
                named=t.start in telling.named, ordinal=dict(telling.ordinals).get(t.start),
            )  # fmt: skip
        main = _main_trigger(reading, vocabulary)
        told = main or last_told
        if reading.triggers:
            last_told = main or last_told
        toll_here = not all(_states_no_casualties(c) for c in claims)
        for i, c in enumerate(claims):
            speaks_of = told
            if told is None and not toll_here and _states_no_casualties(c):
                # "Nobody was hurt" tells no incident of its own: it is a claim about the
                # last one the report told (by a trigger or a toll); with none, it is dropped.
                if not tolls_told and report_told is None:
                    continue
                speaks_of = report_told
            told_incidents.keep(
                _incident(
                    report, vocabulary, event_type="casualties", index=i, claim=c,
                    sentence=sentence, time=_nearest_day(days, c.end - sentence.start) or time,
                    told=speaks_of, **common | placer.fields(c.start - sentence.start),
                )
            )  # fmt: skip
        tolls_told = tolls_told or toll_here
    return told_incidents.incidents()


_COARSE_PRECISIONS = frozenset({"city", "country"})


def _states_no_casualties(claim: CasualtyClaim) -> bool:
    """True for a claim of no casualties: every figure it gives is 0 ("nobody was hurt")."""
    figures = [f for f in (claim.killed, claim.injured) if f is not None]
    return bool(figures) and not any(figures)


def _one_acled_event(
    incident: Incident,
    acled_events: dict[tuple[str | None, str | None], list[tuple[str, str | None]]],
    vocabulary: Vocabulary,
) -> Incident:
    """``incident``, without an ACLED type of its own when its sentence already told one
    of the same ACLED sub-event type at the same place (or one of the two placed no finer
    than the city) as another of our types.

    ACLED codes one event per actors, place, day and sub-event type: a crowd that
    "stormed the embassy and set it on fire", police that "turned water cannons and tear
    gas on protesters", "a ban on pedestrians and the closure of two bridges" are one
    event each, though we keep each act as an incident of its finer type. Point-like
    events (``re_mention.event_types``: "a car bomb and a roadside bomb") stay two."""
    if incident.acled_event_type in vocabulary.re_mention_event_types or incident.status not in (
        "happened",
        "reported",
    ):
        return incident
    key = (incident.acled_event_type, incident.sub_event_type)
    place = None if incident.geo_precision in _COARSE_PRECISIONS else incident.place_id
    told = acled_events.setdefault(key, [])
    first = next(
        (t for t, p in told if t != incident.event_type and (p == place or None in (p, place))),
        None,
    )
    if first is None:
        told.append((incident.event_type, place))
        return incident
    return replace(
        incident,
        acled_event_type=None,
        sub_event_type=None,
        extra={**incident.extra, "acled_event_with": first},
    )


def _background_claim(claim: CasualtyClaim, past: TimeRef | None) -> CasualtyClaim:
    """A claim of a sentence about another day: cumulative unless that day is one day."""
    if claim.scope == "cumulative" or (past is not None and past.precision in _ONE_DAY):
        return claim
    return replace(claim, scope="cumulative")


_ONE_DAY = frozenset({"hour", "part_of_day", "day"})


def _day_window(day: dt.date, zone: ZoneInfo, known: dict[dt.date, TimeRef]) -> TimeRef:
    """:func:`~incidents.timeref.day_window` of ``day``, made once per report."""
    window = known.get(day)
    if window is None:
        window = known[day] = day_window(day, zone=zone)
    return window


def _post_time(segment: Segment, zone: ZoneInfo) -> TimeRef | None:
    """The hour around a thread post's time (local, in ``zone``): what it tells
    happened about then."""
    if segment.time is None:
        return None
    when = segment.time if segment.time.tzinfo is not None else segment.time.replace(tzinfo=zone)
    start = when - dt.timedelta(minutes=30)
    return TimeRef(
        date=segment.time.date(),
        start=start,
        end=start + dt.timedelta(hours=1),
        precision="hour",
        text=segment.time.strftime("%H:%M"),
    )


#: Statuses of what has not happened yet: dated forward.
_FORWARD_STATUSES = frozenset({"announced", "threatened"})
_NOTHING_TOLD = SentenceReading(triggers=(), actors=(), weapons=())


class _Told:
    """What a report has told so far, to tell a new incident from one told again.

    "The blast" with no place of its own, after a car bomb, is that car bomb again;
    a fire that "broke out" after an explosion is its consequence (data:
    ``re_mention`` and ``absorbed_by`` in incident_types.json).
    """

    _VIOLENT = frozenset(
        {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
    )

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.types: set[str] = set()
        self.sub_events: set[str] = set()
        self.violent = False

    def new_incidents(self, reading: SentenceReading, *, own_place: bool) -> list[Trigger]:
        kept = []
        for trigger in reading.triggers:
            kind = self.vocabulary.types[trigger.type_id]
            again = (
                trigger.definite
                and not own_place
                and kind.acled_event_type in self.vocabulary.re_mention_event_types
                and (
                    kind.acled_sub_event_type in self.sub_events or (trigger.weak and self.violent)
                )
            )
            consequence = trigger.key in kind.absorbed_triggers and bool(
                kind.absorbed_by & self.types
            )
            if not (again or consequence):
                kept.append(trigger)
        for trigger in reading.triggers:
            kind = self.vocabulary.types[trigger.type_id]
            self.types.add(kind.id)
            if kind.acled_sub_event_type:
                self.sub_events.add(kind.acled_sub_event_type)
            self.violent = self.violent or kind.acled_event_type in self._VIOLENT
        return kept


class _PlaceSpans:
    """Spans of the place names in a report, so casualty words inside them are not read."""

    def __init__(self, mentions: Sequence[PlaceMention]) -> None:
        places = sorted(
            (m for m in mentions if m.is_location or m.role == "outside"), key=lambda m: m.start
        )
        self.spans = [(m.start, m.end) for m in places]
        self.starts = [m.start for m in places]
        # Places that tell where a thing happened: finer than the city, or another city.
        self.specific = [
            m.start
            for m in places
            if m.precision != "country" and (m.role == "outside" or m.precision != "city")
        ]

    def absolute(self, start: int, end: int) -> list[tuple[int, int]]:
        """Spans starting inside ``[start, end)``, as report offsets."""
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return self.spans[lo:hi]

    def names_a_place(self, start: int, end: int) -> bool:
        """True when a place finer than the city, or another city, starts in ``[start, end)``."""
        i = bisect_left(self.specific, start)
        return i < len(self.specific) and self.specific[i] < end

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """Spans inside ``[start, end)``, as offsets from ``start``."""
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [(a - start, min(b, end) - start) for a, b in self.spans[lo:hi]]


class _Stories:
    """Where each story of a segment starts, for coreference.

    A roundup tells one story per item, each under a bulleted subhead ("- Drone
    Intercepted Near Green Zone (Baghdad)"): "the drone" of one item is never the
    explosion of the item before. Only a list item's heading starts a story: the
    subheads of an article ("Violence on the streets") go on with its story, and its
    definite mentions ("the crackdown") still point back across them. A heading starts
    one once the story before it has told some prose, so that a first item's heading
    stays in the story the report opened."""

    def __init__(self) -> None:
        self.segment: int | None = None
        self.start = 0
        self.prose = False

    def of(self, segment: int, sentence: int, headline: bool) -> int:
        """The start of the story the sentence at ``sentence`` belongs to."""
        if segment != self.segment:
            self.segment, self.start, self.prose = segment, segment, False
        if headline and self.prose:
            self.start, self.prose = sentence, False
        elif not headline:
            self.prose = True
        return self.start


#: The marker of a list item: a bullet or dash, or a number with a full stop or bracket.
_ITEM_MARKER = re.compile(r"\s*(?:[-–—•▪◦*·]|\d{1,2}[.)])\s+\S")


def _is_item_heading(text: str) -> bool:
    """True for a headline written as a list item ("- Tribal Clash (Dhi Qar)")."""
    return bool(_ITEM_MARKER.match(text)) and _is_headline(text)


#: How a sentence of prose ends; a line ending otherwise is a headline or subhead.
_SENTENCE_ENDS = frozenset(".!?:;\"'”’»…)")
_HEADLINE_WORDS = 14
#: A bracketed tag that ends a line: a place, an outlet, "update".
_TRAILING_TAG = re.compile(r"\s*\([^()\n]{1,40}\)$")


def _is_headline(text: str) -> bool:
    """True for a short line with no closing punctuation ("Suicide bomber posing as
    employer kills 17 day laborers"): a headline names an incident the text tells. A tag
    in brackets at its end ("Soldiers Injured in Explosion (Diyala)", a roundup's
    subhead) is no closing punctuation."""
    stripped = _TRAILING_TAG.sub("", text.rstrip())
    return (
        bool(stripped)
        and stripped[-1] not in _SENTENCE_ENDS
        and len(stripped.split()) <= _HEADLINE_WORDS
    )


def _tells_protest(
    triggers: Sequence[Trigger], actors: Sequence[str], vocabulary: Vocabulary
) -> bool:
    """True when the sentence names protesters or tells a new protest or riot.

    ``triggers`` are the ones that tell new incidents: a fire that is a blast's doing
    ("the vehicle was left a burnt-out shell") tells no riot. A type with an armed
    variant ("the confrontation", "stormed") tells a protest only beside protesters:
    said of armed men it is their fight."""
    protesters = any(a.startswith("Protesters") for a in actors)
    return protesters or any(
        vocabulary.types[t.type_id].acled_event_type in ("Protests", "Riots")
        and not _protest_only(t, vocabulary)
        and vocabulary.types[t.type_id].armed_variant is None
        for t in triggers
    )


def _without_protest_only(
    triggers: list[Trigger], claims: Sequence[CasualtyClaim], vocabulary: Vocabulary
) -> list[Trigger]:
    """``triggers`` of a sentence in a report of no protest, without the protest-only
    ones; gunfire told with a toll and no other violent incident is an attack
    (``protest_only_otherwise``): "a quarrel turned into gunfire that killed one person"."""
    kept = [t for t in triggers if not _protest_only(t, vocabulary)]
    violent = any(vocabulary.types[t.type_id].acled_event_type in _Told._VIOLENT for t in kept)
    if violent or not any(c.killed or c.injured for c in claims):
        return kept
    for trigger in triggers:
        other = vocabulary.protest_only_otherwise.get(trigger.type_id)
        if other is not None and other in vocabulary.types:
            # a weapon word ("الرصاص", "gunfire"), not a definite mention of an incident
            return [*kept, replace(trigger, type_id=other, definite=False)]
    return kept


def _protest_only(trigger: Trigger, vocabulary: Vocabulary) -> bool:
    """True for what tells an incident only where the report has told protesters: a
    protest-only type (live fire), or a riot type's bare consequence word ("fire",
    "flames": ``absorbed_triggers``), which without a crowd is gunfire or a blast's fire."""
    kind = vocabulary.types[trigger.type_id]
    riot = vocabulary.turned_violent[1] if vocabulary.turned_violent else None
    return trigger.type_id in vocabulary.protest_only_types or (
        kind.acled_event_type == riot and trigger.key in kind.absorbed_triggers
    )


def _corroborated(reading: SentenceReading, placer: SentencePlacer) -> bool:
    """True unless the sentence's only triggers are weak ones ("the attack", "raids",
    "tents") with no place, weapon or actor of its own: a weak word alone does not tell
    an incident (a casualty figure in the sentence also tells one; callers check it)."""
    if not all(t.weak for t in reading.triggers):
        return True
    return bool(placer.own or placer.outside or reading.weapons or reading.actors)


def _main_trigger(reading: SentenceReading, vocabulary: Vocabulary) -> Trigger | None:
    """The incident a sentence's casualty figures belong to: its first violent one."""
    for trigger in reading.triggers:
        kind = vocabulary.types[trigger.type_id]
        if kind.family != "response" and kind.acled_event_type not in (None, "Protests"):
            return trigger
    return None


def _day_expressions(
    text: str, segment: Segment, context: TimeRef | None, zone: ZoneInfo
) -> list[tuple[int, int, TimeRef]]:
    """The dated time expressions of a sentence that names more than one day, with spans
    (:func:`~incidents.timeref.days_named`)."""
    return days_named(text, report_date=segment.date, zone=zone, context=context)


def _nearest_day(days: list[tuple[int, int, TimeRef]], position: int) -> TimeRef | None:
    """Of several days a sentence names, the one written nearest to ``position``."""
    if not days:
        return None
    return min(days, key=lambda d: min(abs(d[0] - position), abs(d[1] - position)))[2]


def _incident(
    report: Report,
    vocabulary: Vocabulary,
    *,
    digest: str,
    event_type: str,
    index: int,
    claim: CasualtyClaim | None,
    actors: tuple[str, ...],
    time: TimeRef,
    place: PlaceMention | None,
    basis: str | None,
    segment: Segment,
    sentence: Sentence,
    told: Trigger | None,
) -> Incident:
    kind = vocabulary.types[event_type]
    status = told.status if told is not None else "happened"
    if claim is not None and claim.claim_status == "unconfirmed" and status == "happened":
        status = "reported"
    report_day = segment.date or report.date
    if status in ("happened", "reported") and time.date and report_day and time.date > report_day:
        status = "announced"  # a day after the report's is not something that happened
    return Incident(
        incident_id=incident_id(digest, sentence.start, event_type, index),
        event_type=event_type,
        sub_event_type=kind.acled_sub_event_type,
        acled_event_type=kind.acled_event_type,
        actors=actors,
        date=time.date.isoformat() if time.date else None,
        time_start=time.start.isoformat() if time.start else None,
        time_end=time.end.isoformat() if time.end else None,
        time_precision=time.precision,
        place_id=place.place_id if place else None,
        place_name=place.place_name if place else None,
        geo_precision=place.precision if place else None,
        uncertainty_m=place.uncertainty_m if place else None,
        resolved_by=place.resolved_by if place else None,
        place_basis=basis,
        source=segment.source,
        source_type=segment.source_type,
        via=segment.via,
        report=report.path,
        url=report.url,
        evidence=report.text[sentence.start : sentence.end],
        evidence_start=sentence.start,
        evidence_end=sentence.end,
        killed=claim.killed if claim else None,
        injured=claim.injured if claim else None,
        casualty_text=_claim_text(claim) if claim else None,
        claimed_by=claim.claimed_by if claim else None,
        claim_status=claim.claim_status if claim else None,
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        weapon=told.weapon if told is not None else None,
        target=told.target if told is not None else None,
        status=status,
        scope=claim.scope if claim is not None else None,
        title=report.title,
        extra={"time_text": time.text, "place_text": place.text if place else None},
    )
