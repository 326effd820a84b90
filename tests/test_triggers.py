"""Incident types, ACLED mapping, status, weapon and target read from one sentence."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.pipeline import analyse_text
from incidents.triggers import TextReader, read_sentence
from incidents.vocabulary import STATUSES, incident_vocabulary

SATURDAY = dt.date(2024, 1, 6)


def told(sentence: str) -> dict[str, tuple[str, str | None, str | None]]:
    return {t.type_id: (t.status, t.weapon, t.target) for t in read_sentence(sentence).triggers}


def test_every_type_maps_to_one_acled_pair_and_every_sub_event_type_is_covered():
    vocabulary = incident_vocabulary()
    taxonomy = vocabulary.acled_taxonomy
    assert len(taxonomy) == 6
    assert sum(len(subs) for subs in taxonomy.values()) == 25
    covered = set()
    for kind in vocabulary.types.values():
        if kind.id in ("casualties", "investigation", "call_to_escalate"):
            # A casualty report takes the mapping of what it reports; a call to escalate is
            # a threat and an inquiry an administrative response: ACLED codes no event.
            assert kind.acled_event_type is None
            assert kind.acled_sub_event_type is None
            continue
        assert kind.acled_sub_event_type in taxonomy[kind.acled_event_type], kind.id
        covered.add((kind.acled_event_type, kind.acled_sub_event_type))
    assert covered == {(event, sub) for event, subs in taxonomy.items() for sub in subs}


def test_yields_to_names_known_types():
    vocabulary = incident_vocabulary()
    for kind in vocabulary.types.values():
        assert kind.yields_to <= set(vocabulary.types), kind.id


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A car bomb exploded near a checkpoint.", "car_bomb"),
        ("A bomb went off in a bus.", "ied"),
        ("A roadside bomb detonated as the convoy passed.", "ied"),
        ("An explosion ripped through the market.", "explosion"),
        ("A suicide bomber blew himself up among the mourners.", "suicide_bombing"),
        ("Three Katyusha rockets landed near the embassy.", "rocket_attack"),
        ("Mortar rounds hit the base.", "mortar_attack"),
        ("A drone struck a car near the airport.", "drone_strike"),
        ("Warplanes carried out an air strike on the camp.", "air_strike"),
        ("Someone threw a hand grenade into the shop.", "grenade_attack"),
        ("Gunmen stormed the house and shot dead two men.", "armed_attack"),
        ("Protesters stormed the embassy.", "storming_attempt"),
        ("Militiamen clashed with security forces.", "armed_clash"),
        ("Unknown gunmen assassinated an activist.", "assassination"),
        ("A journalist was kidnapped in the street.", "kidnapping"),
        ("Police arrested ten suspects.", "arrest"),
        ("Bomb disposal teams defused a sticky bomb under a car.", "disrupted_weapons"),
        ("Rioters looted the shops.", "looting"),
        ("The factions agreed to a truce.", "agreement"),
        ("Security forces fired tear gas at the crowd.", "tear_gas"),
        ("انفجار سيارة مفخخة في السوق", "car_bomb"),
        ("انفجار عبوة ناسفة على الطريق", "ied"),
        ("سقوط صواريخ كاتيوشا قرب السفارة", "rocket_attack"),
        ("هجوم بطائرة مسيرة على المطار", "drone_strike"),
        ("اغتيال ناشط في بغداد", "assassination"),
        ("اختطاف صحفي", "kidnapping"),
    ],
)
def test_wire_copy_triggers_give_the_specific_type(sentence, expected):
    assert next(iter(told(sentence))) == expected


def test_a_shooting_beside_a_blast_is_told_as_itself():
    # "gunmen" alone gives way to the bomb they planted; "shot dead" never does
    assert list(told("Gunmen planted a bomb that killed two.")) == ["ied"]
    assert list(told("Gunmen shot dead two civilians and explosions killed another two.")) == [
        "armed_attack",
        "explosion",
    ]


def test_generic_explosion_gives_way_to_the_device_named():
    assert list(told("A car bomb exploded, a blast heard across the city.")) == ["car_bomb"]
    assert list(told("Police defused a roadside bomb.")) == ["disrupted_weapons"]
    # every form of the verb: a bomb being defused has not gone off
    assert list(told("Soldiers were defusing another car bomb.")) == ["disrupted_weapons"]
    # ... but a crisis defused is no bomb defused (figurative verbs are data: idioms)
    assert list(told("Lawmakers were credited with defusing the crisis.")) == []
    assert list(told("Mediators defused tensions between the factions.")) == []


def test_weapon_and_target_when_the_text_states_them():
    assert told("A car bomb exploded in a crowded market.")["car_bomb"] == (
        "happened",
        "car bomb",
        "market",
    )
    assert told("Katyusha rockets landed near the U.S. embassy.")["rocket_attack"] == (
        "happened",
        "katyusha rocket",
        "embassy",
    )
    assert told("صواريخ كاتيوشا سقطت قرب السفارة")["rocket_attack"][1:] == (
        "katyusha rocket",
        "embassy",
    )
    # no weapon named: none invented
    assert told("A suicide bomber struck a checkpoint.")["suicide_bombing"] == (
        "happened",
        None,
        "checkpoint",
    )
    # a peaceful protest has no weapon even beside tear gas
    assert told("Protesters marched; police fired tear gas.")["protest"][1] is None


def test_tear_gas_fired_is_not_live_fire_but_fired_with_a_firearm_is():
    assert "live_fire" not in told("Police fired tear gas canisters at the protesters.")
    assert "live_fire" in told("Police fired live rounds at the protesters.")
    assert "live_fire" in told("Police fired at the protesters with rifles.")
    assert "live_fire" not in told("Riot police fired at the protesters.")
    assert "live_fire" in told("أطلقت قوات الأمن الرصاص الحي على المتظاهرين")


@pytest.mark.parametrize(
    ("sentence", "type_id", "status"),
    [
        ("Supporters plan to march on the Green Zone next Friday.", "protest", "announced"),
        ("The movement said it would hold a sit-in on Monday.", "sit_in", "announced"),
        ("If the results stand, we will storm the zone.", "storming_attempt", "threatened"),
        ("The militia threatened to storm the Green Zone.", "storming_attempt", "threatened"),
        ("The group vowed to attack the embassy.", "armed_attack", "threatened"),
        ("The ministry denied that rockets hit the airport.", "rocket_attack", "denied"),
        ("Gunmen reportedly kidnapped a contractor.", "kidnapping", "reported"),
        ("Protesters clashed with police.", "clash", "happened"),
        ("Protesters, who plan to return, clashed with police.", "clash", "happened"),
        ("سوف تنظم الحركة تظاهرة يوم الجمعة", "protest", "announced"),
        ("هدد الفصيل باقتحام المنطقة الخضراء", "storming_attempt", "threatened"),
        ("نفت الوزارة وقوع انفجار", "explosion", "denied"),
        ("سيقتحمون المنطقة", "storming_attempt", "announced"),
        # a denied part in an incident is no denied incident
        ("The group denied playing any part in the deadly clashes.", "clash", "happened"),
        ("The militia denied responsibility for the bombing.", "ied", "happened"),
        ("نفت الجماعة أي دور لها في الهجوم على السفارة", "armed_attack", "happened"),
        ("The militia denied that its fighters attacked the embassy.", "armed_attack", "denied"),
        ("Officials fear that militants might attack the embassy.", "armed_attack", "threatened"),
        ("Officials worry that protests in the capital might snowball.", "protest", "threatened"),
        ("Protesters were about to storm the embassy.", "storming_attempt", "announced"),
        ("The blast might have been caused by a gas cylinder.", "explosion", "happened"),
        # a promise with its condition after it is a threat too
        (
            "They said they would storm the gate next Friday if their demands were not met.",
            "storming_attempt",
            "threatened",
        ),
        ("The group will hold a sit-in on Monday unless the minister resigns.", "sit_in",
         "threatened"),
        ("قال المحتجون إنهم سيقتحمون المبنى إذا لم تلب مطالبهم", "storming_attempt",
         "threatened"),
        # a condition in another clause is not this promise's
        ("The group will hold a sit-in on Monday; if it rains, it will move indoors.", "sit_in",
         "announced"),
    ],
)  # fmt: skip
def test_status_from_modality(sentence, type_id, status):
    assert told(sentence)[type_id][0] == status
    assert status in STATUSES


def test_sentences_of_a_paragraph_read_in_one_pass_match_their_own_reading():
    paragraph = "A bomb went off in a market. Police arrested two men. Gunmen fled."
    reader = TextReader(paragraph, 0, len(paragraph))
    spans = [(0, 28), (29, 52), (53, len(paragraph))]
    for start, end in spans:
        own = read_sentence(paragraph[start:end])
        shared = reader.sentence(start, end)
        assert [t.type_id for t in shared.triggers] == [t.type_id for t in own.triggers]
        assert [t.start - start for t in shared.triggers] == [t.start for t in own.triggers]


def test_extract_gives_status_weapon_target_and_acled_mapping(geoparser):
    text = (
        "BAGHDAD, Jan 5 (Reuters) - A car bomb exploded in a crowded market in Karrada on "
        "Friday, killing 12 people, police said.\n\n"
        "The militia said it would storm the Green Zone on Monday."
    )
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    by_type = {i.event_type: i for i in result.incidents}
    bomb, toll, storm = by_type["car_bomb"], by_type["casualties"], by_type["storming_attempt"]
    assert (bomb.acled_event_type, bomb.sub_event_type) == (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    )
    assert (bomb.weapon, bomb.target, bomb.status, bomb.date) == (
        "car bomb",
        "market",
        "happened",
        "2024-01-05",
    )
    assert (toll.killed, toll.claimed_by, toll.scope) == (12, "police", "incident")
    assert (toll.sub_event_type, toll.weapon, toll.target) == (None, "car bomb", "market")
    assert storm.status == "announced"
    assert storm.date == "2024-01-08"  # the coming Monday, never the past one


def test_a_definite_mention_of_a_told_bombing_is_not_a_new_incident(geoparser):
    text = (
        "A car bomb exploded in a market in Karrada on Friday.\n\n"
        "The blast shattered windows. Witnesses said the attack came at noon.\n\n"
        "A second bomb went off in Mansour an hour later."
    )
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    assert [i.event_type for i in result.incidents] == ["car_bomb", "ied"]


def test_a_fire_after_an_explosion_is_its_consequence(geoparser):
    text = "A bomb exploded near the market. Several cars caught fire."
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    assert [i.event_type for i in result.incidents] == ["ied"]
    alone = analyse_text("Protesters set fire to tyres.", source="W", geoparser=geoparser)
    assert [i.event_type for i in alone.incidents] == ["arson"]


def test_supporters_of_armed_groups_are_not_armed_men():
    assert list(told("Supporters of Tehran-aligned armed groups clashed with police.")) == ["clash"]


def test_a_month_name_is_not_a_march():
    assert told("02 March 2006") == {}
    assert told("They will march on Friday.") == {"protest": ("announced", None, None)}


def test_photo_captions_give_no_incident(geoparser):
    text = (
        "Police said two people were hurt when a bomb exploded in Karrada.\n\n"
        "Iraqis carry a coffin after a car bomb killed 57 people. Photograph: A. Name/AP\n\n"
        "FILE PHOTO: Smoke rises after a rocket attack on the Green Zone"
    )
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    assert {i.evidence_start for i in result.incidents} == {0}


def test_an_ordinal_makes_a_definite_mention_a_new_incident():
    assert not read_sentence("The second blast hit the square.").triggers[0].definite
    assert read_sentence("The second blast hit the square.").triggers[0].fresh
    assert not read_sentence("وقع الانفجار الثاني قرب السفارة").triggers[0].definite
    assert read_sentence("The blast hit the square.").triggers[0].definite


def test_a_demonstrative_before_the_ordinal_points_back_to_the_one_told():
    # "How many people that second blast killed was not clear", after "another bomb"
    second = read_sentence("That second blast hit the square.").triggers[0]
    assert second.definite
    assert not second.fresh


def test_arabic_triggers_are_found_with_the_article():
    assert list(told("وقع الانفجار قرب السوق")) == ["explosion"]
    assert list(told("انفجرت العبوة الناسفة")) == ["ied"]


def test_words_inside_a_place_name_are_not_triggers(geoparser):
    result = analyse_text("تجمع المتظاهرون في ساحة التحرير", source="W", geoparser=geoparser)
    assert [i.event_type for i in result.incidents] == ["protest"]


def test_a_cue_governs_the_first_trigger_after_it_only():
    statuses = {
        t.type_id: t.status
        for t in read_sentence(
            "With a planned burning of tyres, protesters broke into the embassy."
        ).triggers
    }
    assert statuses == {"arson": "announced", "storming_attempt": "happened"}


@pytest.mark.parametrize(
    "sentence",
    [
        "The crowds were angry at a Quran burning planned in Stockholm.",
        "Protesters burned the Swedish flag outside the mission.",
        "وهناك أحرقوا العلم السويدي",
        "بعد إحراق نسخة من القرآن في ستوكهولم",
    ],
)
def test_a_thing_burned_as_a_statement_is_no_arson(sentence):
    assert "arson" not in told(sentence)


def test_arson_is_still_arson():
    assert "arson" in told("Protesters set fire to the embassy building.")
    assert "arson" in told("They burned tyres on the bridge.")


def test_a_phrase_after_the_trigger_can_put_it_ahead():
    assert told("The protests set for Friday were called off.")["protest"][0] == "announced"
    assert told("دعت إلى التظاهرة المقررة يوم الجمعة")["protest"][0] == "announced"
    assert told("The march set off from Tahrir Square.")["protest"][0] == "happened"


def test_iraqi_armed_groups_make_a_clash_an_armed_clash():
    assert "armed_clash" in told(
        "Fighting erupted between brigades of the Popular Mobilization Forces and police."
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The command banned every kind of vehicle, motorcycle and bike from the roads.",
        "The government declared a curfew lasting the whole day.",
        "منعت قوات الأمن العراقية سير كل أنواع المركبات",
        "Security forces barred citizens from crossing the bridge.",
        "فرضت السلطات حظر التجول في العاصمة",
    ],
)
def test_curfews_and_movement_bans(sentence):
    assert "movement_ban" in told(sentence)
    assert incident_vocabulary().types["movement_ban"].acled_sub_event_type == "Other"


@pytest.mark.parametrize(
    "sentence",
    ["The court banned the party.", "He was barred from office.", "Stay off the streets."],
)
def test_a_ban_verb_needs_a_thing_it_stops(sentence):
    assert "movement_ban" not in told(sentence)


def test_a_cue_governs_coordinated_triggers():
    statuses = {
        t.type_id: t.status
        for t in read_sentence("Intelligence had warned of car bombs and suicide bombers.").triggers
    }
    assert statuses == {"car_bomb": "threatened", "suicide_bombing": "threatened"}


@pytest.mark.parametrize(
    "sentence",
    ["US commanders say car bombs are still a threat.", "Suicide attacks remain a danger."],
)
def test_a_statement_about_a_kind_of_incident_is_no_incident(sentence):
    assert told(sentence) == {}


def test_types_that_yield_to_each_other_keep_the_one_told_first():
    assert list(told("Gunmen opened fire on the car of an MP, killing a guard.")) == [
        "armed_attack"
    ]


@pytest.mark.parametrize(
    ("sentence", "type_id"),
    [
        ("American troops have caught 61 members of al-Qaida.", "arrest"),
        ("Coalition forces caught one suspect escaping from the scene.", "arrest"),
        ("Security forces found the launch site in western Baghdad.", "disrupted_weapons"),
        ("عثرت القوات الأمنية على منصة إطلاق الصواريخ", "disrupted_weapons"),
    ],
)
def test_catching_and_finding_verbs_with_what_they_catch_or_find(sentence, type_id):
    assert type_id in told(sentence)


@pytest.mark.parametrize(
    "sentence", ["He was caught in the crossfire.", "The bodies were found in the river."]
)
def test_catching_and_finding_verbs_alone_tell_nothing(sentence):
    assert told(sentence) == {}


@pytest.mark.parametrize(
    "sentence",
    [
        "The blast left a civilian fighting for his life.",
        "Fire engines needed more than an hour to reach the stalls.",
        "أعلن وقف إطلاق النار",
    ],
)
def test_a_trigger_inside_a_set_phrase_tells_nothing(sentence):
    assert set(told(sentence)) <= {"explosion"}


def test_gunfire_is_force_against_protesters_only_where_protesters_are(geoparser):
    from incidents.pipeline import analyse_text

    clash = analyse_text(
        "A car bomb exploded near the embassy. US soldiers raked the area with gunfire.",
        source="W",
        geoparser=geoparser,
    )
    assert "live_fire" not in {i.event_type for i in clash.incidents}
    protest = analyse_text(
        "Protesters marched on the bridge. Police opened fire with live rounds.",
        source="W",
        geoparser=geoparser,
    )
    assert "live_fire" in {i.event_type for i in protest.incidents}


@pytest.mark.parametrize(
    ("sentence", "type_id"),
    [
        ("نظم المحتجون اعتصاما أمام الوزارة", "sit_in"),
        ("شنت الطائرات قصفا جويا على المنطقة", "air_strike"),
        ("نفذ المسلحون هجوما انتحاريا على الحاجز", "suicide_bombing"),
        ("أطلق المسلحون صاروخا على القاعدة", "rocket_attack"),
    ],
)
def test_arabic_triggers_are_found_in_the_indefinite_accusative(sentence, type_id):
    """Tanwin fath is written as a final alif on every word that takes one."""
    assert type_id in told(sentence)


def test_the_accusative_alif_is_not_added_after_taa_marbuta_or_to_a_definite_word():
    vocabulary = incident_vocabulary()
    keys = {m.key for m in vocabulary.matcher.candidates("عبوةا الاعتصاما", list(range(16)))}
    assert not keys & {"عبوها", "الاعتصاما"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Protesters assembled in the square outside the ministry.",
        "Hundreds of demonstrators converged on the provincial council.",
        "Demonstrators thronged the streets around the square.",
        "احتشد المتظاهرون في الساحة",
        "تجمهر المحتجون أمام مبنى المحافظة",
        "توافد المتظاهرون إلى الساحة",
    ],
)
def test_gathering_verbs_tell_a_protest(sentence):
    assert "protest" in told(sentence)


def test_a_car_bomb_driven_by_a_suicide_bomber_is_a_suicide_bombing():
    """ACLED codes a suicide car bomb as a suicide bomb: the car bomb gives way."""
    assert list(told("قال المصدر إن انتحاريا يقود سيارة مفخخة هاجم نقطة تفتيش")) == [
        "suicide_bombing"
    ]


def test_a_fire_beside_a_drone_strike_is_no_second_strike():
    """A trigger that yields to the type told repeats it only within one ACLED event type."""
    reading = read_sentence("وأكد مصدر أن هجوما بطائرة مسيرة وقع، وأن حريقا شب في المطار")
    assert [t.type_id for t in reading.triggers] == ["drone_strike"]
    assert reading.repeats == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "Because the shrine matters so much, militants have attacked it again and again.",
        "Gunmen attacked the road time and again.",
        "هاجم المسلحون القاعدة مرارا",
    ],
)
def test_a_trigger_followed_by_a_phrase_of_repetition_is_a_habit_not_an_incident(sentence):
    assert told(sentence) == {}


def test_repetition_in_the_next_clause_or_sentence_does_not_reach_back():
    assert "armed_attack" in told("Gunmen attacked a checkpoint, and police repeatedly fired.")
    text = "A bomb exploded near the market. Officials have said again and again it is safe."
    reader = TextReader(text, 0, len(text))
    assert [t.type_id for t in reader.sentence(0, 32).triggers] == ["ied"]


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("The worst attack since last month's bombings at a college.", {"armed_attack"}),
        ("Iraqis stormed a restaurant, enraged at the massacre in Rafah.", {"storming_attempt"}),
        ("Militants fired rockets in retaliation for the air strike.", {"rocket_attack"}),
        ("منذ أن قتلت انتحارية 40 شخصا", set()),
    ],
)
def test_an_incident_named_as_a_reference_point_or_a_cause_is_not_told(sentence, kept):
    assert set(told(sentence)) == kept


@pytest.mark.parametrize(
    "sentence",
    [
        'An apparent rise in "sticky bombs" is worrying officials.',
        "The opening week of Ramadan brought more suicide bombings than any week before it.",
        "ويثير ارتفاع عدد التفجيرات قلق المسؤولين",
    ],
)
def test_a_trend_or_a_comparison_of_a_kind_is_no_incident(sentence):
    assert told(sentence) == {}


def test_an_incident_after_a_comparative_without_than_is_one():
    assert "ied" in told("More bombs exploded in Karrada on Friday.")


def test_a_weapon_carried_is_not_used_but_attacks_carried_out_are_attacks():
    assert "grenade_attack" not in told("Gunmen carrying grenade launchers burst in.")
    assert "grenade_attack" not in told("وصل مسلحون مدججين بالقنابل اليدوية")
    assert "armed_attack" in told("He was planning and carrying out attacks on the base.")


def test_a_gathering_beside_another_incident_is_its_scene_not_a_protest():
    assert "protest" not in told("A bomb exploded near a crowd of men who had gathered.")
    assert "protest" not in told("وقرب تجمع لشبان انفجرت عبوة ناسفة")
    assert "protest" in told("Protesters gathered in Tahrir Square.")


@pytest.mark.parametrize(
    ("sentence", "type_id"),
    [
        # setting a thing on fire, the thing between ("set two police cars on fire")
        ("Rioters set two police cars on fire outside the council.", "arson"),
        ("Youths set the tyres ablaze on the highway.", "arson"),
        # shots into the air are live fire whatever else is named
        ("Police shot into the air to scatter the crowd.", "live_fire"),
        ("Guards were shooting into the air as tear gas drifted over the bridge.", "live_fire"),
        # force used on protesters
        ("Security forces beat protesters in the square.", "dispersal"),
        ("Riot police beat up demonstrators outside the ministry.", "dispersal"),
        ("اعتدت قوات الأمن على المتظاهرين قرب الجسر", "dispersal"),
        # execution killings
        ("Police found 12 men, blindfolded and shot, in a side street.", "armed_attack"),
        ("The bodies bore signs of torture, police said.", "armed_attack"),
        ("Two men were killed execution-style in Dora.", "armed_attack"),
        # deaths in combat
        ("A soldier died during combat operations west of the capital.", "armed_clash"),
        ("Two Marines were killed in action in Anbar.", "armed_clash"),
        # hostage-taking, the captives named between
        ("Gunmen took five engineers hostage at a checkpoint.", "kidnapping"),
        ("Militants were holding the worshippers hostage inside.", "kidnapping"),
        ("The hostage-taking lasted four hours.", "kidnapping"),
        # crowds wrecking a place
        ("Angry crowds smashed up a liquor store in Karrada.", "mob_violence"),
        ("A crowd trashed the party's office.", "mob_violence"),
        # projectiles that hit something are rounds fired, not stones
        ("Two projectiles slammed into a house near the airport.", "rocket_attack"),
        ("Projectiles landed inside the base.", "rocket_attack"),
        # military strike phrases
        ("The Pentagon said it had carried out a retaliatory strike.", "air_strike"),
        ("A precision strike hit a car on Palestine Street.", "air_strike"),
        ("نفذت ضربة جوية على مقر للفصيل", "air_strike"),
        # getting in
        ("Armed men burst into a wedding hall.", "armed_attack"),
        ("Protesters managed to enter the compound.", "storming_attempt"),
        ("تمكن المحتجون من دخول مبنى المحافظة", "storming_attempt"),
        # protesters' signs, joining a protest
        ("Thousands filled the square holding placards.", "protest"),
        ("Hundreds joined the rally outside the council.", "protest"),
        ("Students took part in demonstrations in Basra.", "protest"),
        ("رفع المحتجون لافتات تطالب بالإصلاح", "protest"),
    ],
)
def test_wire_forms_of_each_class_are_triggers(sentence, type_id):
    assert type_id in told(sentence)


@pytest.mark.parametrize(
    ("sentence", "not_told"),
    [
        ("The blast set several cars on fire.", "arson"),  # the blast's doing
        ("Protesters hurled projectiles at the police.", "rocket_attack"),  # a crowd's
        ("Oil workers launched a strike over unpaid wages.", "air_strike"),  # a labour strike
        ("Teachers carried out a strike across the province.", "air_strike"),
        ("The minister set a date for the vote.", "arson"),
        ("He took the oath of office on Monday.", "kidnapping"),
    ],
)
def test_near_misses_of_those_classes_tell_nothing_of_the_kind(sentence, not_told):
    assert not_told not in told(sentence)


def test_a_drone_named_in_an_air_strike_makes_it_a_drone_strike():
    assert set(told("An air strike by a drone hit the headquarters.")) == {"drone_strike"}


@pytest.mark.parametrize(
    ("sentence", "type_id", "status"),
    [
        # denying a part in it says who did not do it: the incident happened
        ("The militia denied playing any part in the clashes in Dora.", "clash", "happened"),
        ("The group denied responsibility for the rocket attack.", "rocket_attack", "happened"),
        ("نفت الكتائب مسؤوليتها عن الهجوم الصاروخي على المطار", "rocket_attack", "happened"),
        # denying that it happened still denies it
        ("The ministry denied that protesters had stormed the building.", "storming_attempt",
         "denied"),
        ("نفت وزارة الداخلية وقوع الهجوم الصاروخي على المطار", "rocket_attack", "denied"),
    ],
)  # fmt: skip
def test_denying_a_role_in_an_incident_is_not_denying_the_incident(sentence, type_id, status):
    assert told(sentence)[type_id][0] == status


def _paragraph_types(text: str) -> list[list[str]]:
    from incidents.sentences import split_sentences

    reader = TextReader(text, 0, len(text))
    return [
        [t.type_id for t in reader.sentence(a, b).triggers]
        for a, b in split_sentences(text, 0, len(text))
    ]


def test_a_confrontation_in_a_paragraph_of_armed_men_is_an_armed_clash():
    text = "The confrontation broke out on Sunday morning. Police said gunmen had burst in."
    assert _paragraph_types(text) == [["armed_clash"], ["armed_attack"]]


def test_protesters_clashing_stay_a_riot_whoever_else_the_paragraph_names():
    text = "Protesters clashed with riot police near the square. Gunmen later fired at the crowd."
    assert _paragraph_types(text)[0] == ["clash"]


@pytest.mark.parametrize(
    "sentence",
    [
        "A stampede among pilgrims on a bridge killed hundreds on Wednesday.",
        "Dozens died in a crowd crush at the shrine's gate.",
        "لقي 30 شخصا حتفهم في تدافع الزوار قرب المرقد",
    ],
)
def test_a_stampede_is_a_strategic_development_of_its_own(sentence):
    assert "stampede" in told(sentence)
    assert incident_vocabulary().types["stampede"].acled_sub_event_type == "Other"


@pytest.mark.parametrize(
    "sentence",
    [
        "The day ended with 15 demonstrators killed in clashes with police.",
        "Two protesters were shot dead by security forces near the bridge.",
        "قتل متظاهران برصاص قوات الأمن قرب الجسر",
    ],
)
def test_protesters_killed_by_or_in_clashes_with_security_forces_is_lethal_force(sentence):
    assert "live_fire" in told(sentence)


def test_a_toll_of_protesters_with_no_force_named_is_no_gunfire():
    assert "live_fire" not in told("Two protesters had been killed, the group said.")


@pytest.mark.parametrize(
    "sentence",
    [
        "A witness saw one of Monday's blasts, which killed five people in Shaab.",
        "The last of the bombs went off near a bakery.",
        "قال إن أحد التفجيرات استهدف سوقا شعبيا",
        "ووقع انفجاران آخران قرب السوق",
    ],
)
def test_one_of_several_or_another_inflected_is_a_new_incident(sentence):
    reading = read_sentence(sentence)
    assert reading.triggers[0].fresh
    assert not reading.triggers[0].definite


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the crowd acts in a clause of its own: arson beside the bombing
        ("A car bomb exploded near the market, and then angry residents set a police car "
         "on fire.", {"car_bomb", "arson"}),
        # the blast's own doing, in its clause
        ("The car bomb set nearby cars on fire.", {"car_bomb"}),
        ("A car bomb exploded, setting nearby cars ablaze.", {"car_bomb"}),
        # a fire that broke out is a consequence wherever it is told
        ("وأكد مصدر أن هجوما بطائرة مسيرة وقع، وأن حريقا شب في المكان", {"drone_strike"}),
    ],
)  # fmt: skip
def test_a_riot_gives_way_to_a_blast_only_in_its_own_clause(sentence, expected):
    assert set(told(sentence)) == expected


def test_a_bomb_in_a_parked_vehicle_beside_a_suicide_bomber_is_a_bomb_of_its_own():
    both = read_sentence(
        "Police said the blasts combined explosives planted in a parked van with a suicide "
        "bomber who walked into the crowd."
    )
    assert [t.type_id for t in both.triggers] == ["car_bomb", "suicide_bombing"]
    arabic = read_sentence("انفجرت عبوة مزروعة في سيارة مركونة قرب السوق، ثم فجر انتحاري نفسه")
    assert [t.type_id for t in arabic.triggers] == ["car_bomb", "suicide_bombing"]


def test_a_car_bomb_driven_by_a_suicide_bomber_stays_one_suicide_bombing():
    reading = read_sentence("A suicide bomber drove a car bomb into the checkpoint.")
    assert [t.type_id for t in reading.triggers] == ["suicide_bombing"]


def test_parked_triggers_are_composed_of_their_parts():
    car_bomb = incident_vocabulary().types["car_bomb"]
    assert "bomb hidden in a parked car" in car_bomb.unyielding_triggers
    assert "explosives left in the parked truck" in car_bomb.unyielding_triggers
    assert "parked car bomb" in car_bomb.unyielding_triggers


def test_taking_someone_away_is_an_abduction_by_armed_men_only():
    gunmen = read_sentence("Masked gunmen stormed the clinic and dragged him away.")
    assert [t.type_id for t in gunmen.triggers] == ["kidnapping"]
    assert read_sentence("Police led them away to a waiting van.").triggers == ()
    assert [t.type_id for t in read_sentence("اقتاد مسلحون الطبيب من عيادته").triggers] == [
        "kidnapping"
    ]
    assert read_sentence("اقتادته الشرطة إلى المركز").triggers == ()


def test_armed_men_before_the_abduction_they_carried_out_are_no_second_one(geoparser):
    text = "On Sunday 12 gunmen burst into the house of a judge in Karrada, and took him away."
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    kinds = [i.event_type for i in result.incidents if i.acled_event_type]
    assert kinds == ["kidnapping"]


def test_a_strike_on_a_place_or_a_target_is_an_air_strike_but_a_labour_strike_is_none():
    reading = read_sentence("Three men died in Monday's strike on a car in eastern Baghdad.")
    assert [(t.type_id, t.weak) for t in reading.triggers] == [("air_strike", True)]
    assert read_sentence("Teachers began a general strike on Sunday.").triggers == ()
    assert read_sentence("Dock workers have been on strike on and off since May.").triggers == ()
    assert read_sentence("The union called a strike on Monday.").triggers == ()
