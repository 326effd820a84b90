"""Events grouped in several processes are the events one process groups: the same
table, the same ids, byte for byte the same outputs (``incidents.event_parts`` and
``--jobs N`` builds). No timing here: ``benchmarks/bench_scale.py`` measures."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from console import run_command
from test_events import incident, mixed_incidents, small_gazetteer  # noqa: F401 - fixture
from test_scale import corpus  # noqa: F401 - fixture

from gazetteer.model import Gazetteer
from geo.errors import IncidentMapperError
from incidents.event_items import IncidentColumns
from incidents.event_parts import (
    Piece,
    day_pieces,
    event_ids_file,
    event_ids_of_rows,
    group_part,
    part_rows,
    plan_parts,
    read_part_event_ids,
    read_part_files,
)
from incidents.event_rules import load_event_rules
from incidents.events import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    event_id_column,
    events_frame,
    group_events,
)
from incidents.pipeline import incidents_frame
from maps import build as build_module
from maps.build import OUTPUT_FILES


def spill_of(frame: pd.DataFrame, path: Path) -> Path:
    """The grouping's columns of an incident frame as a Parquet file, as a build spills."""
    names = [n for n in frame.columns if n in {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}]
    pq.write_table(pa.Table.from_pandas(pd.DataFrame(frame[names]), preserve_index=False), path)
    return path


def grouped_in_parts(path: Path, parts: int, gazetteer: Gazetteer, folder: Path) -> pd.DataFrame:
    targets = [folder / f"part-{part}.pickle" for part in range(parts)]
    for part, target in enumerate(targets):
        group_part(path, part, parts, target, gazetteer=gazetteer)
    event_of = read_part_event_ids(targets, pq.ParquetFile(path).metadata.num_rows)
    frame = events_frame(read_part_files(targets)[0])
    assert not any(target.exists() or event_ids_file(target).exists() for target in targets)
    # The event ids the parts wrote are those the join of the table gives.
    ids = pq.read_table(path, columns=["incident_id"]).column("incident_id")
    assert event_of.equals(event_id_column(ids, frame))
    return frame


@pytest.mark.parametrize("parts", [1, 2, 3, 4, 7])
def test_events_grouped_in_parts_are_the_events_of_one_process(
    small_gazetteer: Gazetteer,  # noqa: F811 - the fixture
    tmp_path: Path,
    parts: int,
) -> None:
    frame = incidents_frame(mixed_incidents(small_gazetteer))
    path = spill_of(frame, tmp_path / "incidents.parquet")
    whole = group_events(frame, gazetteer=small_gazetteer)
    assert whole["family"].nunique() >= 3  # several type groups to share out
    in_parts = grouped_in_parts(path, parts, small_gazetteer, tmp_path)
    pd.testing.assert_frame_equal(in_parts, whole, check_exact=True)
    ids = pa.chunked_array([pa.array(frame["incident_id"].astype(str))])
    assert event_id_column(ids, in_parts).equals(event_id_column(ids, whole))


def test_the_event_ids_of_a_part_name_each_incident_once(
    small_gazetteer: Gazetteer,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    frame = incidents_frame(mixed_incidents(small_gazetteer))
    path = spill_of(frame, tmp_path / "incidents.parquet")
    rows, _ = grouped_rows(path, small_gazetteer, tmp_path)
    columns = IncidentColumns.from_parquet(path, ["incident_id"])
    assert len(event_ids_of_rows(columns, rows)) == len(frame)
    with pytest.raises(IncidentMapperError, match="in no event"):
        event_ids_of_rows(columns, rows[1:])
    with pytest.raises(IncidentMapperError, match="two events"):
        event_ids_of_rows(columns, [*rows, {**rows[0], "event_id": "other"}])
    stranger = {**rows[0], "incident_ids": ["not-in-the-part"]}
    with pytest.raises(IncidentMapperError, match="not in its part"):
        event_ids_of_rows(columns, [*rows, stranger])
    # Every spilled row once, from the parts together, or the ids are refused.
    target = tmp_path / "again.pickle"
    group_part(path, 0, 1, target, gazetteer=small_gazetteer)
    with pytest.raises(IncidentMapperError, match="each once"):
        read_part_event_ids([target], len(frame) + 1, keep=True)
    assert len(read_part_event_ids([target], len(frame))) == len(frame)


def grouped_rows(path: Path, gazetteer: Gazetteer, folder: Path) -> tuple[list, object]:
    target = folder / "rows.pickle"
    group_part(path, 0, 1, target, gazetteer=gazetteer)
    event_ids_file(target).unlink()
    return read_part_files([target])


def days_of_incidents(gazetteer: Gazetteer, *, undated: bool = False) -> list:
    """240 incidents over nine days, some with times near midnight (so that some days
    cannot be cut apart), some on a day of their own after a gap, some without a place."""
    rng = random.Random(13)
    places = ["gate_n", "gate_s", "gate_w", "zone_a", "bridge_x", "square_e", None]
    days = [f"2021-11-{day:02d}" for day in (1, 2, 3, 4, 5, 6, 7, 9, 10)]
    made = []
    for i in range(240):
        day = rng.choice(days)
        # Late evenings and early mornings only on some days: their midnights join.
        hours = [None, 9, 14, 18] + ([0, 23] if day[-2:] in {"02", "03", "06"} else [])
        hour = rng.choice(hours)
        timing = {} if hour is None else {"start": f"{hour:02d}:00", "end": f"{hour:02d}:59"}
        made.append(
            incident(
                gazetteer, f"d{i:03d}", place=rng.choice(places), day=day,
                event_type=rng.choice(["clash", "tear_gas", "protest", "deployment"]),
                report=f"r{i % 11}.txt", evidence_start=i % 5 * 10,
                source=rng.choice(["Tigris Daily", "Furat Post", "@eye"]), **timing,
            )
        )  # fmt: skip
    if undated:
        made.append(incident(gazetteer, "undated", day=None, event_type="clash"))
    return made


@pytest.mark.parametrize("parts", [2, 3, 5])
@pytest.mark.parametrize("undated", [False, True])
def test_groups_cut_into_days_give_the_events_of_one_process(
    small_gazetteer: Gazetteer,  # noqa: F811
    tmp_path: Path,
    parts: int,
    undated: bool,
) -> None:
    frame = incidents_frame(days_of_incidents(small_gazetteer, undated=undated))
    path = spill_of(frame, tmp_path / "incidents.parquet")
    rows = [
        part_rows(path, part, parts, load_event_rules(), small_gazetteer) for part in range(parts)
    ]
    confrontation = set(frame.index[frame["event_type"].isin(["clash", "tear_gas"])])
    holding = [part for part in rows if confrontation & {int(row) for row in part}]
    # Without an undated incident the confrontation is cut into days, else it is whole.
    assert (len(holding) > 1) is not undated
    whole = group_events(frame, gazetteer=small_gazetteer)
    assert (whole["n_incidents"] > 1).sum() > 10
    in_parts = grouped_in_parts(path, parts, small_gazetteer, tmp_path)
    pd.testing.assert_frame_equal(in_parts, whole, check_exact=True)


def test_days_are_cut_only_where_nothing_can_join_across() -> None:
    hour = 3600.0
    day = np.array([1, 1, 2, 2, 3, 3, 5, 5])
    start = np.full(len(day), np.nan)
    end = np.full(len(day), np.nan)
    # Day 1 ends at 23:00 (+ 2 h of slack reaches past day 2's 00:30): no cut after day 1.
    start[1], end[1] = 22 * hour, 23 * hour
    start[2], end[2] = 24.5 * hour, 25 * hour
    # Day 2 ends at 12:00, day 3 starts at 48 + 9 h: a cut after day 2.
    start[3], end[3] = 35 * hour, 36 * hour
    start[4], end[4] = 57 * hour, 58 * hour
    pieces = day_pieces("g", day, start, end, 2 * hour, 1)
    assert pieces == [Piece("g", 4, 1, 2), Piece("g", 2, 3, 3), Piece("g", 2, 5, 5)]
    # A window of day 1 that runs late (however odd) stops every cut until it ends.
    start[0], end[0] = 10 * hour, 60 * hour
    assert day_pieces("g", day, start, end, 2 * hour, 1) == [
        Piece("g", 6, 1, 3),
        Piece("g", 2, 5, 5),
    ]
    assert day_pieces("g", np.array([1, 2, -1]), np.full(3, np.nan), np.full(3, np.nan), 0, 1) == [
        Piece("g", 3)
    ]
    assert day_pieces("g", day, start, end, 2 * hour, 100) == [Piece("g", 8)]


def test_every_row_is_in_exactly_one_part(small_gazetteer: Gazetteer, tmp_path: Path) -> None:  # noqa: F811
    for made in (mixed_incidents(small_gazetteer), days_of_incidents(small_gazetteer)):
        frame = incidents_frame(made)
        path = spill_of(frame, tmp_path / "incidents.parquet")
        rules = load_event_rules()
        for parts in (1, 2, 3, 5):
            rows = [part_rows(path, part, parts, rules, small_gazetteer) for part in range(parts)]
            together = sorted(int(row) for part in rows for row in part)
            assert together == list(range(len(frame)))


def test_the_pieces_are_shared_out_by_size() -> None:
    pieces = [Piece("confrontation", 640), Piece("security_measure", 210), Piece("protest", 115)]
    pieces += [Piece("a", 47), Piece("b", 20)]
    assert plan_parts(pieces, 2) == [pieces[:1], pieces[1:]]
    assert plan_parts(pieces, 3) == [pieces[:1], pieces[1:2], pieces[2:]]
    cut = [Piece("c", 300, 1, 10), Piece("c", 300, 11, 20), Piece("x", 5)]
    assert plan_parts(cut, 2) == [[cut[0], cut[2]], [cut[1]]]
    assert plan_parts([Piece("x", 5), Piece("y", 5)], 4) == [
        [Piece("x", 5)],
        [Piece("y", 5)],
        [],
        [],
    ]
    assert plan_parts([], 2) == [[], []]


def test_an_empty_table_has_no_events(small_gazetteer: Gazetteer, tmp_path: Path) -> None:  # noqa: F811
    frame = incidents_frame(mixed_incidents(small_gazetteer)).iloc[:0]
    path = spill_of(frame, tmp_path / "incidents.parquet")
    in_parts = grouped_in_parts(path, 2, small_gazetteer, tmp_path)
    pd.testing.assert_frame_equal(in_parts, group_events(frame, gazetteer=small_gazetteer))


def _staging_with(frame: pd.DataFrame, folder: Path) -> Path:
    staging = folder / "staging"
    (staging / "spill").mkdir(parents=True)
    spill_of(frame, staging / "spill" / "incidents.parquet")
    return staging


def test_a_problem_in_one_part_is_named_as_one_process_names_it(
    small_gazetteer: Gazetteer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A time that is not ISO 8601 in one type group's rows, another in another's: the
    parallel grouping raises what the one-process grouping raises (the first of the
    whole table), not what the part that failed first found."""
    made = mixed_incidents(small_gazetteer)
    frame = incidents_frame(made)
    frame["time_start"] = frame["time_start"].astype(object)
    protest = frame.index[frame["event_type"] == "protest"][0]
    clash = frame.index[frame["event_type"] == "clash"][-1]
    frame.loc[clash, "time_start"] = "not a time at all"
    frame.loc[protest, "time_start"] = "neither is this"
    with pytest.raises(IncidentMapperError) as serial:
        group_events(frame, gazetteer=small_gazetteer)
    staging = _staging_with(frame, tmp_path)
    with pytest.raises(IncidentMapperError) as parallel:
        build_module._group_in_parts(
            staging, gazetteer=small_gazetteer, title="t", jobs=3, incidents=len(frame)
        )
    assert str(parallel.value) == str(serial.value)
    assert "is not an ISO 8601 time" in str(serial.value)


def _sums(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in OUTPUT_FILES}


def test_the_command_gives_the_same_files_with_one_or_three_jobs(
    corpus: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    """``incident-map build --jobs 3`` (the events grouped in three processes) writes
    the files ``--jobs 1`` writes, byte for byte."""
    sums = {}
    for jobs in (1, 3):
        out = tmp_path / f"out{jobs}"
        completed = run_command(
            "build", corpus, "--out", out, "--jobs", jobs, "--no-cache", cwd=tmp_path
        )
        assert completed.returncode == 1, completed.stderr  # the corpus has a broken report
        sums[jobs] = _sums(out)
    assert sums[3] == sums[1]
