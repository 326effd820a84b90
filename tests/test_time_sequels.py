"""What happened "hours later" (data: ``sequels`` in time_expressions.json) is after the
time a sentence inherits, in a wider window, never at that same time."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from gazetteer.geoparse import Geoparser
from gazetteer.model import load_gazetteer
from gazetteer.pack import bundled_pack
from geo.errors import DataFileError
from geo.resources import read_json_resource
from incidents.model import TimeRef
from incidents.pipeline import analyse_report
from incidents.reports import parse_report
from incidents.time_phrases import DATA_FILE, _build_vocabulary
from incidents.timeref import day_window, resolve_time

BAGHDAD = bundled_pack().zone
DAY = dt.date(2023, 11, 7)


def _at(hour: float) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(0), tzinfo=BAGHDAD) + dt.timedelta(hours=hour)


MORNING = TimeRef(DAY, _at(6), _at(12), "part_of_day", text="Tuesday morning")
NINE_AM = TimeRef(DAY, _at(9), _at(10), "hour", text="9 am")


def _read(sentence: str, context: TimeRef | None) -> TimeRef | None:
    return resolve_time(sentence, report_date=dt.date(2023, 11, 8), zone=BAGHDAD, context=context)


@pytest.mark.parametrize(
    ("sentence", "context", "start", "end"),
    [
        # to the end of the inherited day
        ("Hours later, protesters gathered in Tahrir Square.", MORNING, 6, 24),
        ("A few hours later, protesters gathered in the square.", MORNING, 6, 24),
        ("Several hours later a second bomb went off.", NINE_AM, 9, 24),
        ("Protesters returned to the square later in the day.", MORNING, 6, 24),
        ("وبعد ساعات تجمع المتظاهرون في ساحة التحرير", MORNING, 6, 24),
        # within a few hours after the inherited time ends
        ("An hour later, a second bomb exploded.", NINE_AM, 9, 12),
        ("Minutes later, a second bomb exploded nearby.", NINE_AM, 9, 11),
        ("Moments later gunmen opened fire.", MORNING, 6, 13),
        ("Shortly afterwards, a mortar round hit the market.", NINE_AM, 9, 11),
        ("وبعد دقائق انفجرت عبوة ثانية", NINE_AM, 9, 11),
        # a stated span: that long after the inherited time ends (at least an hour)
        ("Two hours later, police closed the bridge.", NINE_AM, 9, 12),
        ("3 hours after that, police closed the bridge.", NINE_AM, 9, 13),
        ("A couple of hours later the curfew began.", MORNING, 6, 14),
        ("Twenty minutes later a second bomb exploded.", NINE_AM, 9, 11),
        ("About 45 minutes afterwards gunmen opened fire.", NINE_AM, 9, 11),
        # Arabic: a unit in the dual is a count of 2, -ين or -ان, with or without the article
        ("وبعد ساعتين أغلقت الشرطة الجسر", NINE_AM, 9, 12),
        ("بعد ساعتان أغلقت الشرطة الجسر", NINE_AM, 9, 12),
        ("وبعد الساعتين أغلقت الشرطة الجسر", NINE_AM, 9, 12),
        ("وبعدَ ساعتَين أغلقت الشرطة الجسر", NINE_AM, 9, 12),
        ("بعد ساعتين أغلقت الشرطة الجسر", MORNING, 6, 14),
        ("وبعد دقيقتين انفجرت عبوة ثانية", NINE_AM, 9, 11),
        ("بعد دقيقتان انفجرت عبوة ثانية", NINE_AM, 9, 11),
        ("بعد الدقيقتين انفجرت عبوة ثانية", NINE_AM, 9, 11),
        # the singular: an hour, as "an hour later"
        ("وبعد ساعة انفجرت عبوة ثانية", NINE_AM, 9, 12),
    ],
)
def test_a_sequel_is_after_the_inherited_time_in_a_wider_window(
    sentence: str, context: TimeRef, start: float, end: float
) -> None:
    stated = _read(sentence, context)
    assert stated is not None
    assert (stated.date, stated.start, stated.end) == (DAY, _at(start), _at(end))
    assert stated.precision == "part_of_day"
    assert stated.start == context.start  # after it, never before it
    assert stated.end > context.end  # wider than the time it follows
    assert not stated.background


def test_a_span_too_long_for_the_same_part_of_day_gives_the_day_it_ends_on() -> None:
    # "Thirty hours later" is not "hours later": 9 am plus thirty hours is the next day.
    for sentence in ("Thirty hours later the curfew ended.", "36 hours later, the curfew ended."):
        stated = _read(sentence, NINE_AM)
        assert stated is not None
        assert stated.date == DAY + dt.timedelta(days=1)
        assert (stated.start, stated.end, stated.precision) == (_at(24), _at(48), "day")
    # Two days: the day two days after, in either language and either ending of the dual.
    two_days = (
        "Two days later, police closed the bridge.",
        "2 days later, police closed the bridge.",
        "وبعد يومين أغلقت الشرطة الجسر",
        "بعد يومان أغلقت الشرطة الجسر",
        "بعد اليومين أغلقت الشرطة الجسر",
    )
    for sentence in two_days:
        stated = _read(sentence, NINE_AM)
        assert stated is not None, sentence
        assert stated.date == DAY + dt.timedelta(days=2), sentence
        assert (stated.start, stated.end, stated.precision) == (_at(48), _at(72), "day")
    # From the morning (06:00), twenty hours later is still past midnight: the next day.
    stated = _read("Twenty hours later the curfew ended.", MORNING)
    assert stated is not None
    assert (stated.date, stated.precision) == (DAY + dt.timedelta(days=1), "day")


def test_a_counted_sequel_needs_positive_numbers_in_the_data() -> None:
    raw = copy.deepcopy(read_json_resource("incidents", DATA_FILE))
    raw["sequels"]["counted"]["units"]["hours"] = 0
    with pytest.raises(DataFileError, match=r"sequels\.counted\.units.*hours"):
        _build_vocabulary(raw)


def test_a_dual_is_not_read_without_its_after_word_or_as_a_clock() -> None:
    # "two hours" alone, "within two days", "after the third hour" (a clock time):
    # no sequel, so the sentence states no time of its own
    for sentence in (
        "استمرت المواجهات ساعتين",
        "خلال يومين أغلقت الشرطة الجسر",
        "بعد ساعتينات أغلقت الشرطة الجسر",
    ):
        assert _read(sentence, NINE_AM) is None, sentence


def test_the_duals_are_made_from_the_singulars_in_the_data() -> None:
    raw = copy.deepcopy(read_json_resource("incidents", DATA_FILE))
    arabic = raw["sequels"]["counted"]["arabic"]
    arabic["units"] = {"أسبوع": 168}
    duals = _build_vocabulary(raw).counted_sequels.duals
    assert duals == {
        "اسبوعان": 336.0, "الاسبوعان": 336.0, "اسبوعين": 336.0, "الاسبوعين": 336.0,
    }  # fmt: skip
    arabic["stem_endings"] = {"ة": "تت"}
    with pytest.raises(DataFileError, match=r"sequels\.counted\.arabic\.stem_endings"):
        _build_vocabulary(raw)
    arabic["stem_endings"] = {"ة": "ت"}
    arabic["units"] = {"ساعة": 0}
    with pytest.raises(DataFileError, match=r"sequels\.counted\.arabic\.units"):
        _build_vocabulary(raw)


def test_a_sequel_after_a_whole_day_adds_nothing() -> None:
    # Inheriting the day, "hours later" is that day: the sentence states no time of its own.
    assert _read("Hours later, protesters gathered.", day_window(DAY, zone=BAGHDAD)) is None
    assert _read("Hours later, protesters gathered.", None) is None


def test_a_sequel_yields_to_a_time_the_sentence_states() -> None:
    stated = _read("Hours later, at 3 pm, protesters gathered.", MORNING)
    assert stated is not None
    assert (stated.start, stated.end, stated.precision) == (_at(15), _at(16), "hour")
    evening = _read("Hours later, in the evening, protesters gathered.", MORNING)
    assert evening is not None
    assert (evening.start, evening.end, evening.precision) == (_at(18), _at(22), "part_of_day")


def test_later_that_day_is_the_whole_inherited_day() -> None:
    stated = _read("Later that day, protesters gathered.", MORNING)
    assert stated is not None
    assert (stated.start, stated.end, stated.precision) == (_at(0), _at(24), "day")


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return Geoparser(load_gazetteer())


def test_an_incident_hours_later_does_not_take_the_mornings_time(geoparser: Geoparser) -> None:
    text = (
        "date: 2023-11-08\n\nBAGHDAD (Example News) - A roadside bomb exploded near the "
        "Jadriya Bridge on Tuesday morning, wounding two police officers. Hours later, "
        "hundreds of protesters gathered in Tahrir Square.\n"
    )
    incidents = analyse_report(parse_report(text, path="later.txt"), geoparser).incidents
    times = {i.event_type: (i.time_start, i.time_end, i.time_precision) for i in incidents}
    assert times["ied"] == ("2023-11-07T06:00:00+03:00", "2023-11-07T12:00:00+03:00", "part_of_day")
    assert times["protest"] == (
        "2023-11-07T06:00:00+03:00",
        "2023-11-08T00:00:00+03:00",
        "part_of_day",
    )


def test_an_arabic_incident_two_hours_later_is_after_the_mornings_bomb(
    geoparser: Geoparser,
) -> None:
    text = (
        "date: 2023-11-08\n\nبغداد - انفجرت عبوة ناسفة قرب جسر الجادرية صباح الثلاثاء "
        "وأصيب شرطيان. وبعد ساعتين تظاهر المئات في ساحة التحرير.\n"
    )
    incidents = analyse_report(parse_report(text, path="dual.txt"), geoparser).incidents
    times = {i.event_type: (i.time_start, i.time_end, i.time_precision) for i in incidents}
    assert times["ied"] == ("2023-11-07T06:00:00+03:00", "2023-11-07T12:00:00+03:00", "part_of_day")
    assert times["protest"] == (
        "2023-11-07T06:00:00+03:00",
        "2023-11-07T14:00:00+03:00",
        "part_of_day",
    )
