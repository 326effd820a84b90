"""How a sentence tells its incidents: retold, pointing back, or no incident at all."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from geo.errors import DataFileError
from geo.resources import read_json_resource
from incidents.discourse import build_discourse_rules, discourse_rules, read_telling
from incidents.pipeline import analyse_text
from incidents.triggers import read_sentence
from incidents.vocabulary import incident_vocabulary

SUNDAY = dt.date(2024, 3, 3)


def telling(sentence: str):
    vocabulary = incident_vocabulary()
    return read_telling(sentence, 0, read_sentence(sentence, vocabulary), vocabulary)


def kept(sentence: str) -> list[str]:
    return [t.type_id for t in telling(sentence).reading.triggers]


def drawn(text: str, geoparser) -> list[tuple[str, str]]:
    result = analyse_text(text, source="Wire", date=SUNDAY, geoparser=geoparser)
    return [
        (i.event_type, i.evidence[:30])
        for i in result.incidents
        if i.acled_event_type is not None and i.status in ("happened", "reported")
    ]


def test_the_rules_load_normalised():
    rules = discourse_rules()
    assert "according to" in rules.attribution
    assert "افاد" in rules.attribution  # أفاد, folded as report text is
    assert rules.anaphora_window > 0


def _broken(edit) -> DataFileError:
    raw = copy.deepcopy(read_json_resource("incidents", "discourse.json"))
    edit(raw)
    with pytest.raises(DataFileError) as caught:
        build_discourse_rules(raw)
    return caught.value


@pytest.mark.parametrize(
    ("edit", "section", "message"),
    [
        (lambda raw: raw.pop("footage"), "top", "missing object 'footage'"),
        (lambda raw: raw["footage"].update(window="12"), "footage", "'window' must be a whole"),
        (lambda raw: raw["scene"].update(phrases=[]), "scene", "'phrases' must be a non-empty"),
        (lambda raw: raw["belief"].update(phrases=["x", 3]), "belief.phrases", "every entry"),
        (lambda raw: raw["ordinal"]["numbers"].update(second="2"), "ordinal.numbers", "'second'"),
        (lambda raw: raw["ordinal"].update(arabic_article=""), "ordinal", "'arabic_article'"),
        (lambda raw: raw["reference"].update(not_after=[]), "reference", "'not_after' must"),
        (
            lambda raw: raw["purpose"]["phrases"].append("one two three four five six"),
            "purpose.phrases",
            "more than 5 words",
        ),
    ],
)
def test_a_malformed_rules_file_is_refused_naming_file_and_section(edit, section, message):
    error = _broken(edit)
    assert error.path == "<bundled incidents/data/discourse.json>"
    assert error.section == section
    assert message in error.message


def test_the_checked_rules_are_the_bundled_rules():
    assert build_discourse_rules(read_json_resource("incidents", "discourse.json")) == (
        discourse_rules()
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Checkpoints were doubled overnight, apparently to keep gunmen from crossing the river.",
        "The army sealed the district to prevent car bombs reaching the market.",
        "انتشرت القوات في الشوارع لمنع وقوع هجمات مسلحة.",
    ],
)
def test_what_a_measure_aims_at_is_no_incident(sentence):
    assert not any(t in kept(sentence) for t in ("armed_attack", "car_bomb", "armed_clash", "ied"))


def test_a_protest_a_measure_aims_at_is_still_told():
    # Only point-like violence is an aim: "trying to stop the march" still tells the march.
    assert "protest" in kept(
        "Riot police tried to stop a demonstration of teachers near the ministry."
    )


@pytest.mark.parametrize(
    ("sentence", "gone"),
    [
        ("By nightfall the old city was close to a lockdown.", "gate_closure"),
        ("كادت تندلع اشتباكات بين الطرفين قرب الجسر.", "clash"),
    ],
)
def test_what_nearly_happened_is_no_incident(sentence, gone):
    assert gone not in kept(sentence)


def test_close_to_a_place_is_not_an_approximation():
    assert "explosion" in kept("A second explosion shook the houses close to the explosion site.")


@pytest.mark.parametrize(
    "sentence",
    [
        "The market had stayed busy for weeks under tightened security.",
        "The base, where some 2,000 foreign troops are stationed, lies west of the city.",
    ],
)
def test_a_state_is_no_deployment(sentence):
    assert "deployment" not in kept(sentence)


def test_a_deployment_told_with_its_verb_stays():
    assert "deployment" in kept("Extra troops were deployed around the ministry on Sunday.")


def test_a_closure_by_the_perpetrators_is_part_of_their_attack():
    assert "gate_closure" not in kept(
        "The attackers closed the road with two pickup trucks before they opened fire."
    )
    assert "gate_closure" in kept("Police closed the road after the attack.")


def test_armed_men_an_arrest_caught_are_no_attack():
    assert kept("Police arrested two gunmen in a raid on a farm south of the city.") == ["arrest"]
    assert "armed_attack" not in kept("واعتقلت قوات الأمن مسلحا مطلوبا في حي العامل.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Pilgrims gather each year for the day that marks the battle of Karbala in 680.",
        "Crowds filled the square on the anniversary of the bombing of the shrine.",
        "Three men accused of the bombing were sentenced to death.",
    ],
)
def test_a_commemoration_or_an_accusation_names_another_incident(sentence):
    reading = telling(sentence).reading
    assert not any(
        t.type_id in ("armed_clash", "car_bomb", "explosion", "ied") for t in reading.triggers
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Over the past three months, officials have watched the sticky bombs more closely.",
        "In recent weeks police have found more roadside bombs along the highway.",
        "وخلال الأشهر الماضية تزايدت العبوات اللاصقة في العاصمة.",
    ],
)
def test_a_sentence_framed_by_a_period_tells_a_trend(sentence):
    assert telling(sentence).background


def test_a_period_of_hours_is_no_trend():
    assert not telling("In the past hour, a car bomb exploded near the bank.").background


@pytest.mark.parametrize(
    ("sentence", "retold"),
    [
        ("A police officer said a roadside bomb had gone off near the bridge.", True),
        ("وأفاد مصدر أمني بأن عبوة ناسفة انفجرت قرب الجسر.", True),
        ("Elsewhere, police said a roadside bomb killed two soldiers.", False),
        ("A roadside bomb went off near the bridge.", False),
    ],
)
def test_a_sentence_given_to_a_source_retells(sentence, retold):
    assert telling(sentence).retold is retold


def test_a_pronoun_subject_points_back():
    (trigger,) = telling("Nobody knew who was inside when it was stormed.").reading.triggers
    assert trigger.definite
    assert not trigger.indefinite


def test_the_site_of_the_blast_points_back():
    found = telling("A guard of the embassy died near the site of the blast.")
    (trigger,) = found.reading.triggers
    assert trigger.definite
    assert trigger.start in found.scenes


def test_footage_is_read():
    assert telling("Videos posted online showed flames rising from the building.").footage
    assert telling("وتظهر مقاطع مصورة النيران تلتهم المبنى.").footage
    assert not telling("Flames rose from the building.").footage


def test_a_sources_retelling_joins_the_incident(geoparser):
    text = (
        "A roadside bomb exploded under a police patrol in Dora on Sunday, killing two.\n\n"
        "A police spokesman said a bomb attack had taken place in the area and that "
        "three officers were wounded."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["ied"]


def test_another_place_named_by_a_source_is_another_incident(geoparser):
    text = (
        "A roadside bomb exploded under a police patrol in Dora on Sunday, killing two.\n\n"
        "Police said a roadside bomb also wounded three people in Shaab."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["ied", "ied"]


@pytest.mark.parametrize(
    "text",
    [
        "A car bomb exploded near a market in Karrada on Sunday, police said.\n\n"
        "Police said a roadside bomb wounded three soldiers in Dora.",
        "A car bomb exploded in Mansour on Sunday.\n\n"
        "Police said a bomb went off in Yarmouk, killing one.",
        "انفجرت سيارة مفخخة في الغزالية يوم الأحد.\n\n"
        "وقالت الشرطة إن عبوة ناسفة انفجرت في العامرية وأصابت ثلاثة.",
    ],
)
def test_a_neighbouring_district_named_by_a_source_is_another_incident(text, geoparser):
    """Wire roundups give every incident to a source: a district next to the first (near,
    since districts are wide, but not within it) is another incident, not a retelling."""
    assert len(drawn(text, geoparser)) == 2, drawn(text, geoparser)


def test_a_sum_of_several_is_not_retold_by_one(geoparser):
    text = (
        "Officials said five car bombs hit the capital on Sunday.\n\n"
        "Police said a car bomb exploded in Karrada, killing four.\n\n"
        "Police said a car bomb exploded in Mansour, killing three."
    )
    found = drawn(text, geoparser)
    assert [e for _, e in found] == [
        "Police said a car bomb explode",
        "Police said a car bomb explode",
    ]


def test_the_finer_telling_takes_the_place_of_a_bare_explosion(geoparser):
    text = (
        "A correspondent said an explosion was heard in the east of the capital on Sunday.\n\n"
        "A security official said a drone strike hit a militia headquarters in Palestine "
        "Street, killing two."
    )
    assert drawn(text, geoparser) == [("drone_strike", "A security official said a dro")]


def test_footage_of_a_fire_told_is_that_fire(geoparser):
    text = (
        "Protesters stormed the embassy compound on Sunday and set fire to a building.\n\n"
        "Videos shared online show flames and smoke pouring from the building."
    )
    assert all("Videos" not in e for _, e in drawn(text, geoparser))


def test_a_blast_told_near_its_first_place_is_that_blast(geoparser):
    text = (
        "A car bomb exploded in Karrada on Sunday, killing five people.\n\n"
        "The source said the explosion happened near the Suspension Bridge."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb"]


def test_a_trends_later_mentions_are_no_incident(geoparser):
    text = (
        "Over the past two months, officials have been watching the sticky bombs closely.\n\n"
        "The bombs are generally stuck under a car while it is parked."
    )
    assert drawn(text, geoparser) == []


def test_a_subhead_of_a_weak_word_and_a_place_names_a_topic(geoparser):
    text = (
        "Gunmen shot dead a shop owner in Dora on Sunday, police said.\n\n"
        "Baquba raids\n\n"
        "Troops detained 20 suspects in Baquba, the army said."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["armed_attack", "arrest"]


def test_a_fire_a_blast_left_tells_no_protest(geoparser):
    text = (
        "A car bomb went off near a convoy in Tahrir Square on Sunday.\n\n"
        "The vehicle was left a burnt-out shell.\n\n"
        "Police shot into the air to open a way for the ambulances."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb"]


def test_a_superlative_names_an_incident_the_text_then_tells(geoparser):
    text = (
        "The deadliest attack in the capital since the spring.\n\n"
        "A roadside bomb went off in Bab al-Sharqi.\n\n"
        "On Sunday a car bomb exploded near a bookshop in Mutanabi Street, killing 20."
    )
    found = drawn(text, geoparser)
    assert [t for t, _ in found] == ["ied", "car_bomb"]
    assert found[1][1].startswith("On Sunday a car bomb")


def test_a_superlative_is_read_before_a_weak_trigger_only():
    assert telling("It was the worst attack on the city in months.").named
    assert not telling("A car bomb exploded in the biggest market of the city.").named


def test_what_someone_thought_is_no_incident():
    assert kept("The guards may have fired because they thought they were under attack.") == []


def test_a_possessive_relative_points_back():
    (trigger,) = telling(
        "Those whose demonstrations drew the crackdown wanted reform."
    ).reading.triggers
    assert trigger.definite


def test_a_definite_object_makes_a_definite_find():
    (trigger,) = telling(
        '"We found the launcher in a pickup truck," the officer said.'
    ).reading.triggers
    assert trigger.definite
    (first,) = telling("Police found a rocket launcher in a pickup truck.").reading.triggers
    assert not first.definite


def test_a_bare_fire_without_protesters_is_no_riot(geoparser):
    text = (
        "Two armed groups clashed near a ministry office in Dora on Sunday.\n\n"
        "A rescue team was met with heavy fire as it reached the building."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["armed_clash"]


def test_what_a_measure_follows_is_told_elsewhere():
    assert "armed_attack" not in kept(
        "The government detained an official following a deadly armed assault on an office."
    )
    assert "car_bomb" in kept("The following day a car bomb exploded near the bank.")


def test_a_telling_that_states_its_day_takes_the_place_of_an_undated_naming(geoparser):
    text = (
        "Officials called the bombing in Karrada a crime against civilians.\n\n"
        "The ministry said on Sunday it would hold a meeting on security, and on Sunday it "
        "closed two schools.\n\n"
        "On Friday a car bomb exploded near a market in Karrada, killing eight people."
    )
    result = analyse_text(text, source="Wire", date=SUNDAY, geoparser=geoparser)
    bombings = [i for i in result.incidents if i.acled_event_type == "Explosions/Remote violence"]
    assert [(i.event_type, i.date) for i in bombings] == [("car_bomb", "2024-03-01")]


def test_a_weak_storming_verb_in_the_passive_is_no_storming():
    assert kept("The wounded were rushed to a hospital in Karrada.") == []
    assert "storming_attempt" in kept("Hundreds of protesters rushed towards the gate.")


def test_the_second_of_two_told_is_one_of_them(geoparser):
    text = (
        "A car bomb exploded near a market in Karrada on Sunday. Minutes later a roadside "
        "bomb went off at a checkpoint nearby.\n\n"
        "Witnesses said the second bomb wounded six policemen."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb", "ied"]


def test_the_second_after_one_told_is_a_new_one(geoparser):
    text = (
        "A car bomb exploded near a market in Karrada on Sunday.\n\n"
        "The second bomb went off ten minutes later near a bank in Mansour."
    )
    assert len(drawn(text, geoparser)) == 2


def test_an_ordinal_after_the_article_is_read():
    found = telling("Witnesses said the second bomb went off moments later.")
    assert [n for _, n in found.ordinals] == [2]
    assert [n for _, n in telling("وأضاف أن الانفجار الثاني طال السفارة.").ordinals] == [2]
    assert telling("A second bomb went off moments later.").ordinals == ()


def test_the_men_behind_an_attack_name_it_a_claim_tells_it():
    assert "ied" not in kept("Police said two gunmen behind a roadside bomb attack were held.")
    assert kept("The group said it was behind a car bomb attack on the market.") != []
