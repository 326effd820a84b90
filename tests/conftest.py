"""Shared fixtures: the bundled gazetteer, one geoparser, and the real seed reports.

The seed reports (``../shared/seeds`` beside the repository, never copied into it)
are third-party text. Tests that read them take the ``seeds_dir`` fixture:

- when ``INCIDENT_MAPPER_SEEDS`` names a folder, that folder is used, and a missing
  one FAILS the tests (``.ci/run`` sets it, so CI always runs them);
- otherwise ``../shared/seeds`` is used when present, and the tests are SKIPPED
  with the reason shown (``-ra``) when it is not, as in a fresh clone elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gazetteer.geoparse import Geoparser
from gazetteer.model import Gazetteer, load_gazetteer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
#: Environment variable naming the seed reports' folder; set, it makes them required.
SEEDS_ENV = "INCIDENT_MAPPER_SEEDS"
#: The manifest of the seed reports, beside their folder.
SEEDS_MANIFEST = "seeds-manifest.csv"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="session")
def geoparser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


def seeds_location() -> tuple[Path, bool]:
    """Where the seed reports are expected, and whether they are required there."""
    named = os.environ.get(SEEDS_ENV, "").strip()
    if named:
        return Path(named).expanduser().resolve(), True
    return SHARED / "seeds", False


def _missing(path: Path, required: bool, what: str) -> None:
    if required:
        pytest.fail(
            f"{SEEDS_ENV}={os.environ[SEEDS_ENV]!r}: {what} {path} does not exist; "
            f"point {SEEDS_ENV} at the seed reports' folder or unset it",
            pytrace=False,
        )
    pytest.skip(
        f"the real seed reports are not at {path} (../shared/seeds beside the repository); "
        f"set {SEEDS_ENV}=/path/to/seeds to run these tests"
    )


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The real seed reports' folder (see the module docstring)."""
    path, required = seeds_location()
    if not path.is_dir():
        _missing(path, required, "the folder")
    return path


@pytest.fixture(scope="session")
def seeds_manifest(seeds_dir: Path) -> Path:
    """The seed reports' manifest, ``seeds-manifest.csv`` beside their folder."""
    path = seeds_dir.parent / SEEDS_MANIFEST
    if not path.is_file():
        _missing(path, seeds_location()[1], "the manifest")
    return path
