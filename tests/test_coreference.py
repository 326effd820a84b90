"""One incident per thing that happened: later mentions join the incident they tell again."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.pipeline import analyse_text
from incidents.triggers import read_sentence

SATURDAY = dt.date(2024, 1, 6)


def drawn(text: str, geoparser) -> list[tuple[str, str]]:
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    return [
        (i.event_type, i.evidence[:25])
        for i in result.incidents
        if i.acled_event_type is not None and i.status in ("happened", "reported")
    ]


def test_a_witness_retelling_the_blast_is_the_same_incident(geoparser):
    text = (
        "A car bomb ripped through a market in Karrada on Friday, killing 12 people.\n\n"
        'A shopkeeper said the explosion threw him to the ground. "The bombing was huge," '
        "said another."
    )
    assert drawn(text, geoparser) == [("car_bomb", "A car bomb ripped through")]


def test_the_indefinite_mention_tells_the_incident_a_definite_lead_only_names(geoparser):
    text = (
        "Dozens hurt in the blast.\n\n"
        "A car bomb ripped through a market in Karrada on Friday, police said."
    )
    assert drawn(text, geoparser) == [("car_bomb", "A car bomb ripped through")]


def test_an_indefinite_mention_is_a_new_incident(geoparser):
    text = (
        "A car bomb went off in Karrada on Friday. A car bomb also went off near a mosque, "
        "police said. وانفجرت سيارة مفخخة قرب سوق شعبي."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb", "car_bomb", "car_bomb"]


def test_an_ordinal_or_another_place_makes_a_new_incident(geoparser):
    text = (
        "A bomb exploded in Karrada on Friday. The explosion in Mansour killed two. "
        "A third blast hit a checkpoint."
    )
    assert len(drawn(text, geoparser)) == 3


def test_an_attack_told_in_another_city_is_another_incident(geoparser):
    """Wire roundups tell one shooting per town: Mosul's is not Kirkuk's, nor Baghdad's."""
    text = (
        "In Kirkuk, gunmen shot dead two civilians on Friday.\n\n"
        "In Mosul, gunmen killed a policeman and his son in a drive-by shooting.\n\n"
        "In Baghdad, gunmen opened fire on a van in the Yarmouk neighborhood, killing one."
    )
    attacks = [e for t, e in drawn(text, geoparser) if t == "armed_attack"]
    assert attacks == [
        "In Kirkuk, gunmen shot de",
        "In Mosul, gunmen killed a",
        "In Baghdad, gunmen opened",
    ]


def test_a_paragraph_about_another_city_tells_incidents_of_its_own(geoparser):
    text = (
        "A car bomb killed 13 people in Kadhimiya on Friday.\n\n"
        "Four people died in Kirkuk the same day.\n\n"
        "Police said gunmen shot dead two civilians and explosions killed another two."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb", "armed_attack", "explosion"]


def test_a_definite_mention_beside_another_city_tells_the_incident_again(geoparser):
    text = (
        "A car bomb ripped through a market in Sadr City on Friday, killing 12 people.\n\n"
        "A correspondent reporting from the northern city of Irbil said the blast was heard "
        "across the capital."
    )
    assert drawn(text, geoparser) == [("car_bomb", "A car bomb ripped through")]


def test_the_second_of_two_told_is_the_second_told(geoparser):
    # "the second blast" with two told is one of them (tests/test_discourse.py has more)
    text = (
        "A bomb exploded in Karrada on Friday. The explosion in Mansour killed two. "
        "The second blast hit a checkpoint."
    )
    assert len(drawn(text, geoparser)) == 2


def test_a_weak_mention_told_first_takes_the_type_a_later_mention_gives(geoparser):
    text = (
        "President Bush denounced the attack on the parliament building in the Green Zone.\n\n"
        "He said the bombing would not stop the government."
    )
    assert drawn(text, geoparser) == [("ied", "President Bush denounced ")]


def test_protests_are_never_joined(geoparser):
    text = (
        "Protesters marched to Tahrir Square on Friday. Later the protesters marched "
        "to the Jumhuriya bridge."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["protest", "protest"]


@pytest.mark.parametrize(
    ("sentence", "indefinite"),
    [
        ("A car bomb exploded.", True),
        ("Two roadside bombs went off.", True),
        ("A huge car bomb exploded.", True),
        ("The car bomb exploded.", False),
        ("Car bombs went off.", False),
        ("انفجرت سيارة مفخخة", True),
        ("انفجرت السيارة المفخخة", False),
    ],
)
def test_indefinite_mentions(sentence, indefinite):
    assert read_sentence(sentence).triggers[0].indefinite is indefinite


def test_a_weak_trigger_alone_needs_a_place_weapon_actor_or_figure(geoparser):
    assert drawn("Raids went on for a second day.", geoparser) == []
    assert drawn("The attack at a checkpoint in Dora killed two.", geoparser)
    assert [t for t, _ in drawn("Gunmen attacked the convoy.", geoparser)] == ["armed_attack"]


def test_ambiguous_words_are_not_stormings_or_sit_ins(geoparser):
    assert drawn("The attack came in the morning rush hour, killing five.", geoparser) == [
        ("armed_attack", "The attack came in the mo")
    ]
    assert drawn("Funeral tents went up across Sadr City.", geoparser) == []
    assert drawn('"It is a grave breach of the convention," the ministry said.', geoparser) == []


def test_a_summary_gives_way_to_the_incidents_it_sums_up(geoparser):
    text = (
        "A string of car bombs in central Baghdad killed 17 people on Friday.\n\n"
        "One exploded near an office in Karrada. Within the hour a car bomb blew up in "
        "Mansour. Shortly afterwards a car bomb went off in Sadr City."
    )
    assert [p for _, p in drawn_places(text, geoparser)] == ["karrada", "mansour", "sadr_city"]


def test_a_summary_with_a_place_of_its_own_is_an_incident(geoparser):
    text = (
        "In Karrada two car bombs killed eight people on Friday. A car bomb blew up in "
        "Mansour. A car bomb went off in Sadr City."
    )
    assert len(drawn(text, geoparser)) == 3


def test_the_rounds_of_a_salvo_are_one_attack(geoparser):
    text = (
        "Three Katyusha rockets were fired at Baghdad airport on Friday. One rocket came "
        "down on the runway and a second hit a hangar."
    )
    assert len(drawn(text, geoparser)) == 1


def drawn_places(text: str, geoparser) -> list[tuple[str, str | None]]:
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    return [
        (i.event_type, i.place_id)
        for i in result.incidents
        if i.acled_event_type is not None and i.status in ("happened", "reported")
    ]


def test_a_headline_names_the_incident_the_text_then_tells(geoparser):
    text = (
        "Suicide bomber kills 17 day laborers in Karrada\n\n"
        "On Friday a suicide bomber killed 17 day laborers in Karrada, police said."
    )
    assert drawn(text, geoparser) == [("suicide_bombing", "On Friday a suicide bombe")]


def test_a_roundups_subhead_with_a_bracketed_place_is_a_headline(geoparser):
    """A security brief's items open with "- Title (Place)": the tag in brackets is no
    closing punctuation, and the item's sentence tells the incident its subhead names."""
    text = (
        "- Soldiers Injured in Explosion (Karrada)\n"
        "An explosion wounded two soldiers in Karrada on Saturday."
    )
    assert drawn(text, geoparser) == [("explosion", "An explosion wounded two ")]


def test_a_definite_mention_of_a_measure_or_storming_is_the_one_told(geoparser):
    # "The ban" is the ban told, even announced the day before the day it holds for.
    text = (
        "The government has banned car traffic in Baghdad for Sunday.\n\n"
        "The ban on vehicles was announced on state television late on Saturday.\n\n"
        "Police arrested ten suspects in Karrada. The arrests were made at dawn.\n\n"
        "This is the second ban since the shrine was bombed."
    )
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    kinds = [(i.event_type, i.status) for i in result.incidents if i.acled_event_type]
    assert kinds == [("movement_ban", "announced"), ("arrest", "happened")]


def test_an_indefinite_or_verbal_mention_of_a_measure_is_another_one(geoparser):
    text = (
        "Police arrested ten suspects in Karrada on Saturday. Later police arrested "
        "two more men. Security forces closed the Sinak bridge. Later they closed a "
        "second bridge."
    )
    assert [t for t, _ in drawn(text, geoparser)] == [
        "arrest", "arrest", "gate_closure", "gate_closure"
    ]  # fmt: skip


def test_a_summary_with_a_place_gives_way_when_one_is_told_there(geoparser):
    text = (
        "Of the four car bombs on Friday, three hit Karrada. One exploded near an office "
        "in Karrada. Within the hour a car bomb blew up in Mansour."
    )
    assert [p for _, p in drawn_places(text, geoparser)] == ["karrada", "mansour"]


@pytest.mark.parametrize(
    "summary",
    [
        "Twelve car bombs and two roadside bombs hit Baghdad on Friday.",
        "Four car bombs, one of them driven by a suicide bomber, hit Baghdad on Friday.",
        "هزت بغداد يوم الجمعة سلسلة من الانفجارات نفذت بتسع سيارات مفخخة.",
        # named first, then summed up: the sum takes the name's place, and gives way
        "The White House condemned the bombings. Six bombings hit Baghdad on Friday.",
    ],
)
def test_every_trigger_of_a_summary_sentence_gives_way_to_the_incidents(summary, geoparser):
    text = (
        f"{summary}\n\nA car bomb exploded near an office in Karrada. Within the hour a car "
        "bomb blew up in Mansour."
    )
    assert [p for _, p in drawn_places(text, geoparser)] == ["karrada", "mansour"]


def test_the_protest_after_a_riot_that_day_is_that_riot(geoparser):
    riot = "Protesters forced their way into the Swedish embassy on Saturday and set it on fire."
    assert [
        t for t, _ in drawn(f"{riot} Supporters of the cleric called the protest.", geoparser)
    ] == ["storming_attempt"]
    # a protest told as such (not by a bare definite noun) is another one
    later = "Later hundreds of people marched to Tahrir Square."
    assert [t for t, _ in drawn(f"{riot} {later}", geoparser)] == ["storming_attempt", "protest"]


def test_a_definite_mention_with_no_day_of_its_own_is_the_one_told_before(geoparser):
    text = (
        "On Friday a car bomb exploded in Karrada. On Saturday police arrested two men.\n\n"
        "The car bombing in Karrada may have been meant to draw attention away."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb", "arrest"]


def test_the_stampede_told_again_is_the_one_told(geoparser):
    text = (
        "A stampede among pilgrims on the Aimmah bridge on Saturday killed hundreds.\n\n"
        "The stampede started when panic spread through the crowd."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["stampede"]


def test_that_second_blast_is_the_one_told_second(geoparser):
    text = (
        "A car bomb exploded in Mutanabi Street on Saturday. At the same time another bomb "
        "went off in Bab al Muadham. How many people that second blast killed was not clear."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb", "ied"]


def test_the_confrontation_after_an_armed_clash_is_that_clash(geoparser):
    text = (
        "Militiamen clashed with security forces in Dora on Saturday.\n\n"
        "The confrontation, the group said, grew out of a standoff over an appointment."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["armed_clash"]


def test_a_sum_of_protests_gives_way_to_the_protests_told_one_by_one(geoparser):
    text = (
        "Across Iraq on Saturday, thousands of people marched in a dozen or more "
        "demonstrations.\n\nIn Basra, protesters marched to the governor's office. In Mosul, "
        "hundreds of people rallied outside the provincial council."
    )
    assert [e for _, e in drawn(text, geoparser)] == [
        "In Basra, protesters marc",
        "In Mosul, hundreds of peo",
    ]


@pytest.mark.parametrize(
    "second",
    [
        "Three Katyusha rockets landed inside the Green Zone.",
        "A salvo of rockets hit the Green Zone, the security media cell said.",
        "سقطت ثلاثة صواريخ كاتيوشا داخل المنطقة الخضراء.",
    ],
)
def test_an_attack_at_the_district_next_door_is_another_incident(second, geoparser):
    """Karrada is kilometres wide and the Green Zone lies within its radius, but neither
    lies inside the other: rockets there are not the car bomb told before, even when the
    rockets are a salvo (whose rounds are one attack) and of the same ACLED event type."""
    text = f"A car bomb exploded near a market in Karrada on Saturday, killing four.\n\n{second}"
    assert [t for t, _ in drawn(text, geoparser)] == ["car_bomb", "rocket_attack"]


def test_a_definite_weapon_after_a_foiled_attack_is_that_weapon(geoparser):
    """The bomb police defused is no explosion when the next sentence tells of it."""
    text = (
        "Police defused a bomb in Karrada on Saturday. The bomb had been planted under a "
        "parked car.\n\nAir defences shot down a drone near Baghdad airport. The drone "
        "carried no explosives."
    )
    assert [t for t, _ in drawn(text, geoparser)] == ["disrupted_weapons", "disrupted_weapons"]
    # told without a foiled attack, the definite bomb is the explosion told before it
    text = "A bomb exploded in Karrada on Saturday. The bomb had been planted under a car."
    assert drawn(text, geoparser) == [("ied", "A bomb exploded in Karrad")]


def test_each_item_of_a_roundup_is_a_story_of_its_own(geoparser):
    """Under a bulleted subhead, 'the drone' is never the explosion of the item before."""
    text = (
        "Here is a roundup of the security incidents reported on Saturday.\n\n"
        "- Soldiers Wounded in Explosion (Diyala)\n"
        "An explosion wounded two soldiers south of Baquba in Diyala province.\n\n"
        "- Damage Reported (Baghdad)\n"
        "The drone crashed into a house, police said."
    )
    assert drawn(text, geoparser) == [
        ("explosion", "An explosion wounded two "),
        ("drone_strike", "The drone crashed into a "),
    ]
    # the article's own subheads go on with its story
    text = (
        "A car bomb exploded in Karrada on Saturday, killing five people.\n\n"
        "Reactions\n\n"
        "The bombing was condemned by the prime minister."
    )
    assert drawn(text, geoparser) == [("car_bomb", "A car bomb exploded in Ka")]


def test_a_subhead_measure_is_told_by_the_sentence_after_it(geoparser):
    """'- Weapons Display Arrests (Baghdad)' names the arrest the next line tells: one
    arrest, with that line for evidence, even though it speaks of videos posted."""
    text = (
        "Here is a roundup of the security incidents reported on Saturday.\n\n"
        "- Weapons Display Arrests (Baghdad)\n"
        "Security forces arrested young people who had posted videos showing off firearms "
        "on social media."
    )
    assert drawn(text, geoparser) == [("arrest", "Security forces arrested ")]
