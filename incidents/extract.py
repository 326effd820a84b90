"""Incidents from one parsed report: what happened, where, when, according to whom.

Pure functions over a :class:`~incidents.model.Report` and its place mentions:
no I/O, deterministic, so the same report always gives the same incidents with
the same ids. The rules, in order of the fields they fill:

- **type**: trigger phrases of ``data/incident_types.json`` in the sentence
  (negated triggers do not count); one incident per type per sentence, and one
  ``casualties`` incident per casualty claim;
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
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gazetteer.geoparse import PlaceMention
from gazetteer.normalize import normalize_with_offsets
from gazetteer.phrases import longest_matches
from incidents.casualties import find_casualty_claims, find_claimants
from incidents.model import CasualtyClaim, Incident, Report, Segment, TimeRef
from incidents.placing import MentionIndex, SentencePlacer, focus_place
from incidents.sentences import paragraph_spans, split_sentences
from incidents.timeref import day_window, resolve_time, time_expression_spans
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
    """Every sentence of the report's readable text, post author lines left out."""
    for segment in report.segments:
        for paragraph in paragraph_spans(report.text, segment.start, segment.text_end):
            for start, end in split_sentences(report.text, *paragraph):
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


def _stated_time(text: str, segment: Segment, context: TimeRef | None) -> TimeRef | None:
    """The time a sentence states, or None when it states nothing usable."""
    stated = resolve_time(text, report_date=segment.date, context=context)
    if stated is None or (
        stated.date is None and stated.precision == "unknown" and not stated.background
    ):
        return None
    return stated


def report_event_day(report: Report, sentences: Sequence[Sentence]) -> dt.date | None:
    """The day a report's own prose is about, for sentences that name none.

    A report published the morning after ("on Friday", posts dated Friday) is
    about Friday: the most frequent day the report states or its posts carry.
    Ties go to the publication date, then to the latest day; with no day stated,
    the publication date.
    """
    days: Counter[dt.date] = Counter()
    for sentence in sentences:
        if sentence.segment.is_post:
            if sentence.segment.date is not None:
                days[sentence.segment.date] += 1
            continue
        text = report.text[sentence.start : sentence.end]
        stated = resolve_time(text, report_date=report.date, context=None)
        if stated is not None and stated.date is not None and not stated.background:
            days[stated.date] += 1
    if not days:
        return report.date
    return min(days, key=lambda day: (-days[day], day != report.date, -day.toordinal()))


def _discounted(norm: str, nstart: int, vocabulary: Vocabulary, *, calls: bool = False) -> bool:
    """True when a trigger is negated ("no deaths"), only called for ("urging them to
    storm"), or names an actor ("organisers of the sit-in")."""
    before = norm[:nstart]
    words = before.split()[-vocabulary.negation_window :]
    if any(w in vocabulary.negations for w in words):
        return True
    lead = " " + " ".join(before.split()[-vocabulary.hypothetical_window :]) + " "
    if not calls and any(f" {phrase} " in lead for phrase in vocabulary.hypothetical_before):
        return True
    return before.rstrip().endswith(vocabulary.not_event_after)


def sentence_triggers(sentence: str, vocabulary: Vocabulary | None = None) -> dict[str, int]:
    """Incident types the sentence's own words trigger, each with where its first
    trigger starts in the sentence, in order of first trigger."""
    vocabulary = vocabulary or incident_vocabulary()
    norm, offsets = normalize_with_offsets(sentence)
    found = [
        m
        for m in longest_matches(vocabulary.triggers.candidates(norm, offsets))
        if not _discounted(
            norm, m.nstart, vocabulary, calls=vocabulary.types[m.value].family == "response"
        )
    ]
    strong: dict[str, int] = {}
    weak: dict[str, int] = {}
    fallback: dict[str, int] = {}
    for match in found:
        kind = vocabulary.types[match.value]
        if kind.fallback:
            bucket = fallback
        elif match.key in kind.weak_triggers:
            bucket = weak
        else:
            bucket = strong
        bucket.setdefault(kind.id, match.start)
    return strong or weak or fallback


def sentence_types(sentence: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """Incident types the sentence's own words trigger, in order of first trigger."""
    return list(sentence_triggers(sentence, vocabulary))


def sentence_actors(sentence: str, vocabulary: Vocabulary | None = None) -> tuple[str, ...]:
    """Actors the sentence names, in order, the generic 'Protesters' dropped when a
    more specific protester actor is named."""
    vocabulary = vocabulary or incident_vocabulary()
    names = list(dict.fromkeys(m.value for m in vocabulary.actors.find(sentence)))
    if "Protesters" in names and any(n.startswith("Protesters (") for n in names):
        names.remove("Protesters")
    return tuple(names)


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
    report: Report, mentions: Sequence[PlaceMention], *, vocabulary: Vocabulary | None = None
) -> list[Incident]:
    """Every incident the report describes, in text order.

    Parameters
    ----------
    report
        The parsed report.
    mentions
        Its place mentions, from :meth:`gazetteer.geoparse.Geoparser.parse` run on
        ``report.text`` with :func:`structural_spans`.
    """
    vocabulary = vocabulary or incident_vocabulary()
    focus = focus_place(mentions)
    sentences = list(iter_sentences(report))
    event_day = report_event_day(report, sentences)
    incidents: list[Incident] = []
    claimants: list[str] = []
    paragraph_time: dict[tuple[int, int], TimeRef] = {}
    last_scene: PlaceMention | None = None
    digest = report_digest(report)
    index = MentionIndex(mentions)
    for sentence in sentences:
        text = report.text[sentence.start : sentence.end]
        segment = sentence.segment
        default_day = segment.date if segment.is_post else event_day
        context = paragraph_time.get(sentence.paragraph) or (
            day_window(default_day) if default_day else None
        )
        stated = _stated_time(text, segment, context)
        if stated is not None and stated.background:
            continue
        triggers = sentence_triggers(text, vocabulary)
        types = list(triggers)
        if stated is not None and not any(vocabulary.types[t].family == "response" for t in types):
            # Calls and decisions narrate the lead-up; their day does not carry over.
            paragraph_time[sentence.paragraph] = stated
        time = stated or context or _UNKNOWN_TIME
        claims = find_casualty_claims(
            text, offset=sentence.start, previous_claimants=tuple(claimants)
        )
        # Bodies named as sources, even without a figure, so a later "the ministry" finds them.
        claimants.extend(find_claimants(text))
        claimants.extend(c.claimed_by for c in claims if c.claimed_by)
        if not types and not claims:
            continue
        placer = SentencePlacer(
            sentence.start, sentence.end, text, sentence.paragraph, index, focus, last_scene
        )
        place, basis = placer.at()
        if place is not None and place.is_location:
            last_scene = place
        actors = sentence_actors(text, vocabulary)
        days = _day_expressions(text, segment, context)
        common = {
            "actors": actors,
            "place": place,
            "basis": basis,
            "segment": segment,
            "digest": digest,
        }
        incidents.extend(
            _incident(
                report, vocabulary, event_type=t, index=0, claim=None, sentence=sentence,
                time=_nearest_day(days, position) or time, **common | placer.fields(position),
            )
            for t, position in triggers.items()
        )  # fmt: skip
        incidents.extend(
            _incident(
                report, vocabulary, event_type="casualties", index=i, claim=c, sentence=sentence,
                time=_nearest_day(days, c.end - sentence.start) or time,
                **common | placer.fields(c.start - sentence.start),
            )
            for i, c in enumerate(claims)
        )  # fmt: skip
    return incidents


def _day_expressions(
    text: str, segment: Segment, context: TimeRef | None
) -> list[tuple[int, int, TimeRef]]:
    """The dated time expressions of a sentence that names more than one day, with spans.

    "Calm returned on Saturday after Friday's fighting": the fighting is Friday's.
    Empty when the sentence names at most one day (then the whole sentence is read).
    """
    spans: list[list[int]] = []
    for start, end in time_expression_spans(text):
        if spans and not text[spans[-1][1] : start].strip():
            spans[-1][1] = end  # "Friday" + "evening" read together
        else:
            spans.append([start, end])
    found = []
    for start, end in spans:
        stated = resolve_time(text[start:end], report_date=segment.date, context=context)
        if stated is not None and stated.date is not None and not stated.background:
            found.append((start, end, stated))
    return found if len({t.date for _, _, t in found}) > 1 else []


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
) -> Incident:
    kind = vocabulary.types[event_type]
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
        extra={"time_text": time.text, "place_text": place.text if place else None},
    )
