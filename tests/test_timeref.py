"""Tests for incidents.timeref: the time one sentence states, in Baghdad local time.

Every example sentence here is written for these tests. The report date is
Saturday 6 November 2021, the day after the Green Zone clashes, unless a test
says otherwise.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from functools import partial
from importlib import resources

import pytest
from growth import assert_linear
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer.pack import bundled_pack
from geo.errors import IncidentMapperError
from incidents import timeref
from incidents.model import TimeRef
from incidents.time_phrases import _build_vocabulary, fold_text, time_expression_spans

#: The bundled pack's zone: these tests read Baghdad prose.
BAGHDAD = bundled_pack().zone
#: The reader in Baghdad time (the zone is the pack's; these tests are about Baghdad).
resolve_time = partial(timeref.resolve_time, zone=BAGHDAD)
day_window = partial(timeref.day_window, zone=BAGHDAD)

SATURDAY = dt.date(2021, 11, 6)
FRIDAY = dt.date(2021, 11, 5)
THURSDAY = dt.date(2021, 11, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware Baghdad datetime; hour 24 is the next day's midnight."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=BAGHDAD) + dt.timedelta(
        hours=hour, minutes=minute
    )


def resolved(sentence: str, **kwargs: object) -> TimeRef:
    kwargs.setdefault("report_date", SATURDAY)
    ref = resolve_time(sentence, **kwargs)  # type: ignore[arg-type]
    assert ref is not None, f"no time found in {sentence!r}"
    return ref


def assert_window(ref: TimeRef, day: dt.date, start_hour: float, end_hour: float) -> None:
    assert ref.date == day
    assert ref.start == at(day, 0) + dt.timedelta(hours=start_hour)
    assert ref.end == at(day, 0) + dt.timedelta(hours=end_hour)


# --------------------------------------------------------------------------- explicit dates


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("Crowds gathered at the bridge on November 5, 2021, witnesses said.", "November 5, 2021"),
        ("Crowds gathered at the bridge on Nov. 5 to demand a recount.", "Nov. 5"),
        ("The sit-in turned violent on 5 November 2021.", "5 November 2021"),
        ("The sit-in turned violent on the 5th of November.", "5th of November"),
        ("Police logged the clash under 2021-11-05.", "2021-11-05"),
        ("تجمع المحتجون في 5 تشرين الثاني قرب الجسر.", "5 تشرين الثاني"),
        ("تجمع المحتجون يوم ٥ نوفمبر ٢٠٢١ قرب الجسر.", "٥ نوفمبر ٢٠٢١"),
    ],
)
def test_explicit_date_gives_the_whole_local_day(sentence: str, words: str) -> None:
    ref = resolved(sentence)
    assert_window(ref, FRIDAY, 0, 24)
    assert ref.precision == "day"
    assert ref.background is False
    assert ref.text == words


@pytest.mark.parametrize("sentence", ["Marchers met on 5/11 at dawn.", "The 11/5 rally ended."])
def test_ambiguous_numeric_dates_are_not_read_as_dates(sentence: str) -> None:
    ref = resolve_time(sentence, report_date=SATURDAY, context=None)
    assert ref is None or ref.date is None
    assert not any("/" in sentence[s:e] for s, e in time_expression_spans(sentence))


@pytest.mark.parametrize(
    ("sentence", "report_date", "expected", "background"),
    [
        ("Another rally is called for Nov. 7.", SATURDAY, dt.date(2021, 11, 7), False),
        ("The camp was cleared on Dec. 20.", SATURDAY, dt.date(2020, 12, 20), True),
        ("Crowds gathered on Jan. 1.", dt.date(2021, 12, 31), dt.date(2022, 1, 1), False),
    ],
)
def test_date_without_year_takes_the_latest_such_date_up_to_two_days_ahead(
    sentence: str, report_date: dt.date, expected: dt.date, background: bool
) -> None:
    ref = resolved(sentence, report_date=report_date)
    assert ref.date == expected
    assert ref.background is background


def test_date_without_year_and_without_report_date_is_unknown_but_keeps_its_words() -> None:
    ref = resolved("Marchers set out on November 5.", report_date=None)
    assert (ref.date, ref.start, ref.end, ref.precision) == (None, None, None, "unknown")
    assert ref.text == "November 5"


def test_date_with_year_needs_no_report_date() -> None:
    ref = resolved("Marchers set out on November 5, 2021.", report_date=None)
    assert_window(ref, FRIDAY, 0, 24)
    assert ref.background is False


def test_impossible_date_is_ignored() -> None:
    assert resolve_time("Nothing happened on February 30, 2021.", report_date=SATURDAY) is None


# --------------------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("Stones were thrown at the police on Friday.", "Friday"),
        ("Friday's unrest left the bridge closed.", "Friday"),
        ("Clashes broke out Friday near the gate.", "Friday"),
        ("اندلعت اشتباكات الجمعة قرب البوابة.", "الجمعة"),
        ("اندلعت اشتباكات يوم الجمعة قرب البوابة.", "يوم الجمعة"),
    ],
)
def test_weekday_is_the_latest_such_day_on_or_before_the_report_date(
    sentence: str, words: str
) -> None:
    ref = resolved(sentence)
    assert_window(ref, FRIDAY, 0, 24)
    assert ref.precision == "day"
    assert ref.text == words
    assert ref.background is False


def test_weekday_named_on_the_report_date_is_that_same_day() -> None:
    assert resolved("Crowds massed on Friday.", report_date=FRIDAY).date == FRIDAY


@pytest.mark.parametrize(
    ("weekday", "day"),
    [("\u017funday", dt.date(2021, 10, 31)), ("Fr\u0130day", FRIDAY), ("Fr\u0131day", FRIDAY)],
)
def test_letters_that_match_ascii_case_insensitively_find_their_word(
    weekday: str, day: dt.date
) -> None:
    # re.IGNORECASE matches long s to "s" and dotted or dotless I to "i": the word
    # looked up after the match must fold them too (this once raised KeyError).
    assert resolved(f"Crowds massed on {weekday}.", report_date=FRIDAY).date == day


def test_arabic_thursday_in_a_report_of_the_next_day() -> None:
    assert resolved("دعا التحالف يوم الخميس إلى التصعيد.", report_date=FRIDAY).date == THURSDAY


def test_last_weekday_is_strictly_before_the_report_date() -> None:
    ref = resolved("Protesters first camped out last Friday.", report_date=FRIDAY)
    assert ref.date == dt.date(2021, 10, 29)
    assert ref.background is True


def test_weekday_without_report_date_is_unknown_and_keeps_the_weekday() -> None:
    ref = resolved("Supporters rallied on Friday.", report_date=None)
    assert (ref.date, ref.start, ref.end, ref.precision) == (None, None, None, "unknown")
    assert ref.text == "Friday"


# --------------------------------------------------------------------------- relative days


@pytest.mark.parametrize(
    ("sentence", "day", "start_hour", "end_hour", "precision"),
    [
        ("The gates stayed shut today.", SATURDAY, 0, 24, "day"),
        ("Police expect more marches earlier today.", SATURDAY, 0, 24, "day"),
        ("More marchers are expected tonight.", SATURDAY, 20, 24, "part_of_day"),
        ("Tents burned yesterday near the ministry.", FRIDAY, 0, 24, "day"),
        ("Tents burned last night near the ministry.", FRIDAY, 20, 24, "part_of_day"),
        ("احترقت الخيام أمس قرب الوزارة.", FRIDAY, 0, 24, "day"),
        ("أغلقت البوابات اليوم.", SATURDAY, 0, 24, "day"),
        ("يتوقع وصول متظاهرين الليلة.", SATURDAY, 20, 24, "part_of_day"),
        ("أغلقت الطرق صباح اليوم.", SATURDAY, 6, 12, "part_of_day"),
        ("احترقت الخيام ليلة أمس.", FRIDAY, 20, 24, "part_of_day"),
    ],
)
def test_relative_days_count_from_the_report_date(
    sentence: str, day: dt.date, start_hour: int, end_hour: int, precision: str
) -> None:
    ref = resolved(sentence)
    assert_window(ref, day, start_hour, end_hour)
    assert ref.precision == precision


def test_relative_day_without_report_date_is_unknown() -> None:
    ref = resolved("Tents burned yesterday.", report_date=None)
    assert (ref.date, ref.precision, ref.text) == (None, "unknown", "yesterday")


# --------------------------------------------------------------------------- parts of day


@pytest.mark.parametrize(
    ("sentence", "start_hour", "end_hour"),
    [
        ("Riot police moved in on Friday morning.", 6, 12),
        ("Riot police moved in around midday on Friday.", 11, 14),
        ("Riot police moved in on Friday afternoon.", 12, 18),
        ("Riot police moved in late afternoon on Friday.", 15, 18),
        ("Riot police moved in on Friday evening.", 18, 22),
        ("Riot police moved in on Friday night.", 20, 24),
        ("Riot police moved in overnight on Friday.", 22, 28),
        ("Riot police moved in late at night on Friday.", 22, 28),
        ("تحركت قوات مكافحة الشغب صباح الجمعة.", 6, 12),
        ("تحركت قوات مكافحة الشغب الجمعة ظهرا.", 11, 14),
        ("تحركت قوات مكافحة الشغب عصر الجمعة.", 15, 18),
        ("تحركت قوات مكافحة الشغب مساء الجمعة.", 18, 22),
        ("تحركت قوات مكافحة الشغب مساءً يوم الجمعة.", 18, 22),
        ("تحركت قوات مكافحة الشغب ليلاً يوم الجمعة.", 20, 24),
    ],
)
def test_part_of_day_narrows_the_day_to_its_documented_window(
    sentence: str, start_hour: int, end_hour: int
) -> None:
    ref = resolved(sentence)
    assert_window(ref, FRIDAY, start_hour, end_hour)
    assert ref.precision == "part_of_day"


def test_part_of_day_without_a_day_takes_the_day_of_the_context() -> None:
    ref = resolved(
        "By late afternoon, youths were breaking up the pavement.", context=day_window(FRIDAY)
    )
    assert_window(ref, FRIDAY, 15, 18)
    assert ref.text == "late afternoon"


def test_later_that_evening_is_the_evening_of_the_context_day() -> None:
    context = resolved("Marchers set off on Thursday afternoon.", report_date=FRIDAY)
    ref = resolved("Later that evening the tents caught fire.", report_date=FRIDAY, context=context)
    assert_window(ref, THURSDAY, 18, 22)


def test_context_relative_phrase_without_context_is_unknown() -> None:
    ref = resolved("That evening the tents caught fire.")
    assert (ref.date, ref.precision) == (None, "unknown")


def test_part_of_day_with_no_day_anywhere_is_unknown() -> None:
    ref = resolved("In the evening the tents caught fire.")
    assert (ref.date, ref.precision, ref.text) == (None, "unknown", "In the evening")


def test_into_the_night_stretches_the_inherited_window_to_midnight() -> None:
    context = resolved("Crowds grew on Friday afternoon.")
    ref = resolved("The fighting carried on into the night.", context=context)
    assert_window(ref, FRIDAY, 12, 24)
    assert ref.precision == "part_of_day"


def test_into_the_night_stretches_the_sentence_window_to_midnight() -> None:
    ref = resolved("Stone-throwing began on Friday evening and went on into the night.")
    assert_window(ref, FRIDAY, 18, 24)


def test_into_the_night_alone_on_a_whole_day_gives_the_night() -> None:
    ref = resolved("The fighting carried on into the night.", context=day_window(FRIDAY))
    assert_window(ref, FRIDAY, 20, 24)


# --------------------------------------------------------------------------- clock times


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("The gate was rushed at 3 pm on Friday.", (15, 0), (16, 0)),
        ("The gate was rushed at 3:15 p.m. on Friday.", (15, 15), (16, 15)),
        ("The gate was rushed around 4 p.m. on Friday.", (15, 30), (16, 30)),
        ("The gate was rushed at 15:30 on Friday.", (15, 30), (16, 30)),
        ("The gate was rushed at 9 in the evening on Friday.", (21, 0), (22, 0)),
        ("The gate was rushed at 1 a.m. on Friday.", (1, 0), (2, 0)),
        ("The gate was rushed at 14:00 GMT on Friday.", (17, 0), (18, 0)),
        ("اقتحمت البوابة الساعة الثالثة عصرا يوم الجمعة.", (15, 0), (16, 0)),
        ("اقتحمت البوابة عند الساعة ١٥:٣٠ يوم الجمعة.", (15, 30), (16, 30)),
        ("اقتحمت البوابة الساعة 10 ليلا يوم الجمعة.", (22, 0), (23, 0)),
    ],
)
def test_clock_time_gives_a_one_hour_window(
    sentence: str, start: tuple[int, int], end: tuple[int, int]
) -> None:
    ref = resolved(sentence)
    assert ref.date == FRIDAY
    assert (ref.start, ref.end) == (at(FRIDAY, *start), at(FRIDAY, *end))
    assert ref.precision == "hour"


def test_clock_time_without_a_day_takes_the_context_day() -> None:
    ref = resolved("Shots rang out at 4 pm.", context=day_window(FRIDAY))
    assert (ref.start, ref.end, ref.text) == (at(FRIDAY, 16), at(FRIDAY, 17), "4 pm")


@pytest.mark.parametrize("sentence", ["Shots rang out at 10:30.", "سمع إطلاق نار الساعة الثالثة."])
def test_twelve_hour_time_without_am_or_pm_is_dropped_as_ambiguous(sentence: str) -> None:
    assert resolve_time(sentence, report_date=SATURDAY, context=day_window(FRIDAY)) is None


def test_number_before_a_noun_is_not_a_clock_time() -> None:
    assert resolve_time("About 12 people were hurt.", report_date=SATURDAY) is None


# --------------------------------------------------------------------------- background


@pytest.mark.parametrize(
    ("sentence", "date", "precision", "start", "end"),
    [
        (
            "The vote was held last month.",
            dt.date(2021, 10, 1),
            "month",
            at(dt.date(2021, 10, 1), 0),
            at(dt.date(2021, 11, 1), 0),
        ),
        (
            "أجريت الانتخابات الشهر الماضي.",
            dt.date(2021, 10, 1),
            "month",
            at(dt.date(2021, 10, 1), 0),
            at(dt.date(2021, 11, 1), 0),
        ),
        (
            "Turnout was low last year.",
            None,
            "unknown",
            at(dt.date(2020, 1, 1), 0),
            at(dt.date(2021, 1, 1), 0),
        ),
        (
            "Mass protests swept the capital in 2019.",
            None,
            "unknown",
            at(dt.date(2019, 1, 1), 0),
            at(dt.date(2020, 1, 1), 0),
        ),
        (
            "Voters went to the polls on October 10.",
            dt.date(2021, 10, 10),
            "day",
            at(dt.date(2021, 10, 10), 0),
            at(dt.date(2021, 10, 11), 0),
        ),
        (
            "Factions still dispute the Oct. 10 parliamentary election.",
            dt.date(2021, 10, 10),
            "day",
            at(dt.date(2021, 10, 10), 0),
            at(dt.date(2021, 10, 11), 0),
        ),
        (
            "Results were challenged in October.",
            dt.date(2021, 10, 1),
            "month",
            at(dt.date(2021, 10, 1), 0),
            at(dt.date(2021, 11, 1), 0),
        ),
        ("For several weeks, supporters have camped by the gate.", None, "unknown", None, None),
    ],
)
def test_background_times_are_flagged(
    sentence: str,
    date: dt.date | None,
    precision: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> None:
    ref = resolved(sentence)
    assert ref.background is True
    assert (ref.date, ref.precision, ref.start, ref.end) == (date, precision, start, end)


def test_month_of_the_report_is_not_background() -> None:
    ref = resolved("Tension rose in November.")
    assert (ref.precision, ref.background) == ("month", False)


def test_the_days_event_outranks_a_background_mention() -> None:
    ref = resolved("Militia supporters clashed with police Friday over the elections last month.")
    assert (ref.date, ref.background) == (FRIDAY, False)


def test_possessive_background_only_dates_its_noun() -> None:
    sentence = "Crowds rejecting last month's vote fought the police."
    assert resolve_time(sentence, report_date=SATURDAY) is None


def test_report_dated_the_day_after_keeps_friday_current() -> None:
    ref = resolved("Protesters marched on the zone on Friday.", report_date=SATURDAY)
    assert (ref.date, ref.background) == (FRIDAY, False)


# --------------------------------------------------------------------------- no time


@pytest.mark.parametrize(
    "sentence",
    [
        "Protesters threw stones at the gate.",
        "Some 2000 protesters gathered by the bridge.",
        "The bloc won 73 seats.",
        "The commission turned down 1,300 appeals.",
        "Iran-backed groups want a recount.",
        "",
    ],
)
def test_sentence_without_time_gives_none(sentence: str) -> None:
    assert resolve_time(sentence, report_date=SATURDAY, context=day_window(FRIDAY)) is None


# --------------------------------------------------------------------------- helpers and contracts


def test_day_window_is_the_local_day_with_an_exclusive_end() -> None:
    ref = day_window(FRIDAY)
    assert (ref.date, ref.precision, ref.background) == (FRIDAY, "day", False)
    assert ref.start == dt.datetime(2021, 11, 5, tzinfo=BAGHDAD)
    assert ref.end == dt.datetime(2021, 11, 6, tzinfo=BAGHDAD)
    assert ref.start.utcoffset() == dt.timedelta(hours=3)


def test_time_expression_spans_cover_dates_and_clock_times() -> None:
    sentence = "Voters went out on Oct. 10 and again at 3 pm."
    spans = [sentence[s:e] for s, e in time_expression_spans(sentence)]
    assert spans == ["Oct. 10", "3 pm"]


def test_fold_text_keeps_the_length_and_reads_arabic_indic_digits() -> None:
    text = "في ٥ تشرين الثاني أُصيب"
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert "5" in folded


def test_results_do_not_depend_on_the_machine_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    sentence = "Riot police moved in at 3 pm on Friday."
    expected = resolved(sentence)
    for zone in ("America/Los_Angeles", "Pacific/Auckland", "UTC"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert resolved(sentence) == expected
    monkeypatch.undo()
    time.tzset()
    assert expected.start is not None
    assert expected.start.utcoffset() == dt.timedelta(hours=3)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_none_or_an_aware_baghdad_time(sentence: str) -> None:
    ref = resolve_time(sentence, report_date=SATURDAY, context=day_window(FRIDAY))
    if ref is not None:
        for moment in (ref.start, ref.end):
            assert moment is None or moment.utcoffset() == dt.timedelta(hours=3)
        if ref.start is not None and ref.end is not None:
            assert ref.start < ref.end


@pytest.mark.parametrize(
    ("prefix", "unit", "count", "suffix"),
    [
        ("at least", " ", 40_000, "x"),
        ("", "1,2", 20_000, ""),
        ("", "Friday November 5, 2021 at 3 pm; ", 1_500, ""),
        ("", "9", 50_000, ""),
        ("حتى ساعات", " متأخرة", 8_000, ""),
    ],
)
def test_hostile_text_is_read_in_linear_time(
    prefix: str, unit: str, count: int, suffix: str
) -> None:
    def read(text: str) -> None:
        resolve_time(text, report_date=SATURDAY)
        time_expression_spans(text)

    assert_linear(read, unit, count, prefix=prefix, suffix=suffix)


def _bundled() -> dict[str, object]:
    resource = resources.files("incidents").joinpath("data", "time_expressions.json")
    return json.loads(resource.read_text(encoding="utf-8"))


def test_bundled_vocabulary_loads_and_compiles() -> None:
    vocabulary = _build_vocabulary(_bundled())
    assert vocabulary.months["تشرين الثاني"] == 11
    assert vocabulary.parts_by_name["evening"].start_hour == 18


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: d["months"].pop("12"), "months: expected one entry for every number"),
        (lambda d: d["folding"]["pairs"].update({"ab": "c"}), "must map one character to one"),
        (
            lambda d: d["parts_of_day"]["entries"][0].update({"end_hour": 1}),
            "end_hour must be after start_hour",
        ),
        (lambda d: d["relative_days"]["entries"][0].update({"anchor": "moon"}), "anchor"),
        (lambda d: d.pop("weekdays"), "missing object 'weekdays'"),
    ],
)
def test_broken_vocabulary_names_the_file_and_the_field(breakage, message: str) -> None:
    data = copy.deepcopy(_bundled())
    breakage(data)
    with pytest.raises(IncidentMapperError, match=message) as caught:
        _build_vocabulary(data)
    assert "time_expressions.json" in str(caught.value)


# -------------------------------------------------------------------- issue 11
SATURDAY_REPORT = dt.date(2024, 1, 6)


def _read(sentence: str, **kwargs):
    found = resolve_time(sentence, report_date=SATURDAY_REPORT, context=None, **kwargs)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("Rockets hit at 1900 GMT on Friday.", "2024-01-05T22:00", "2024-01-05T23:00"),
        ("A blast at 2130 local time on Friday.", "2024-01-05T21:30", "2024-01-05T22:30"),
        ("It came at 03:30 (0030 GMT) on Friday.", "2024-01-05T03:30", "2024-01-05T04:30"),
        ("It came at 0030 GMT (03:30 local) on Friday.", "2024-01-05T03:30", "2024-01-05T04:30"),
        ("The attack came at 7 pm local time on Friday.", "2024-01-05T19:00", "2024-01-05T20:00"),
        ("The blast came at 1 a.m. on Friday night.", "2024-01-06T01:00", "2024-01-06T02:00"),
        ("Clashes went on after midnight on Friday night.", "2024-01-06T00:00", "2024-01-06T04:00"),
        ("Clashes overnight Thursday to Friday.", "2024-01-04T22:00", "2024-01-05T04:00"),
        ("Rockets hit late on Saturday.", "2024-01-06T18:00", "2024-01-07T00:00"),
        ("They marched after Friday prayers.", "2024-01-05T12:00", "2024-01-05T15:00"),
        ("At dawn on Friday rockets fell.", "2024-01-05T04:00", "2024-01-05T07:00"),
        ("خرجوا بعد صلاة الجمعة", "2024-01-05T12:00", "2024-01-05T15:00"),
        ("هجوم فجر الجمعة", "2024-01-05T04:00", "2024-01-05T07:00"),
    ],
)
def test_times_as_written(sentence, start, end):
    found = _read(sentence)
    assert found.start.isoformat()[:16] == start
    assert found.end.isoformat()[:16] == end
    assert found.date.isoformat() == start[:10]


def test_a_clock_time_with_a_zone_is_never_a_year():
    found = _read("The barrage began at 1900 GMT.")
    assert not found.background
    assert found.precision != "year"


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("They will march next Friday.", "2024-01-12"),
        ("المتظاهرون سيخرجون الجمعة المقبلة", "2024-01-12"),
    ],
)
def test_next_weekday_is_ahead(sentence, day):
    assert _read(sentence).date.isoformat() == day


def test_forward_reading_never_moves_a_weekday_into_the_past():
    assert _read("They said they would hold a sit-in on Monday.").date == dt.date(2024, 1, 1)
    forward = _read("They said they would hold a sit-in on Monday.", forward=True)
    assert forward.date == dt.date(2024, 1, 8)


def test_a_gmt_time_takes_the_offset_baghdad_had_that_day():
    """Iraq kept summer time (UTC+4) until 2007: 1900 GMT was 23:00 in July 2006."""
    summer = resolve_time(
        "Mortars hit at 1900 GMT on Monday.", report_date=dt.date(2006, 7, 11), context=None
    )
    assert summer is not None
    assert summer.start.isoformat()[:16] == "2006-07-10T23:00"
    assert summer.start.utcoffset() == dt.timedelta(hours=4)


@pytest.mark.parametrize(
    "sentence",
    [
        "Sixty-five were killed yesterday, Saturday (20 July 2013), police said.",
        "لقي 65 شخصا مصرعهم مساء أمس السبت (20 يوليو/ تموز 2013).",
        "The blasts came yesterday, Saturday.",
    ],
)
def test_the_most_explicit_day_of_a_sentence_wins(sentence: str) -> None:
    # The issue is dated Saturday 20 July: "yesterday" alone would be the 19th.
    stated = resolve_time(sentence, report_date=dt.date(2013, 7, 20))
    assert stated is not None
    assert stated.date == dt.date(2013, 7, 20)


def test_yesterday_alone_is_the_day_before() -> None:
    stated = resolve_time("The blasts came yesterday.", report_date=dt.date(2013, 7, 20))
    assert stated is not None
    assert stated.date == dt.date(2013, 7, 19)


WEDNESDAY = dt.date(2024, 5, 1)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A drone attack targeted the airport early on Thursday.", dt.date(2024, 4, 25)),
        ("Protesters gathered in the square on Friday.", dt.date(2024, 4, 26)),
        ("انفجرت عبوة ناسفة يوم الخميس", dt.date(2024, 4, 25)),
    ],
)
def test_a_bare_weekday_of_the_past_week_is_the_reports_own_news(sentence, expected):
    """Wire copy names any day of the past seven by its weekday: not background."""
    ref = resolved(sentence, report_date=WEDNESDAY)
    assert ref.date == expected
    assert ref.background is False


def test_last_weekday_a_week_back_is_background():
    ref = resolved("The rally last Wednesday was peaceful.", report_date=WEDNESDAY)
    assert ref.date == dt.date(2024, 4, 24)
    assert ref.background is True


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The government banned car traffic for Friday.", dt.date(2024, 5, 3)),
        ("Traffic is banned for Wednesday.", WEDNESDAY),
        ("Worshippers gathered for Friday prayers.", dt.date(2024, 4, 26)),
    ],
)
def test_for_a_weekday_is_the_coming_one_unless_a_part_of_the_day_follows(sentence, expected):
    assert resolved(sentence, report_date=WEDNESDAY).date == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "اقتحم المحتجون السفارة ليلة الخميس على الجمعة",
        "Protesters stormed the embassy on Thursday night into Friday.",
    ],
)
def test_the_night_from_one_day_into_the_next(sentence: str) -> None:
    stated = resolve_time(sentence, report_date=dt.date(2023, 7, 21))
    assert stated is not None
    assert stated.date == dt.date(2023, 7, 20)
    assert (stated.start.hour, stated.end.date(), stated.end.hour) == (20, dt.date(2023, 7, 21), 4)


@pytest.mark.parametrize(
    "sentence", ["The talks were postponed to Friday.", "Between Thursday and Friday ten died."]
)
def test_a_second_day_without_a_night_is_no_overnight(sentence: str) -> None:
    stated = resolve_time(sentence, report_date=dt.date(2023, 7, 21))
    assert stated is not None
    assert stated.precision == "day"


@pytest.mark.parametrize(
    "sentence",
    [
        "A car bomb killed 20 people near a market, the deadliest attack in recent months.",
        "The blast was the worst in the capital since 2019, police said.",
        "It was the biggest rally in Baghdad this year.",
        "قتل 20 شخصا بانفجار سيارة مفخخة، في أعنف هجوم منذ أشهر",
    ],
)
def test_a_period_after_a_comparison_word_is_its_range_not_the_sentences_time(
    sentence: str,
) -> None:
    # "the deadliest ... in recent months" compares; it does not put the sentence on another day
    assert resolve_time(sentence, report_date=SATURDAY) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Car bombs have killed hundreds of people in Baghdad in recent months.",
        "The worst of the fighting came last month.",
        "Last month a car bomb killed 20 people, the worst in the city.",
    ],
)
def test_a_period_outside_a_comparison_still_makes_the_sentence_background(sentence: str) -> None:
    assert resolved(sentence).background is True


# ------------------------------------------- issue 11: a clock time belongs to its day


def _days(sentence: str) -> list[tuple[str, str, str]]:
    found = timeref.days_named(sentence, report_date=SATURDAY_REPORT, zone=BAGHDAD)
    return [(sentence[a:b], t.start.isoformat()[:16], t.precision) for a, b, t in found]


@pytest.mark.parametrize(
    "sentence",
    [
        "A rocket hit the embassy at 1900 GMT on Thursday.",
        "A car bomb went off at 7 pm local time on Wednesday.",
        "A bomb exploded at dawn on Friday, police said.",
        "انفجرت عبوة فجر الجمعة",
    ],
)
def test_a_clock_time_or_part_of_day_names_no_day_of_its_own(sentence: str) -> None:
    """One day and a clock time: the sentence names one day, read whole."""
    assert _days(sentence) == []


def test_a_clock_time_is_read_with_the_day_written_next_to_it() -> None:
    sentence = "Calm returned on Saturday after rockets fell at 1900 GMT on Thursday."
    assert _days(sentence) == [
        ("Saturday", "2024-01-06T00:00", "day"),
        ("1900 GMT on Thursday", "2024-01-04T22:00", "hour"),
    ]
    sentence = "Calm returned on Saturday, after a blast at dawn on Friday."
    assert _days(sentence)[1] == ("at dawn on Friday", "2024-01-05T04:00", "part_of_day")


def test_a_clock_time_far_from_any_day_is_left_out() -> None:
    sentence = "Calm returned on Saturday after rockets fell on Thursday; sirens sounded at 9 pm."
    assert [text for text, _, _ in _days(sentence)] == ["Saturday", "Thursday"]


@pytest.mark.parametrize(
    "sentence",
    [
        "No flights use the airport while the curfew is in force; it runs until 6am on Sunday.",
        "The road stays closed till Monday.",
        "Police closed the road to traffic until the morning.",
        "The crossing stays shut until the following day.",
        "ويستمر حظر التجوال حتى صباح الأحد",
        "وتبقى الطرق مغلقة لغاية يوم الاثنين",
    ],
)
def test_a_limit_is_when_something_ends_not_the_sentences_day(sentence: str) -> None:
    assert resolve_time(sentence, report_date=SATURDAY_REPORT, context=None) is None


def test_a_limit_after_another_day_keeps_that_day() -> None:
    found = _read("Protests went on from Wednesday until Friday.")
    assert found.date == dt.date(2024, 1, 3)
    sentence = "The curfew runs until 6am on Sunday."
    context = day_window(SATURDAY_REPORT)
    # the caller keeps the paragraph's day
    assert resolve_time(sentence, report_date=SATURDAY_REPORT, context=context) is None


@pytest.mark.parametrize(
    "sentence",
    ["بعد منتصف ليل الجمعة سقطت صواريخ", "بعد منتصف ليلة الجمعة سقطت صواريخ"],
)
def test_after_the_middle_of_friday_night_is_early_saturday(sentence: str) -> None:
    """Arabic 'after the midnight of Friday's night', like 'after midnight on Friday night'."""
    found = _read(sentence)
    assert found.start.isoformat()[:16] == "2024-01-06T00:00"
    assert found.end.isoformat()[:16] == "2024-01-06T04:00"
