"""What a build read, found and wrote (:class:`BuildSummary`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from incidents.pipeline import Problem


@dataclass
class BuildSummary:
    """What a build read, found and wrote."""

    reports_read: int = 0
    reports_failed: int = 0
    incidents: int = 0
    mapped: int = 0
    sources: list[str] = field(default_factory=list)
    source_counts: list[tuple[str, int]] = field(default_factory=list)
    """Every source with its number of incidents, most incidents first."""
    reused: int = 0
    """Reports whose analysis came from the cache."""
    jobs: int = 1
    """Processes (or dask workers) that analysed reports."""
    places: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when any input could not be used."""
        return any(p.severity == "error" for p in self.problems)
