"""Running the installed ``incident-map`` command as a user does, for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

#: The console script of the environment running the tests.
SCRIPT = Path(sys.executable).parent / "incident-map"


def run_command(
    *args: object,
    cwd: Path,
    stdin: str | None = None,
    timeout: float = 120,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``incident-map ARGS`` in ``cwd`` with UTF-8 output and a deadline; ``env``
    adds to the environment."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=environment,
        check=False,
    )
