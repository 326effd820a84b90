"""Incident extraction rules, one or more tests each, on reports written for the purpose."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.extract import focus_place, sentence_actors, sentence_types, time_text
from incidents.model import INCIDENT_COLUMNS
from incidents.pipeline import analyse_text, incidents_frame
from incidents.triggers import read_sentence

FRIDAY = dt.date(2021, 11, 5)


@pytest.fixture
def analyse(geoparser):
    def run(text, **kwargs):
        kwargs.setdefault("source", "Test Wire")
        kwargs.setdefault("date", FRIDAY)
        return analyse_text(text, name="test.txt", geoparser=geoparser, **kwargs)

    return run


def by_type(result, event_type):
    found = [i for i in result.incidents if i.event_type == event_type]
    assert found, [(i.event_type, i.evidence) for i in result.incidents]
    return found


# -------------------------------------------------------------------- types
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Police fired tear gas and rubber bullets at the crowd.", ["tear_gas", "rubber_bullets"]),
        ("Security forces opened fire on the protesters.", ["live_fire"]),
        ("Protesters set fire to tents near the gate.", ["arson"]),
        ("Young men hurled stones at riot police.", ["stone_throwing"]),
        ("The crowd tried to storm the compound.", ["storming_attempt"]),
        ("Authorities shut the gates of the zone.", ["gate_closure"]),
        ("يرشقون قوات الأمن بالحجارة", ["stone_throwing"]),
        ("اشتباكات بين المتظاهرين وقوات الأمن", ["clash"]),
        ("مجاميع من المتظاهرين حاولت قطع الطريق بالإطارات", ["barricade"]),
    ],
)
def test_trigger_phrases_give_types(sentence, expected):
    assert sentence_types(sentence) == expected


def test_longest_trigger_wins_so_opened_fire_is_not_arson():
    assert sentence_types("Guards opened fire.") == ["live_fire"]


def test_negated_triggers_do_not_count():
    assert sentence_types("There was no gunfire and no tear gas.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Nobody broke into the bank.",
        "The crowd didn't storm the compound.",
        "None of them threw stones.",
    ],
)
def test_a_negated_subject_or_a_contraction_negates_the_trigger(sentence):
    assert sentence_types(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Attackers often strike their targets with silenced pistols or small bombs.",
        "Militants regularly fire rockets at the base.",
        "غالبا ما يستهدف المسلحون نقاط التفتيش بالعبوات الناسفة",
    ],
)
def test_an_adverb_of_frequency_before_the_trigger_tells_a_habit(sentence):
    assert sentence_types(sentence) == []
    # in another clause it does not
    assert sentence_types("Attacks often come at night, and on Monday a bomb exploded.") == ["ied"]


def test_gunfire_told_alone_with_a_toll_is_an_attack(analyse):
    """In a report of no protest, gunfire that kills is an attack; beside a bombing it
    is part of the bombing."""
    result = analyse("In Rashidiya a quarrel turned into gunfire that killed one person.")
    assert [i.event_type for i in result.incidents if i.acled_event_type] == ["armed_attack"]
    result = analyse("عثر في بغداد على جثث أربعة رجال قتلوا بالرصاص.")
    assert [i.event_type for i in result.incidents if i.acled_event_type] == ["armed_attack"]
    result = analyse("A car bomb exploded in Karrada and gunfire killed two people.")
    assert [i.event_type for i in result.incidents if i.acled_event_type] == ["car_bomb"]
    result = analyse("Gunfire was heard in Karrada overnight.")
    assert [i.event_type for i in result.incidents if i.acled_event_type] == []


def test_taking_part_in_the_protest_is_the_protest_told(analyse):
    """'took part in the protest' points back as 'the protest' would: no second one."""
    result = analyse(
        "Hundreds of Iraqis protested outside the Central Bank of Iraq on Friday.\n\n"
        "Between 300 and 400 people took part in the protest, police said."
    )
    assert [i.event_type for i in result.incidents if i.acled_event_type] == ["protest"]
    reading = read_sentence("Crowds took part in a protest in Tahrir Square.")
    assert [(t.definite, t.weak) for t in reading.triggers] == [(False, False)]


def test_called_for_actions_are_kept_as_threats_not_as_what_happened():
    reading = read_sentence("The alliance met, urging supporters to storm the zone.")
    statuses = {t.type_id: t.status for t in reading.triggers}
    assert statuses == {"call_to_escalate": "happened", "storming_attempt": "threatened"}


def test_weak_triggers_yield_to_real_incidents():
    assert sentence_types("A fire tore through the tents.") == ["arson"]
    assert sentence_types("Protesters put up tents.") == ["sit_in"]


def test_protest_nouns_only_count_when_nothing_else_happened():
    assert sentence_types("The protests turned violent as police fired tear gas.") == ["tear_gas"]
    assert sentence_types("The protests went on.") == ["protest"]


def test_actors_are_named_most_specific_first():
    actors = sentence_actors("Militia supporters and protesters threw stones at riot police.")
    assert actors == ("Protesters (militia supporters)", "Security forces (Iraq)")


# -------------------------------------------------------------------- places
def test_place_comes_from_the_sentence_first(analyse):
    result = analyse("Police fired tear gas at Tahrir Square on Friday.")
    incident = by_type(result, "tear_gas")[0]
    assert (incident.place_id, incident.place_basis) == ("tahrir_square", "sentence")
    assert incident.geo_precision == "exact"


def test_place_falls_back_to_the_paragraph_then_the_report_focus(analyse):
    text = (
        "Crowds gathered at the Jumhuriya Bridge on Friday. Police then fired tear gas.\n\n"
        "Later, tents were set on fire."
    )
    result = analyse(text)
    assert by_type(result, "tear_gas")[0].place_basis == "paragraph"
    arson = by_type(result, "arson")[0]
    assert (arson.place_id, arson.place_basis) == ("bridge_jumhuriya", "report_focus")


def test_incidents_in_places_outside_baghdad_are_not_placed(analyse):
    result = analyse("Tear gas at Tahrir Square. In Basra, protesters blocked the road.")
    blockade = by_type(result, "barricade")[0]
    assert blockade.place_id is None
    assert blockade.lat is None


def test_focus_place_prefers_the_most_mentioned_fine_place(analyse):
    result = analyse("Baghdad was tense. At the Green Zone, and again at the Green Zone gate.")
    assert focus_place(result.mentions).place_id == "green_zone"


# -------------------------------------------------------------------- time
def test_weekday_and_part_of_day_resolve_in_baghdad_time(analyse):
    result = analyse("Riot police fired tear gas on Friday evening.", date=dt.date(2021, 11, 6))
    incident = by_type(result, "tear_gas")[0]
    assert incident.date == "2021-11-05"
    assert incident.time_start == "2021-11-05T18:00:00+03:00"
    assert incident.time_precision == "part_of_day"


def test_a_day_after_report_keeps_the_day_its_prose_is_about(analyse):
    text = "On Friday, clashes broke out at the Green Zone. Tear gas filled the streets."
    result = analyse(text, date=dt.date(2021, 11, 6))
    assert {i.date for i in result.incidents} == {"2021-11-05"}


def test_background_facts_are_not_incidents_of_the_day(analyse):
    result = analyse("Protesters clashed with police over the Oct. 10 election results last month.")
    assert result.incidents == ()


def test_undated_reports_keep_incidents_with_unknown_time(analyse):
    result = analyse("Police fired tear gas at Tahrir Square.", date=None)
    incident = by_type(result, "tear_gas")[0]
    assert (incident.date, incident.time_precision) == (None, "unknown")


# -------------------------------------------------------------------- sources and claims
def test_embedded_posts_are_sub_reports_with_their_own_source(analyse):
    text = (
        "Clashes went on at the Green Zone on Friday.\n\n"
        "Tear gas fired at the Tahrir Square crowd pic.twitter.com/Ab12Cd3 "
        "— Field Notes (@field_notes) November 5, 2021"
    )
    result = analyse(text)
    post = by_type(result, "tear_gas")[0]
    assert (post.source, post.source_type, post.via) == ("@field_notes", "social", "Test Wire")
    assert "@field_notes" not in post.evidence


def test_contradicting_casualty_claims_are_all_kept(analyse):
    text = (
        "At least 125 people were injured, according to the Health Ministry. "
        "A militia said three of its members had been killed."
    )
    claims = by_type(analyse(text), "casualties")
    assert [(c.killed, c.injured, c.claim_status) for c in claims] == [
        (None, 125, "official"),
        (3, None, "claimed"),
    ]


def test_evidence_is_the_verbatim_sentence_with_its_span(analyse):
    text = "date 2021-11-05\nRiot police fired tear gas at the crowd.  Later it rained."
    result = analyse(text)
    incident = by_type(result, "tear_gas")[0]
    assert text[incident.evidence_start : incident.evidence_end] == incident.evidence
    assert incident.evidence == "Riot police fired tear gas at the crowd."


def test_ids_are_stable_and_the_frame_has_the_documented_columns(analyse):
    text = "Police fired tear gas at Tahrir Square on Friday."
    first, second = analyse(text), analyse(text)
    assert [i.incident_id for i in first.incidents] == [i.incident_id for i in second.incidents]
    frame = incidents_frame(first.incidents)
    assert list(frame.columns) == [*INCIDENT_COLUMNS, "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert frame["killed"].dtype == "Int64"


def test_describe_shows_mapping_status_weapon_target_and_claim(analyse):
    text = "A car bomb exploded in a market in Karrada, killing 12 people, police said."
    lines = [i.describe() for i in analyse(text).incidents]
    assert "car_bomb" in lines[0]
    assert "[Explosions/Remote violence / Remote explosive/landmine/IED]" in lines[0]
    assert "happened" in lines[0]
    assert "weapon=car bomb" in lines[0]
    assert "target=market" in lines[0]
    assert "killed=12 injured=None by=police (official, incident)" in lines[1]


def test_tolls_of_another_day_are_kept_apart_with_their_scope(geoparser):
    from incidents.pipeline import analyse_text

    text = (
        "A car bomb exploded in Karrada on Friday, killing 12 people.\n\n"
        "Five American troops died in combat in Iraq last month. A Jan. 3 strike in "
        "Mansour killed three guards."
    )
    result = analyse_text(text, source="Wire", date=dt.date(2024, 1, 20), geoparser=geoparser)
    tolls = {(i.killed, i.scope, i.date) for i in result.incidents if i.event_type == "casualties"}
    assert (12, "incident", "2024-01-19") in tolls
    assert any(killed == 5 and scope == "cumulative" for killed, scope, _ in tolls)
    assert (3, "incident", "2024-01-03") in tolls
    drawn = [i for i in result.incidents if i.acled_event_type is not None]
    assert [i.event_type for i in drawn] == ["car_bomb"]  # another day's strike is context


WEDNESDAY = dt.date(2024, 5, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A drone attack targeted Baghdad International Airport early on Thursday.",
            "drone_strike",
        ),
        ("Protesters gathered in Tahrir Square in central Baghdad on Friday.", "protest"),
        ("انفجرت عبوة ناسفة قرب دورية للشرطة في الدورة يوم الخميس.", "ied"),
    ],
)
def test_an_incident_of_a_weekday_earlier_in_the_week_is_told(analyse, text, expected):
    """A Wednesday report of Thursday's or Friday's incident (wire style) dates it, not
    drops it as background."""
    result = analyse(text, date=WEDNESDAY)
    assert [i.event_type for i in result.incidents if i.event_type != "casualties"] == [expected]
    assert result.incidents[0].status == "happened"
    assert result.incidents[0].date < WEDNESDAY.isoformat()


def test_a_bomb_that_killed_six_is_a_bombing_with_one_figure(analyse):
    result = analyse("A bomb killed six people in Baghdad on Saturday night.", date=WEDNESDAY)
    assert [i.event_type for i in result.incidents] == ["ied", "casualties"]
    assert [i.killed for i in result.incidents if i.event_type == "casualties"] == [6]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one crowd's storming and arson, one volley of water and gas: one ACLED event each
        (
            "Protesters stormed the Swedish embassy in Baghdad on Friday and set it on fire.",
            [("storming_attempt", "Riots"), ("arson", None)],
        ),
        (
            "Police turned water cannons and tear gas on protesters in Tahrir Square on Friday.",
            [("water_cannon", "Protests"), ("tear_gas", None)],
        ),
        # the act placed no finer than the city is at the other's place
        (
            "Rioters have stormed the Swedish embassy in Baghdad, Iraq, and set it alight.",
            [("storming_attempt", "Riots"), ("arson", None)],
        ),
        # acts of two ACLED sub-event types are two events
        (
            "Protesters stormed the embassy on Friday and police closed the Sinak bridge.",
            [("storming_attempt", "Riots"), ("gate_closure", "Strategic developments")],
        ),
    ],
)
def test_acts_of_one_acled_event_in_a_sentence_keep_one_acled_type(analyse, text, expected):
    incidents = [i for i in analyse(text).incidents if i.event_type != "casualties"]
    assert [(i.event_type, i.acled_event_type) for i in incidents] == expected


# ----------------------------------------------------- issue 11: the dateline dates the report


@pytest.mark.parametrize(
    "text",
    [
        "Baghdad, March 3, 2024 (Wire) - A car bomb exploded in a market in Karrada on Friday, "
        "killing five people. Organisers said they plan to march in Tahrir Square next Friday.",
        "بغداد - 3 آذار/مارس 2024: انفجرت سيارة مفخخة في سوق الكرادة يوم الجمعة ما أدى إلى "
        "مقتل خمسة أشخاص. وقال المنظمون إنهم سيتظاهرون في ساحة التحرير يوم الجمعة المقبل.",
    ],
)
def test_a_dateline_is_the_date_the_weekdays_count_from(analyse, text):
    """With no other date, 'Friday' in a report filed on Sunday 3 March 2024 is 1 March and
    'next Friday' is 8 March; without the dateline both stayed unknown or wrong."""
    result = analyse(text, source=None, date=None)
    dates = {i.event_type: i.date for i in result.incidents}
    assert dates["car_bomb"] == "2024-03-01"
    assert dates["protest"] == "2024-03-08"


# --------------------------------------------------------------------------- times and names


def test_time_text_blanks_place_names_and_keeps_offsets() -> None:
    text = "Tyres burned at the 14 July Bridge on Friday."
    start = text.index("14 July Bridge")
    blanked = time_text(text, [(start, start + len("14 July Bridge")), (start, start + 2)])
    assert len(blanked) == len(text)
    assert blanked == text.replace("14 July Bridge", " " * len("14 July Bridge"))
    assert time_text(text, []) is text


@pytest.mark.parametrize(
    ("sentence", "event_type"),
    [
        ("Protesters burned tyres at the 14 July Bridge.", "arson"),
        ("Protesters burned tyres on the 14th of July Bridge.", "arson"),
        ("أطلقت قوات الأمن الغاز المسيل للدموع على المحتجين عند جسر 14 تموز.", "tear_gas"),
    ],
)
def test_a_date_inside_a_place_name_is_no_time(sentence: str, event_type: str, geoparser) -> None:
    """The bridge's name is not 14 July: the incident keeps the report's day, not July's."""
    result = analyse_text(sentence, source="Wire", date=dt.date(2021, 11, 5), geoparser=geoparser)
    assert [(i.event_type, i.date) for i in result.incidents] == [(event_type, "2021-11-05")]


def test_a_weekday_nothing_dates_never_takes_another_days_date(geoparser) -> None:
    """No report date: "on Friday" is not the Thursday the first sentence dates; a weekday
    that is the dated day's own is that day."""
    text = (
        "A drone hit a compound on Palestine Street on Jan. 4, 2024, a Thursday.\n\n"
        "Hundreds protested in Tahrir Square on Friday.\n\n"
        "On Thursday, police closed Palestine Street."
    )
    result = analyse_text(text, source="Wire", geoparser=geoparser)
    assert [(i.evidence[:9], i.date) for i in result.incidents] == [
        ("A drone h", "2024-01-04"),
        ("Hundreds ", None),
        ("On Thursd", "2024-01-04"),
    ]


def test_each_incident_keeps_the_clock_time_and_day_of_its_sentence(analyse):
    """A report of Saturday 9 March 2024 that is mostly about Friday: a sentence's clock
    time or part of the day is read with the day next to it, never with Friday."""
    text = (
        "Protesters gathered in Tahrir Square on Friday. Rockets were fired at Tahrir Square "
        "on Friday. A rocket hit the Green Zone at 1900 GMT on Thursday, wounding two guards. "
        "A car bomb exploded in Karrada at 7 pm local time on Wednesday, killing three people. "
        "A suicide bomber struck a market in Karrada at dawn on Thursday, killing 12 people."
    )
    result = analyse(text, date=dt.date(2024, 3, 9))
    starts = {(i.event_type, i.evidence[:12]): i.time_start[:16] for i in result.incidents}
    assert starts[("rocket_attack", "A rocket hit")] == "2024-03-07T22:00"
    assert starts[("casualties", "A rocket hit")] == "2024-03-07T22:00"
    assert starts[("car_bomb", "A car bomb e")] == "2024-03-06T19:00"
    assert starts[("suicide_bombing", "A suicide bo")] == "2024-03-07T04:00"
