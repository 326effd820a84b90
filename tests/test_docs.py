"""The README and the code say the same thing: set-up commands, commands, fields."""

from __future__ import annotations

import re
from pathlib import Path

from incident_map.cli import cli
from incidents.model import INCIDENT_COLUMNS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_set_up_commands():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.DOTALL)
    assert "incident-map build examples/reports" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test.sh"


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^bash scripts/test\.sh\b", ci, flags=re.MULTILINE)
    assert "TZ=America/Los_Angeles" in ci


def test_the_example_command_names_files_that_exist():
    assert (REPO / "examples" / "manifest.csv").is_file()
    assert any((REPO / "examples" / "reports").glob("*.txt"))
    assert (REPO / "docs" / "map.png").is_file()


def test_every_command_is_documented():
    commands = set(cli.commands)
    commands.update(f"gazetteer {name}" for name in cli.commands["gazetteer"].commands)
    for command in commands:
        assert f"incident-map {command.split()[0]}" in README, command


def test_every_incident_field_is_documented():
    for column in INCIDENT_COLUMNS:
        assert f"`{column}`" in README, column
