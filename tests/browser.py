"""Open map pages in Debian's headless Chromium, with the network blocked.

Used by the browser tests and to take the README screenshot. Only ``file://``
requests are served; every other request is aborted and recorded, so a page
that tries to fetch anything from the web shows it in ``blocked_requests``.

Chromium is expected at ``/usr/bin/chromium`` (``apt-get install chromium``);
set ``INCIDENT_MAPPER_CHROMIUM`` to use another binary. When it is missing,
:class:`BrowserUnavailableError` says so: the browser tests then fail, never skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM = Path(os.environ.get("INCIDENT_MAPPER_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
VIEWPORT = (1280, 800)
READY_JS = "() => window.incidentMap !== undefined && window.incidentMap.ready === true"


class BrowserUnavailableError(RuntimeError):
    """Chromium is not installed where we look for it."""


@dataclass
class PageSession:
    """An open page and what went wrong on it."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)


@contextmanager
def launch_browser() -> Iterator[Browser]:
    """Start headless Chromium (the system one, never a downloaded build)."""
    if not CHROMIUM.exists():
        msg = (
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) or set INCIDENT_MAPPER_CHROMIUM to a Chromium binary"
        )
        raise BrowserUnavailableError(msg)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(LAUNCH_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(
    browser: Browser,
    html_path: str | Path,
    *,
    viewport: tuple[int, int] = VIEWPORT,
    wait_for_map: bool = True,
    timezone_id: str | None = None,
) -> Iterator[PageSession]:
    """Open a local HTML file with every non-``file://`` request aborted.

    Parameters
    ----------
    browser
        From :func:`launch_browser`.
    html_path
        The page to open.
    viewport
        Width and height in CSS pixels.
    wait_for_map
        Wait until the map page has set ``window.incidentMap.ready``.
    timezone_id
        The viewer's time zone (an IANA name); the machine's when ``None``.
    """
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, timezone_id=timezone_id
    )
    page = context.new_page()
    session = PageSession(page=page)

    def block_network(route: Route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            session.blocked_requests.append(url)
            route.abort()

    context.route("**/*", block_network)
    page.on(
        "console", lambda m: session.console_errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda error: session.page_errors.append(str(error)))
    try:
        page.goto(Path(html_path).resolve().as_uri())
        if wait_for_map:
            page.wait_for_function(READY_JS, timeout=15_000)
        yield session
    finally:
        context.close()


def screenshot(
    html_path: str | Path,
    png_path: str | Path,
    *,
    viewport: tuple[int, int] = VIEWPORT,
    browser: Browser | None = None,
) -> Path:
    """Save a PNG of a map page as it opens (offline), and return its path.

    Launches Chromium unless a running ``browser`` is given (Playwright's sync
    API cannot start a second one inside the first).
    """
    png_path = Path(png_path)
    if browser is None:
        with launch_browser() as launched:
            return screenshot(html_path, png_path, viewport=viewport, browser=launched)
    with open_page(browser, html_path, viewport=viewport) as session:
        session.page.wait_for_timeout(300)
        session.page.screenshot(path=str(png_path))
    return png_path
