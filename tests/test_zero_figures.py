"""Tests for negated casualty statements: figures of 0 (incidents.zero_figures) and the
incident a claim of no casualties speaks of (incidents.extract). Every sentence here is
written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.casualties import find_casualty_claims
from incidents.pipeline import analyse_text

DAY = dt.date(2024, 3, 10)


def figures(sentence: str) -> list[tuple[int | None, int | None]]:
    return [(c.killed, c.injured) for c in find_casualty_claims(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a filler between the negator and the noun
        ("There were no immediate casualties.", [(0, 0)]),
        ("There were no reported casualties in the blast.", [(0, 0)]),
        ("دون تسجيل أي إصابات.", [(None, 0)]),
        # every absent noun coordinated with the first
        ("There were no deaths or injuries.", [(0, 0)]),
        ("لم يسفر عن سقوط قتلى أو جرحى.", [(0, 0)]),
        # a negated verb of causing, its subject before the noun
        ("ولم يسفر الانفجار عن وقوع إصابات.", [(None, 0)]),
        ("ولم يسفر الهجوم عن سقوط ضحايا.", [(0, 0)]),
        ("ولم تقع إصابات في صفوف المدنيين.", [(None, 0)]),
        ("دون وقوع خسائر في الأرواح.", [(0, 0)]),
        # an English negated verb of causing is a negator too
        ("The blast, which did not cause any casualties, came from old military waste.", [(0, 0)]),
        ("The shelling did not result in any deaths.", [(0, None)]),
        # a casualty verb with no one as its object
        ("ولم يصب أحد بأذى.", [(None, 0)]),
    ],
)
def test_a_negator_before_the_casualty_noun_or_verb_gives_zero(sentence, expected) -> None:
    assert figures(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("No one was immediately hurt.", [(0, 0)]),  # was 1 injured: "one ... hurt"
        ("Not one soldier was hurt in the attack.", [(None, 0)]),
        ("Not a single protester was killed.", [(0, None)]),
    ],
)
def test_a_negated_number_is_a_zero_never_the_number(sentence, expected) -> None:
    assert figures(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "No gunshot wounds were recorded.",  # a qualified noun says nothing of the injured
        "There were no immediate reports of casualties.",  # only nothing reported
        "No fewer than five people were killed.",
    ],
)
def test_what_negation_does_not_cover(sentence) -> None:
    assert all(figure != (0, 0) and 0 not in figure for figure in figures(sentence))


@pytest.fixture
def analyse(geoparser):
    def run(text: str):
        return analyse_text(
            text, name="test.txt", geoparser=geoparser, source="Test Wire", date=DAY
        ).incidents

    return run


def test_a_claim_of_no_casualties_speaks_of_the_last_incident_told(analyse) -> None:
    """In a paragraph that tells no incident, "nobody was hurt" is a zero claim about the
    incident told before it (its weapon repeated), not an incident of its own."""
    incidents = analyse(
        "A sticky bomb went off under a car in Mansour on Sunday.\n\n"
        "Nobody was hurt, a police officer told reporters."
    )
    (claim,) = [i for i in incidents if i.event_type == "casualties"]
    assert (claim.killed, claim.injured, claim.weapon) == (0, 0, "sticky bomb")


def test_a_claim_of_no_casualties_about_nothing_told_is_dropped(analyse) -> None:
    incidents = analyse("Nobody was hurt, a police officer told reporters on Sunday.")
    assert [i for i in incidents if i.event_type == "casualties"] == []


def test_a_zero_beside_a_toll_stays_with_the_toll(analyse) -> None:
    """A toll tells its incident: the zero of the same sentence is its claim, as before."""
    incidents = analyse("The ministry said 12 people were wounded in Karrada but nobody died.")
    tolls = [(i.killed, i.injured) for i in incidents if i.event_type == "casualties"]
    assert tolls == [(None, 12), (0, None)]
