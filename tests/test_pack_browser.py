"""A Beirut map in headless Chromium: the time control writes each moment with the
offset the pack's zone has at that moment (UTC+02:00 in winter, UTC+03:00 in summer),
whatever zone the viewer's machine is in."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import PageSession, launch_browser, open_page
from playwright.sync_api import Browser
from test_map_browser import click_incident
from test_pack import BEIRUT, BEIRUT_REPORTS, REPO, run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def beirut_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("beirut-map") / "out"
    result = run("build", BEIRUT_REPORTS, "--pack", BEIRUT, "--out", out, "-q", cwd=REPO)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_browser() as chromium:
        yield chromium


@pytest.fixture
def session(browser: Browser, beirut_map: Path) -> Iterator[PageSession]:
    # a viewer in another zone: the page must not use the machine's offset
    with open_page(browser, beirut_map / "map.html", timezone_id="America/Los_Angeles") as page:
        yield page


def zone_text(session: PageSession) -> str:
    return session.page.locator(".im-time-zone").inner_text()


def test_the_time_control_shows_the_offset_of_each_moment(session: PageSession) -> None:
    page = session.page
    assert "UTC+02:00" in zone_text(session)  # all times: the offset where the data start
    for when, offset in (
        ("2025-01-11T21:00:00+02:00", "UTC+02:00"),
        ("2025-07-12T21:00:00+03:00", "UTC+03:00"),
        ("2025-01-11T21:00:00+02:00", "UTC+02:00"),
    ):
        page.evaluate("(t) => window.incidentMap.setTime(t)", when)
        assert zone_text(session) == f"Beirut local time ({offset})"
    slider = page.locator(".im-time-slider")
    slider.focus()
    slider.press("End")
    assert zone_text(session).endswith("(UTC+03:00)")
    slider.press("Home")
    assert zone_text(session).endswith("(UTC+02:00)")
    assert not session.page_errors, session.page_errors


def test_a_popup_writes_the_incidents_own_local_time(
    session: PageSession, beirut_map: Path
) -> None:
    with (beirut_map / "incidents.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    winter = next(r for r in rows if r["time_start"] == "2025-01-11T21:00:00+02:00")
    summer = next(r for r in rows if r["time_start"] == "2025-07-12T21:00:00+03:00")
    assert "2025-01-11 21:00" in click_incident(session, winter["incident_id"])
    text = click_incident(session, winter["incident_id"])
    assert "(UTC+02:00)" in text
    text = click_incident(session, summer["incident_id"])
    assert "2025-07-12 21:00" in text
    assert "(UTC+03:00)" in text
    assert not session.page_errors, session.page_errors


def test_a_day_after_the_change_to_summer_time_runs_from_its_own_midnight(
    session: PageSession,
) -> None:
    page = session.page
    page.evaluate("() => window.incidentMap.setTimeMode('day')")
    page.evaluate("(t) => window.incidentMap.setTime(t)", "2025-07-12T12:00:00+03:00")
    start, end = page.evaluate("() => window.incidentMap.state.time")
    midnight = 20280 * 1440 + 21 * 60  # 2025-07-11T21:00Z is 00:00 on 12 July in Beirut
    assert (start, end) == (midnight, midnight + 1440)
    assert session.page.locator(".im-time-now").inner_text() == "Sat 12 Jul 2025"
    assert zone_text(session) == "Beirut local time (UTC+03:00)"
    page.evaluate("(t) => window.incidentMap.setTime(t)", "2025-01-11T23:30:00+02:00")
    start, _ = page.evaluate("() => window.incidentMap.state.time")
    assert start == 20098 * 1440 + 22 * 60  # 2025-01-10T22:00Z, midnight at UTC+2
    slider = page.locator(".im-time-slider")
    slider.focus()
    slider.press("End")
    assert session.page.locator(".im-time-now").inner_text() == "Sat 12 Jul 2025"
    assert not session.page_errors, session.page_errors
