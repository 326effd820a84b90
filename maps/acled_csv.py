"""``acled.csv``: our events in ACLED's own format, one row per event.

The columns and their dtypes follow ACLED's codebook (:data:`ACLED_COLUMNS`,
:data:`ACLED_DTYPES`); how our incident types and actors become ACLED's is data
(``maps/data/acled.json``, the pack filling in the country). An event's row is made
from its members, looked up by id (:class:`IncidentLookup`), which for a million
incidents holds Arrow codes rather than a dict per incident.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from operator import getitem
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from geopandas import GeoDataFrame

from gazetteer.pack import Pack, bundled_pack
from geo.resources import read_json_resource
from incidents.events import group_events
from maps.arrow_text import list_codes
from maps.csv_files import csv_text, neutralise_formula
from maps.tables import (
    decimal_text,
    is_missing,
    reproducible_timestamp,
)

#: ``acled.csv``'s columns: ACLED's own, in the codebook's order.
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
#: The dtypes an ACLED user loads ``acled.csv`` with (``pandas.read_csv(dtype=...)``,
#: ``parse_dates=["event_date"]``); the tests load it exactly so.
ACLED_DTYPES = {
    "event_id_cnty": "string",
    "year": "Int64",
    "time_precision": "Int64",
    "disorder_type": "string",
    "event_type": "string",
    "sub_event_type": "string",
    "actor1": "string",
    "assoc_actor_1": "string",
    "inter1": "Int64",
    "actor2": "string",
    "assoc_actor_2": "string",
    "inter2": "Int64",
    "interaction": "Int64",
    "civilian_targeting": "string",
    "iso": "Int64",
    "region": "string",
    "country": "string",
    "admin1": "string",
    "admin2": "string",
    "admin3": "string",
    "location": "string",
    "latitude": "float64",
    "longitude": "float64",
    "geo_precision": "Int64",
    "source": "string",
    "source_scale": "string",
    "notes": "string",
    "fatalities": "Int64",
    "tags": "string",
    "timestamp": "Int64",
}


@cache
def _acled_rules() -> dict[str, Any]:
    return read_json_resource("maps", "acled.json")


def _acled_rules_for(pack: Pack) -> dict[str, Any]:
    """acled.json with the pack's country: ``{country}`` in actor names filled in, and
    the country columns (ISO codes from pycountry, region and admin1 from the pack)."""
    import pycountry

    rules = dict(_acled_rules())

    def fill(name: str) -> str:
        return pack.actor_label(name)

    rules["actors"] = {fill(k): v for k, v in rules["actors"].items() if not k.startswith("_")}
    rules["demonstrators"] = {
        k: [fill(v[0]), v[1]] for k, v in rules["demonstrators"].items() if not k.startswith("_")
    }
    country = pycountry.countries.get(alpha_2=pack.country)
    rules["country"] = {
        "iso": int(country.numeric) if country else 0,
        "iso3": country.alpha_3 if country else pack.country,
        "country": pack.country_name,
        "region": pack.acled.get("region", ""),
        "admin1": pack.acled.get("admin1", pack.name),
        "city": pack.name,
    }
    return rules


def acled_events_csv(
    incidents: GeoDataFrame | pa.Table,
    events: GeoDataFrame | None = None,
    *,
    pack: Pack | None = None,
) -> str:
    """``acled.csv``: the events in ACLED's own format, one row per event.

    Columns :data:`ACLED_COLUMNS` in the codebook's order, with ACLED's codes (the
    mapping is data: ``maps/data/acled.json``):

    - an event is a row when ACLED would code it: it has a day and a place, its
      types map to an ACLED sub-event type (a call to escalate does not), and not
      every member is only announced, threatened or denied (``status``, when the
      table has it); the others stay in ``events.geojson``;
    - ``event_type``/``sub_event_type`` are the members' most severe (the table's
      ``acled_event_type``/``sub_event_type`` when present, else our type's);
    - ``actor1``/``actor2`` with ``inter1``/``inter2`` codes and the two-digit
      ``interaction`` (lower code first; ``60`` protesters alone); demonstrators are
      named as ACLED names them (``Protesters (Iraq)``, ``Rioters (Iraq)``, after the
      pack's country);
    - ``time_precision`` 1 (day known), 2 (week), 3 (month); ``geo_precision`` 1
      (a place in the town), 2 (near a place), 3 (region or country);
    - ``fatalities`` is the most conservative credible figure: each claimant's
      highest figure, then the lowest across claimants, a denial counting as none,
      0 when nobody reports deaths; every claim is listed in ``notes``
      (``2 killed according to @account; Health Ministry: none``);
    - ``event_id_cnty`` is the pack's country (``IRQ``) and a number derived from our
      ``event_id`` (given at the end of the notes, to join back); ``timestamp`` is the build's
      reproducible time (``SOURCE_DATE_EPOCH``, else 2000-01-01).

    ``events`` is the event table of ``incidents`` (:func:`incidents.events.group_events`);
    it is computed with the bundled gazetteer when not given. ``pack`` gives the
    country, region, admin1 and city columns (the bundled pack when None).

    ``incidents`` may also be an Arrow table of the incident columns (at least
    :data:`ACLED_INCIDENT_COLUMNS`, in any row order), as a build reads them from its
    sorted file: no frame of a million rows is made then; ``events`` must be given.
    """
    if isinstance(incidents, pa.Table):
        if events is None:
            msg = "acled_events_csv needs the events of an Arrow table of incidents"
            raise ValueError(msg)
        by_id = IncidentLookup.from_table(incidents, events["incident_ids"])
    else:
        if events is None:
            events = group_events(incidents)
        by_id = IncidentLookup(incidents)
    return acled_csv_text(acled_rows(events, by_id, pack=pack))


def acled_rows(
    events: GeoDataFrame, by_id: Mapping[str, Mapping[str, Any]], *, pack: Pack | None = None
) -> list[list[str]]:
    """The rows of ``acled.csv`` (:func:`acled_events_csv`), in order, each its cells
    in :data:`ACLED_COLUMNS`' order; ``by_id``: the incidents' ACLED columns by id
    (:class:`IncidentLookup`). The events are made dicts a thousand at a time."""
    rules = _acled_rules_for(pack or bundled_pack())
    timestamp = str(int(dt.datetime.fromisoformat(reproducible_timestamp()).timestamp()))
    rows = []
    seen_ids: set[str] = set()
    read = [c for c in _ACLED_EVENT_COLUMNS if c in events.columns]
    for start in range(0, len(events), _EVENTS_AT_A_TIME):
        for event in events[read].iloc[start : start + _EVENTS_AT_A_TIME].to_dict("records"):
            for row in _acled_event_rows(event, by_id, rules):
                if row["event_id_cnty"] in seen_ids:  # two hashes alike in 15 digits: keep both
                    row["event_id_cnty"] += "-" + str(event["event_id"])
                seen_ids.add(row["event_id_cnty"])
                row["timestamp"] = timestamp
                rows.append(row)
    rows.sort(key=lambda r: (r["event_date"], r["event_id_cnty"]))
    return [[r[c] for c in ACLED_COLUMNS] for r in rows]


#: Events made dicts at a time by :func:`acled_rows`.
_EVENTS_AT_A_TIME = 1024
#: The event columns an ACLED row is made of (the others, the geometry among them, are
#: never made Python values).
_ACLED_EVENT_COLUMNS = (
    "event_id", "date", "lat", "lon", "time_precision", "geo_precision", "place_name",
    "claims", "summary", "incident_ids",
)  # fmt: skip
#: The incident columns an ACLED row reads of its members: two members alike in these
#: give the same row, so an event's members are taken once per distinct combination.
_ACLED_MEMBER_COLUMNS = (
    "event_type", "acled_event_type", "sub_event_type", "actors", "status", "source",
    "source_type",
)  # fmt: skip


def acled_csv_text(rows: Sequence[Sequence[str]]) -> str:
    """``acled.csv`` of its rows (:func:`acled_rows`), with the header."""
    return csv_text(rows, ACLED_COLUMNS)


#: The incident columns :func:`acled_events_csv` reads (besides the events).
ACLED_INCIDENT_COLUMNS = (
    "incident_id", "event_type", "acled_event_type", "sub_event_type", "actors",
    "status", "source", "source_type", "scope",
)  # fmt: skip


class IncidentLookup(Mapping[str, dict[str, Any]]):
    """The incidents' ACLED columns by ``incident_id``, a record made when asked for.

    Columns are kept as codes into their distinct values (lists, such as ``actors``,
    as they are), so a million incidents are not a million dicts at once.
    """

    def __init__(self, incidents: GeoDataFrame):
        self._names = [c for c in ACLED_INCIDENT_COLUMNS if c in incidents.columns]
        self._columns: list[tuple[np.ndarray, Sequence[Any] | None]] = []
        for name in self._names:
            column = incidents[name]
            try:
                codes, uniques = pd.factorize(column, use_na_sentinel=True)
            except TypeError:  # unhashable values (lists): kept as they are
                values = column.to_numpy(dtype=object)
                self._columns.append((values, None))
                continue
            distinct = [None if is_missing(v) else v for v in uniques.tolist()] + [None]
            self._columns.append((np.asarray(codes, dtype=np.int32), distinct))
        self._stack_codes()
        ids = [str(i) for i in incidents["incident_id"].tolist()]
        self._position = {incident_id: row for row, incident_id in enumerate(ids)}

    @classmethod
    def from_table(cls, table: pa.Table, members: Iterable[Sequence[str]]) -> IncidentLookup:
        """The same lookup of the incidents of an Arrow ``table`` that ``members`` (the
        events' ``incident_ids``) name, made in Arrow: codes and distinct values of each
        column, ``actors`` left an Arrow list column, and a position only for the ids the
        events name (the strings they already hold), so nothing per incident is made but
        that position."""
        lookup = cls.coded(table)
        lookup.locate(members)
        return lookup

    @classmethod
    def coded(cls, table: pa.Table) -> IncidentLookup:
        """The lookup of :meth:`from_table` before its positions (:meth:`locate`): the
        codes of ``table``'s columns and its ids, which are all it keeps of the table (so
        a caller can let the table go before reading the events)."""
        lookup = cls.__new__(cls)
        lookup._names = [c for c in ACLED_INCIDENT_COLUMNS if c in table.column_names]
        lookup._columns = []
        for name in lookup._names:
            column = table.column(name)
            column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
            if pa.types.is_list(column.type):
                coded = list_codes(column)
                if coded is None:  # items that are missing or hold the key's separator
                    lookup._columns.append((_ArrowValues(column), None))
                else:
                    lookup._columns.append(coded)
                continue
            encoded = pc.dictionary_encode(column)
            distinct = [*encoded.dictionary.to_pylist(), None]
            codes = pc.fill_null(encoded.indices, len(distinct) - 1)
            lookup._columns.append((codes.to_numpy().astype(np.int32), distinct))
            del column, encoded, codes
        lookup._stack_codes()
        lookup._ids = table.column("incident_id").combine_chunks()
        lookup._position = {}
        return lookup

    def locate(self, members: Iterable[Sequence[str]]) -> None:
        """Find the rows of the ids ``members`` (the events' ``incident_ids``) name, then
        let the table's ids go."""
        wanted = [incident_id for ids in members for incident_id in ids]
        found = pc.index_in(pa.array(wanted, type=pa.string()), value_set=self._ids)
        rows = pc.fill_null(found, -1).to_numpy().tolist()  # -1: no such incident in the table
        self._position = {
            incident_id: row for incident_id, row in zip(wanted, rows, strict=True) if row >= 0
        }
        self._ids = None

    def _stack_codes(self) -> None:
        """Keep the coded columns' codes as one row-major matrix (the same ``int32`` each),
        so a record's codes are one row made a Python list at once, not a NumPy scalar
        per cell (which made the lookup most of ``acled.csv``'s time)."""
        named = list(zip(self._names, self._columns, strict=True))
        coded = [(name, column) for name, column in named if column[1] is not None]
        self._coded_names = [name for name, _ in coded]
        self._distinct = [distinct for _, (_, distinct) in coded]
        self._codes = (
            np.stack([codes for _, (codes, _) in coded], axis=1)
            if coded
            else np.zeros((0, 0), dtype=np.int32)
        )
        self._uncoded = [
            (name, values) for name, (values, distinct) in named if distinct is None
        ]  # fmt: skip
        del self._columns
        self._profile_of_row()

    def _profile_of_row(self) -> None:
        """Number each row by its distinct combination of :data:`_ACLED_MEMBER_COLUMNS`'
        codes (factorised a column at a time), each combination's record made
        once; none when one of them is not coded (then records are made per row)."""
        self._profiles: np.ndarray | None = None
        self._profile_records: list[dict[str, Any]] = []
        if any(name in _ACLED_MEMBER_COLUMNS for name, _ in self._uncoded):
            return
        picked = [
            index for index, name in enumerate(self._coded_names) if name in _ACLED_MEMBER_COLUMNS
        ]
        if not picked or len(self._codes) == 0:
            return
        profiles = np.zeros(len(self._codes), dtype=np.int64)
        for index in picked:  # the combination so far, numbered, times the next column's
            column = self._codes[:, index].astype(np.int64)
            profiles = pd.factorize(profiles * (len(self._distinct[index]) + 1) + column)[0]
        _, first = np.unique(profiles, return_index=True)
        names = [self._coded_names[index] for index in picked]
        distinct = [self._distinct[index] for index in picked]
        self._profile_records = [
            dict(zip(names, map(getitem, distinct, row), strict=True))
            for row in self._codes[first][:, picked].tolist()
        ]
        self._profiles = profiles.astype(np.int32)

    def distinct_members(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The records of the incidents ``ids`` names that the table holds, in order, each
        distinct combination of :data:`_ACLED_MEMBER_COLUMNS` once (its first), with
        those columns only: what an ACLED row reads of its members."""
        position = self._position
        if self._profiles is None:
            return [self[i] for i in ids if i in position]
        rows = [position[i] for i in ids if i in position]
        records = self._profile_records
        return [records[p] for p in dict.fromkeys(self._profiles[rows].tolist())]

    def __getitem__(self, incident_id: str) -> dict[str, Any]:
        row = self._position[incident_id]
        record = dict(
            zip(
                self._coded_names,
                map(getitem, self._distinct, self._codes[row].tolist()),
                strict=True,
            )
        )
        if self._uncoded:
            for name, values in self._uncoded:
                value = values[row]
                record[name] = None if is_missing(value) else value
            record = {name: record[name] for name in self._names}  # the columns' order
        return record

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)


class _ArrowValues:
    """An Arrow column whose cells are made Python values one at a time, when asked for."""

    def __init__(self, column: pa.Array):
        self._column = column

    def __getitem__(self, row: int) -> Any:
        return self._column[row].as_py()


def _acled_event_rows(
    event: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], rules: Mapping[str, Any]
) -> list[dict[str, str]]:
    """The ACLED rows of one of our events: none, one, or one per kind of violence.

    ACLED codes incidents of different event types as different events, but one
    demonstration as one event however it escalated: members coded Protests or Riots
    make one row (the most severe sub-event type), and every other event type (an
    armed clash, an explosion, an arrest) a row of its own. The event's casualty
    claims, and so its fatalities, go on its most severe row only, never twice.
    """
    day = event.get("date")
    lat, lon = event.get("lat"), event.get("lon")
    if is_missing(day) or is_missing(lat) or is_missing(lon):
        return []
    if isinstance(by_id, IncidentLookup):
        members = by_id.distinct_members(event["incident_ids"])
    else:
        members = [by_id[i] for i in event["incident_ids"] if i in by_id]
    not_happened = set(rules["not_happened"]["values"])
    ranks = rules["sub_event_rank"]
    demonstrations = set(rules["demonstrators"])
    parts: dict[str, list[tuple[Mapping[str, Any], tuple[str, str]]]] = {}
    for member in members:
        if member.get("status") in not_happened:
            continue
        coded = _acled_type(member, rules)
        if coded is not None:
            kind = "Demonstrations" if coded[0] in demonstrations else coded[0]
            parts.setdefault(kind, []).append((member, coded))
    ordered = sorted(
        parts.items(),
        key=lambda part: (-max(ranks.get(c[1], 0) for _, c in part[1]), part[0]),
    )
    rows = []
    for index, (kind, coded_members) in enumerate(ordered):
        key = str(event["event_id"]) if len(ordered) == 1 else f"{event['event_id']}:{kind}"
        rows.append(
            _acled_row(
                event, [m for m, _ in coded_members], [c for _, c in coded_members], key,
                rules, with_claims=index == 0,
            )
        )  # fmt: skip
    return rows


def _acled_row(
    event: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    coded: Sequence[tuple[str, str]],
    key: str,
    rules: Mapping[str, Any],
    *,
    with_claims: bool,
) -> dict[str, str]:
    day, lat, lon = event["date"], event["lat"], event["lon"]
    ranks = rules["sub_event_rank"]
    event_type, sub_event_type = max(coded, key=lambda c: (ranks.get(c[1], 0), c))
    disorder = rules["disorder_type"].get(sub_event_type) or rules["disorder_type"][
        "by_event_type"
    ].get(event_type, "")
    actor1, assoc1, inter1, actor2, assoc2, inter2, others = _acled_actors(
        members, event_type, sub_event_type, rules
    )
    interaction = ""
    if inter1:
        codes = sorted(int(c) for c in (inter1, inter2) if c)
        interaction = f"{codes[0]}{codes[1]}" if len(codes) == 2 else f"{codes[0]}0"
    country = rules["country"]
    place_name = event.get("place_name")
    location = country["city"]
    if place_name and str(place_name) != country["city"]:
        location = f"{country['city']} - {' '.join(str(place_name).split())}"
    claims = event.get("claims") or [] if with_claims else []
    fatalities, claim_notes = _fatalities(claims, rules)
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    digits = int(digest[:12], 16)
    sources = list(dict.fromkeys(str(m.get("source")) for m in members if m.get("source")))
    social = {m.get("source_type") for m in members} == {"social"}
    notes = _acled_notes(event, claim_notes, others)
    if not with_claims and event.get("claims"):
        notes += " Casualty claims and fatalities: on this event's most severe row."
    text = {
        "event_id_cnty": f"{country['iso3']}{digits}",
        "event_date": str(day),
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "civilian_targeting": (
            "Civilian targeting" if sub_event_type in rules["civilian_targeting"]["values"] else ""
        ),
        "region": country["region"],
        "country": country["country"],
        "admin1": country["admin1"],
        "admin2": "",
        "admin3": "",
        "location": location,
        "source": "; ".join(sources),
        "source_scale": "New media" if social else "",
        "notes": notes,
        "tags": "",
    }
    row = {column: neutralise_formula(value) for column, value in text.items()}
    row.update(
        year=str(dt.date.fromisoformat(str(day)).year),
        time_precision=str(rules["precision"]["time"].get(str(event.get("time_precision")), 1)),
        inter1=inter1,
        inter2=inter2,
        interaction=interaction,
        iso=str(country["iso"]),
        latitude=decimal_text(lat),
        longitude=decimal_text(lon),
        geo_precision=str(rules["precision"]["geo"].get(str(event.get("geo_precision")), 3)),
        fatalities=str(fatalities),
    )
    return row


def _acled_type(member: Mapping[str, Any], rules: Mapping[str, Any]) -> tuple[str, str] | None:
    """(ACLED event type, sub-event type) of one incident, or None when ACLED codes none."""
    if member.get("acled_event_type") and member.get("sub_event_type"):
        return str(member["acled_event_type"]), str(member["sub_event_type"])
    mapped = rules["types"].get(str(member.get("event_type")))
    return (mapped[0], mapped[1]) if mapped else None


def _acled_actors(
    members: Sequence[Mapping[str, Any]], event_type: str, sub_event_type: str,
    rules: Mapping[str, Any],
) -> tuple[str, str, str, str, str, str, list[str]]:  # fmt: skip
    """actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2 and the uncoded names."""
    names: list[str] = []
    for member in members:
        for actor in _actor_list(member.get("actors")):
            if actor not in names:
                names.append(actor)
    codes = rules["actors"]
    demonstrators = rules["demonstrators"].get(event_type)
    crowd = [n for n in names if codes.get(n) in (5, 6)]
    state = [n for n in names if codes.get(n) == 1]
    others = [n for n in names if n not in codes]
    sides: list[tuple[str, str, str]] = []  # (actor, associated actors, inter code)
    if demonstrators is not None:
        name, code = demonstrators
        generic = {"Protesters", name}
        assoc = "; ".join(n for n in crowd if n not in generic)
        sides.append((name, assoc, str(code)))
    elif crowd:
        sides.append((crowd[0], "; ".join(crowd[1:]), str(codes[crowd[0]])))
    if state:
        sides.append((state[0], "; ".join(state[1:]), "1"))
    if sub_event_type == "Excessive force against protesters":
        sides.reverse()  # the force that used it first, as ACLED orders them
    sides = sides[:2]
    while len(sides) < 2:
        sides.append(("", "", ""))
    (actor1, assoc1, inter1), (actor2, assoc2, inter2) = sides
    return actor1, assoc1, inter1, actor2, assoc2, inter2, others


def _fatalities(
    claims: Sequence[Mapping[str, Any]], rules: Mapping[str, Any]
) -> tuple[int, list[str]]:
    """The most conservative credible death toll, and every claim as a note."""
    credible = set(rules["credible_claim_status"]["values"])
    per_claimant: dict[str, int] = {}
    notes: list[str] = []
    for claim in claims:
        who = str(claim.get("claimed_by") or claim.get("source") or "unknown")
        key = str(claim.get("claimant") or who)
        status = claim.get("claim_status")
        killed = claim.get("killed")
        killed = None if is_missing(killed) else int(killed)
        injured = claim.get("injured")
        injured = None if is_missing(injured) else int(injured)
        according = who if claim.get("source") in (None, who) else f"{who} (in {claim['source']})"
        if status == "denied" and not killed:
            notes.append(f"{according}: none")
            per_claimant[key] = min(per_claimant.get(key, 0), 0)
            continue
        parts = []
        if killed is not None:
            parts.append(f"{killed} killed")
        if injured is not None:
            parts.append(f"{injured} injured")
        if not parts:
            continue
        wording = claim.get("casualty_text")
        said = (
            f' ("{" ".join(str(wording).split())}")' if wording and not is_missing(wording) else ""
        )
        qualifier = f", {status}" if status and status not in ("claimed", "official") else ""
        notes.append(f"{' and '.join(parts)} according to {according}{said}{qualifier}")
        if killed is not None and status in credible:
            per_claimant[key] = max(per_claimant.get(key, killed), killed)
    fatalities = min(per_claimant.values()) if per_claimant else 0
    return fatalities, notes


def _acled_notes(
    event: Mapping[str, Any], claim_notes: Sequence[str], others: Sequence[str]
) -> str:
    summary = " ".join(str(event.get("summary") or "").split())
    parts = [summary + "." if summary and not summary.endswith(".") else summary]
    if claim_notes:
        parts.append("Casualties: " + "; ".join(claim_notes) + ".")
    if others:
        parts.append("Also named: " + "; ".join(others) + ".")
    parts.append(f"[incident-mapper {event['event_id']}]")
    return " ".join(p for p in parts if p)


def _actor_list(actors: Any) -> list[str]:
    if actors is None or is_missing(actors):
        return []
    if isinstance(actors, str):
        return [actors]
    return [str(actor) for actor in actors if not is_missing(actor)]
