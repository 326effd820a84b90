"""Each incident at its own place (issue 10, part 4): incidents/placing.py."""

from __future__ import annotations

import datetime as dt

import pytest

from gazetteer.geoparse import Geoparser
from incidents.pipeline import analyse_text
from incidents.placing import MentionIndex, SentencePlacer, attribution_spans, clause_bounds

FRIDAY = dt.date(2021, 11, 5)


def placer_for(geoparser: Geoparser, text: str) -> SentencePlacer:
    mentions = MentionIndex(geoparser.parse(text))
    return SentencePlacer(0, len(text), text, (0, len(text)), mentions, None)


def place_at(geoparser: Geoparser, text: str, word: str) -> str | None:
    place, _ = placer_for(geoparser, text).at(text.index(word))
    return place.place_id if place is not None else None


@pytest.mark.parametrize(
    ("text", "breaks"),
    [
        ("Stones flew at the gate, while police fired tear gas on the square.", [", while"]),
        ("Crowds massed at the gate; police fired tear gas on the square.", ["; police"]),
        ("Clashes broke out at the gate as protesters marched.", ["as protesters"]),
        ("تجمع المحتجون قرب البوابة، وأطلقت الشرطة الغاز", ["، وأطلقت"]),
        ("Shots rang out on the Karkh side, where the ministry stands.", []),
        ("قتل أربعة في الكرادة، فيما قتل اثنان في الشعب", ["فيما قتل"]),
        ("انفجرت عبوة في الدورة بينما سقطت قذيفة في الشعب", ["بينما سقطت"]),
    ],
)
def test_clause_boundaries(text, breaks):
    bounds = clause_bounds(text)[1:]
    assert [text[b : b + len(w)] for b, w in zip(bounds, breaks, strict=True)] == breaks


def test_each_incident_takes_the_place_of_its_own_clause(geoparser):
    text = (
        "Protesters threw stones outside the Ministry of Planning gate, while riot police "
        "fired tear gas near Tahrir Square."
    )
    assert place_at(geoparser, text, "stones") == "rel:outside:gz_gate_ministry_of_planning"
    assert place_at(geoparser, text, "tear gas") == "rel:near:tahrir_square"


def test_a_toll_takes_the_place_of_its_own_arabic_clause(geoparser):
    """'بينما' and 'فيما' ('while') open a clause: the Kadhimiya toll is not Wahda's."""
    text = (
        "وقتل وأصيب سبعة من الشرطة بانفجار عبوة ناسفة في ناحية الوحدة جنوبي بغداد، "
        "بينما قتل وأصيب سبعة مدنيين بانفجار عبوة ناسفة في مدينة الكاظمية شمالي بغداد."
    )
    result = analyse_text(text, source="Wire", date=FRIDAY, geoparser=geoparser)
    tolls = [(i.place_id, i.injured) for i in result.incidents if i.event_type == "casualties"]
    assert tolls == [("wahda_nahiya", 7), ("kadhimiya", 7)]


def test_an_incident_in_a_clause_without_a_place_takes_the_sentence_place(geoparser):
    text = "Clashes broke out at the Jumhuriya Bridge, and later stones were thrown."
    assert place_at(geoparser, text, "stones") == "bridge_jumhuriya"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ('"They fired at us," said a shopkeeper near Tahrir Square.', "near Tahrir Square"),
        ("A bystander near the Palestine Hotel said he heard shooting.", "Palestine Hotel"),
    ],
)
def test_the_attribution_of_a_quote_is_found(text, span):
    start = text.index(span)
    assert any(a <= start and start + len(span) <= b for a, b in attribution_spans(text))


def test_a_place_in_the_attribution_of_a_quote_is_not_the_incident_place(geoparser):
    text = '"Police fired tear gas at us," said a shopkeeper near Tahrir Square.'
    assert place_at(geoparser, text, "tear gas") is None
    text = "A bystander near the Palestine Hotel said he heard shooting in Karrada."
    assert place_at(geoparser, text, "shooting") == "karrada"


def test_a_paragraph_about_another_city_keeps_its_incidents_off_the_map(geoparser):
    result = analyse_text(
        "In Basra, hundreds of protesters gathered outside the provincial council. "
        "Police fired tear gas to disperse them.\n\n"
        "In Baghdad, protesters gathered at Tahrir Square.",
        name="t.txt", source="Test Wire", date=FRIDAY, geoparser=geoparser,
    )  # fmt: skip
    tear_gas = [i for i in result.incidents if i.event_type == "tear_gas"]
    assert tear_gas
    assert all(i.lat is None for i in tear_gas)
    assert all(i.place_basis == "outside" for i in tear_gas)
    rally = [i for i in result.incidents if i.place_id == "tahrir_square"]
    assert rally


def test_a_paragraph_naming_no_place_goes_on_outside_where_the_one_before_ended(geoparser):
    result = analyse_text(
        "In Baghdad, a bomb wounded two people at Tahrir Square.\n\n"
        "Four people died in the town of Hawija, west of Kirkuk.\n\n"
        "Police said gunmen shot dead two civilians there and a roadside bomb killed two more.",
        name="t.txt", source="Test Wire", date=FRIDAY, geoparser=geoparser,
    )  # fmt: skip
    later = [i for i in result.incidents if "Police said" in i.evidence]
    assert later
    assert all(i.lat is None and i.place_basis == "outside" for i in later)
    assert next(i.place_id for i in result.incidents if "Tahrir" in i.evidence) == "tahrir_square"


def test_a_paragraph_naming_no_place_after_a_located_one_takes_the_report_focus(geoparser):
    result = analyse_text(
        "Protesters gathered at Tahrir Square on Friday.\n\n"
        "Police fired tear gas to disperse them.",
        name="t.txt", source="Test Wire", date=FRIDAY, geoparser=geoparser,
    )  # fmt: skip
    tear_gas = [i for i in result.incidents if i.event_type == "tear_gas"]
    assert tear_gas
    assert all(i.lat is not None and i.place_basis != "outside" for i in tear_gas)


def test_two_places_two_incidents_end_to_end(geoparser):
    result = analyse_text(
        "Protesters threw stones outside the Ministry of Planning gate, while riot police "
        "fired tear gas near Tahrir Square.",
        name="t.txt", source="Test Wire", date=FRIDAY, geoparser=geoparser,
    )  # fmt: skip
    places = {i.event_type: i.place_id for i in result.incidents}
    assert places.get("stone_throwing") == "rel:outside:gz_gate_ministry_of_planning"
    assert places.get("tear_gas") == "rel:near:tahrir_square"


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # coordinated objects of one action: the first, though the square is finer
        ("Police closed the Jumhuriya Bridge and the roads around Tahrir Square.", "closed",
         "bridge_jumhuriya"),
        ("Security forces closed the Sinak Bridge, the Jumhuriya Bridge and Tahrir Square.",
         "closed", "bridge_sinak"),
        ("أغلقت القوات الأمنية جسر الجمهورية والطرق المؤدية إلى ساحة التحرير.", "أغلقت",
         "bridge_jumhuriya"),
        # no coordination: the finest place of the clause, as before
        ("Police closed the Jumhuriya Bridge in Karrada.", "closed", "bridge_jumhuriya"),
        ("Police closed a street in Karrada by Tahrir Square.", "closed", "tahrir_square"),
        # "A, B" alone is an apposition, not a list
        ("Police closed the Jumhuriya Bridge, Tahrir Square.", "closed", "tahrir_square"),
    ],
)  # fmt: skip
def test_coordinated_places_give_the_incident_the_first_of_them(geoparser, text, word, expected):
    assert place_at(geoparser, text, word) == expected


def test_coordination_does_not_cross_a_clause_or_a_full_stop(geoparser):
    text = "Police closed the Jumhuriya Bridge; protesters and police met at Tahrir Square."
    assert place_at(geoparser, text, "met") == "tahrir_square"
