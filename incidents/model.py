"""The records a report is read into and the incidents extracted from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

SourceType = Literal["news", "social"]


@dataclass(frozen=True)
class Dateline:
    """A wire-style dateline such as ``ERBIL (Kurdistan 24) –``.

    The city is where the report was filed, not where anything happened.
    """

    start: int
    end: int
    city: str | None
    city_start: int | None
    city_end: int | None
    outlet: str | None
    outlet_start: int | None
    outlet_end: int | None
    month_day: tuple[int, int] | None = None
    """The month and day the dateline gives (``BAGHDAD, Nov 7 (Reuters) -``)."""
    year: int | None = None

    @property
    def date(self) -> dt.date | None:
        """The dateline's date when it names its year too; else None."""
        if self.month_day is None or self.year is None:
            return None
        try:
            return dt.date(self.year, *self.month_day)
        except ValueError:
            return None


@dataclass(frozen=True)
class Segment:
    """A stretch of a report with one attribution: the outlet's own prose, or one
    embedded social-media post (a sub-report whose source is the account).

    Offsets are into :attr:`Report.text`.
    """

    start: int
    end: int
    source: str
    source_type: SourceType
    date: dt.date | None
    via: str | None = None
    handle: str | None = None
    display_name: str | None = None
    post_url: str | None = None
    author_start: int | None = None
    """Where the post's author line (``— Name (@handle) November 5, 2021``) starts;
    the author line runs to :attr:`end` and is never read as incident text."""
    time: dt.datetime | None = None
    """When the post was made (naive local time, read in the pack's zone), for a
    pasted thread's posts."""

    @property
    def is_post(self) -> bool:
        return self.source_type == "social"

    @property
    def text_end(self) -> int:
        """End of the readable text, before any author line."""
        return self.author_start if self.author_start is not None else self.end


@dataclass(frozen=True)
class Report:
    """One decoded report with its metadata and structure.

    ``text`` is the whole decoded text, header lines included; every offset in
    this package indexes into it.
    """

    path: str
    text: str
    source: str
    source_origin: Literal["manifest", "header", "dateline", "filename"]
    date: dt.date | None
    date_origin: Literal["manifest", "header", "inline", "dateline", "none"]
    body_start: int
    segments: tuple[Segment, ...]
    url: str | None = None
    title: str | None = None
    dateline: Dateline | None = None
    notes: tuple[str, ...] = ()
    """Things a user should know (no date found, source taken from the file name)."""

    @property
    def name(self) -> str:
        """A short readable name for the report (its file name)."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class CasualtyClaim:
    """A casualty figure as one claimant gives it; never averaged with others."""

    killed: int | None
    injured: int | None
    killed_text: str | None
    injured_text: str | None
    qualifier: str | None
    claimed_by: str | None
    claim_status: Literal["official", "claimed", "unconfirmed", "denied"]
    start: int
    end: int
    """Span of the figure's wording in the report text."""
    scope: Literal["incident", "cumulative"] = "incident"
    """``cumulative`` for a running toll ("320 killed since October"), not this incident's."""


@dataclass(frozen=True)
class TimeRef:
    """When something happened, in the pack's local time, with how precisely we know it."""

    date: dt.date | None
    start: dt.datetime | None
    end: dt.datetime | None
    precision: Literal["hour", "part_of_day", "day", "month", "unknown"]
    background: bool = False
    """True when the words place the fact on another day than the report's (an
    election last month): such facts are context, not incidents of the day."""
    text: str | None = None
    """The words the time was read from."""


#: Columns of the incident table, in order; also GeoJSON property names.
INCIDENT_COLUMNS = (
    "incident_id",
    "event_type",
    "sub_event_type",
    "acled_event_type",
    "actors",
    "date",
    "time_start",
    "time_end",
    "time_precision",
    "place_id",
    "place_name",
    "geo_precision",
    "uncertainty_m",
    "resolved_by",
    "place_basis",
    "source",
    "source_type",
    "via",
    "report",
    "url",
    "evidence",
    "evidence_start",
    "evidence_end",
    "killed",
    "injured",
    "casualty_text",
    "claimed_by",
    "claim_status",
    "lat",
    "lon",
    "weapon",
    "target",
    "status",
    "scope",
    "title",
)
"""``weapon``, ``target``, ``status``, ``scope`` and ``title`` came last so that column
lists built on the older ones stay valid."""

#: Values of :attr:`Incident.status`.
INCIDENT_STATUSES = ("happened", "reported", "announced", "threatened", "denied")
#: Values of :attr:`Incident.scope` (casualty incidents only).
CLAIM_SCOPES = ("incident", "cumulative")


@dataclass(frozen=True)
class Incident:
    """One thing that happened, where, when and according to whom."""

    incident_id: str
    event_type: str
    sub_event_type: str | None
    acled_event_type: str | None
    actors: tuple[str, ...]
    date: str | None
    time_start: str | None
    time_end: str | None
    time_precision: str
    place_id: str | None
    place_name: str | None
    geo_precision: str | None
    uncertainty_m: float | None
    resolved_by: str | None
    place_basis: str | None
    source: str
    source_type: SourceType
    via: str | None
    report: str
    url: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    killed: int | None
    injured: int | None
    casualty_text: str | None
    claimed_by: str | None
    claim_status: str | None
    lat: float | None
    lon: float | None
    weapon: str | None = None
    """The weapon or means, as the text states it (``car bomb``, ``katyusha rocket``)."""
    target: str | None = None
    """What was attacked, as the text states it (``embassy``, ``market``)."""
    status: str = "happened"
    """One of :data:`INCIDENT_STATUSES`: what the text says of the incident."""
    scope: str | None = None
    """For casualty incidents: ``incident``, or ``cumulative`` for a running toll."""
    title: str | None = None
    """The report's title, from its header or the manifest."""
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def describe(self) -> str:
        """One line for people: id, type, ACLED mapping, status, day, place, source,
        weapon and target, and the casualty claim (what ``incident-map extract`` prints)."""
        acled = f"{self.acled_event_type} / {self.sub_event_type}" if self.acled_event_type else "-"
        parts = [
            self.incident_id,
            f"{self.event_type:<16}",
            f"[{acled}]",
            self.status,
            self.date or "????-??-??",
            self.time_precision,
            self.place_name or "not placed",
            self.source + (f" via {self.via}" if self.via else ""),
        ]
        if self.weapon:
            parts.append(f"weapon={self.weapon}")
        if self.target:
            parts.append(f"target={self.target}")
        if self.killed is not None or self.injured is not None:
            parts.append(
                f"killed={self.killed} injured={self.injured} by={self.claimed_by} "
                f"({self.claim_status}, {self.scope})"
            )
        return "  ".join(parts)

    def as_record(self) -> dict[str, object]:
        """The incident as a flat dict with the documented column names."""
        record = {name: getattr(self, name) for name in INCIDENT_COLUMNS}
        record["actors"] = list(self.actors)
        return record
