"""Shared fixtures: the bundled gazetteer and one geoparser for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazetteer.geoparse import Geoparser
from gazetteer.model import Gazetteer, load_gazetteer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="session")
def geoparser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The real seed reports beside the repo (never copied into it)."""
    seeds = SHARED / "seeds"
    assert seeds.is_dir(), f"the seed reports are expected at {seeds} (../shared/seeds)"
    return seeds
