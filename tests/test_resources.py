"""geo.resources: the shared loader and validators of the JSON data files.

Every refusal is a DataFileError naming the file and the section of the setting, so a
hand-edited vocabulary or rules file is pointed at, not guessed at.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from geo.errors import DataFileError, IncidentMapperError
from geo.resources import DataChecks, bundled_origin, read_json_file, read_json_resource
from incidents.casualty_words import build_vocabulary
from incidents.event_rules import load_event_rules, parse_event_rules
from incidents.time_phrases import _build_vocabulary as build_time_vocabulary

ORIGIN = "<bundled incidents/data/sample.json>"
CHECKS = DataChecks(ORIGIN)


def _refusal(call, *args, **kwargs) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_the_error_is_ours_and_names_file_and_section() -> None:
    error = CHECKS.error("must be true or false", "zero", key="strict")
    assert isinstance(error, IncidentMapperError)
    assert isinstance(error, ValueError)
    assert error.path == ORIGIN
    assert error.section == "zero.strict"
    assert str(error) == f"{ORIGIN}: zero.strict: must be true or false"
    whole_file = CHECKS.error("expected a JSON object")
    assert whole_file.section is None
    assert str(whole_file) == f"{ORIGIN}: expected a JSON object"
    assert CHECKS.error("x", "top", key="numbers").section == "numbers"


def test_the_error_survives_pickling_for_worker_processes() -> None:
    error = pickle.loads(pickle.dumps(CHECKS.error("bad", "zero")))
    assert isinstance(error, DataFileError)
    assert "zero: bad" in str(error)


@pytest.mark.parametrize(
    ("call", "section", "message"),
    [
        (lambda: CHECKS.section({}, "zero", "top"), "top", "missing object 'zero'"),
        (lambda: CHECKS.section({"zero": []}, "zero", "top"), "top", "'zero' must be an object"),
        (lambda: CHECKS.section([], "zero", "top"), "top", "missing object 'zero'"),
        (lambda: CHECKS.words({"w": []}, "w", "zero"), "zero", "'w' must be a non-empty list"),
        (lambda: CHECKS.words({"w": "no"}, "w", "zero"), "zero", "'w' must be a non-empty list"),
        (lambda: CHECKS.words({"w": ["a", " "]}, "w", "zero"), "zero.w", "every entry"),
        (lambda: CHECKS.words({"w": ["a", 3]}, "w", "zero"), "zero.w", "every entry"),
        (lambda: CHECKS.counts({"c": {"x": "2"}}, "c", "numbers"), "numbers.c", "'x' must map"),
        (lambda: CHECKS.counts({"c": {"x": True}}, "c", "numbers"), "numbers.c", "'x' must map"),
        (lambda: CHECKS.counts({"c": {"x": -1}}, "c", "numbers"), "numbers.c", "'x' must map"),
        (lambda: CHECKS.whole_number({"n": 1.5}, "n", "window"), "window", "'n' must be a whole"),
        (lambda: CHECKS.whole_number({}, "n", "window"), "window", "'n' must be a whole"),
        (lambda: CHECKS.text({"t": "  "}, "t", "p"), "p", "'t' must be a non-empty string"),
        (lambda: CHECKS.value({}, "k", int, "clock"), "clock", "missing whole number 'k'"),
        (lambda: CHECKS.value({"k": True}, "k", int, "clock"), "clock.k", "expected a whole"),
        (lambda: CHECKS.value({"k": 1}, "k", dict, "clock"), "clock.k", "expected an object"),
        (lambda: CHECKS.value({"k": {}}, "k", list, "top"), "k", "expected a list, got dict"),
        (lambda: CHECKS.number(-5, "threshold_m.default"), "threshold_m.default", "non-negative"),
        (lambda: CHECKS.number("5", "threshold_m.default"), "threshold_m.default", "got '5'"),
        (lambda: CHECKS.number(False, "slack"), "slack", "non-negative number"),
        (lambda: CHECKS.flag(1, "shared_neighbour"), "shared_neighbour", "true or false"),
        (lambda: CHECKS.strings(["a", 1], "area_kinds"), "area_kinds", "a list of strings"),
        (lambda: CHECKS.strings(None, "area_kinds"), "area_kinds", "a list of strings"),
        (lambda: CHECKS.strings([""], "p", non_empty=True), "p", "a list of non-empty strings"),
    ],
)
def test_each_validator_refuses_a_wrong_setting(call, section: str, message: str) -> None:
    error = _refusal(call)
    assert error.path == ORIGIN
    assert error.section == section
    assert message in error.message
    assert str(error).startswith(f"{ORIGIN}: {section}: ")


def test_each_validator_gives_back_a_good_setting() -> None:
    assert CHECKS.section({"a": {"b": 1}}, "a", "top") == {"b": 1}
    assert CHECKS.words({"w": ["x", "y"]}, "w", "top") == ["x", "y"]
    assert CHECKS.counts({"c": {"_note": "n", "two": 2}}, "c", "top") == {"two": 2}
    assert CHECKS.whole_number({"n": 0}, "n", "top") == 0
    assert CHECKS.text({"t": "al"}, "t", "top") == "al"
    assert CHECKS.value({"k": 3}, "k", int, "top") == 3
    assert CHECKS.number(2, "x") == 2.0
    assert CHECKS.flag(False, "x") is False
    assert CHECKS.strings([], "x") == []


def test_a_user_file_is_read_or_refused_with_its_path_and_line(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text('\ufeff{"a": 1}', encoding="utf-8")
    assert read_json_file(good) == {"a": 1}

    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "a": 1,\n  oops\n}', encoding="utf-8")
    error = _refusal(read_json_file, broken)
    assert (error.path, error.line) == (str(broken), 3)
    assert str(error).startswith(f"{broken}:3: not valid JSON")

    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    assert "expected a JSON object" in str(_refusal(read_json_file, listed))

    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00{")
    assert "rules file cannot be read" in str(_refusal(read_json_file, binary, what="rules file"))

    missing = _refusal(read_json_file, tmp_path / "missing.json", what="event rules file")
    assert str(missing) == f"{tmp_path / 'missing.json'}: event rules file not found"


def test_a_bundled_file_is_named_as_bundled(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "sample_data_pkg"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "data" / "ok.json").write_text('{"words": ["a"]}', encoding="utf-8")
    (package / "data" / "bad.json").write_text('{"words": ["a",]}', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert read_json_resource("sample_data_pkg", "ok.json") == {"words": ["a"]}
    error = _refusal(read_json_resource, "sample_data_pkg", "bad.json")
    assert error.path == bundled_origin("sample_data_pkg", "bad.json")
    assert error.path == "<bundled sample_data_pkg/data/bad.json>"
    assert error.line == 1


def test_the_casualty_vocabulary_is_checked_by_the_shared_validators() -> None:
    raw = copy.deepcopy(read_json_resource("incidents", "casualties.json"))
    raw["zero"]["nobody_verbs"]["killed"] = []
    error = _refusal(build_vocabulary, raw)
    assert error.path == "<bundled incidents/data/casualties.json>"
    assert error.section == "zero.nobody_verbs"


def test_the_time_vocabulary_is_checked_by_the_shared_validators() -> None:
    raw = copy.deepcopy(read_json_resource("incidents", "time_expressions.json"))
    raw["background_gap_days"] = "seven"
    error = _refusal(build_time_vocabulary, raw)
    assert error.path == "<bundled incidents/data/time_expressions.json>"
    assert error.section == "background_gap_days"
    assert "expected a whole number, got str" in error.message


def test_event_rules_are_checked_by_the_shared_validators(tmp_path: Path) -> None:
    raw = copy.deepcopy(read_json_resource("incidents", "event_rules.json"))
    raw["claims"]["vague_words"] = "many"
    error = _refusal(parse_event_rules, raw, origin="mine.json")
    assert (error.path, error.section) == ("mine.json", "claims.vague_words")
    broken = tmp_path / "rules.json"
    broken.write_text('{"type_groups": {}}', encoding="utf-8")
    assert _refusal(load_event_rules, broken).section == "top"
