"""Nouns that fit their kind, the capital, institutions that speak (issue 10, part 3)."""

from __future__ import annotations

import pytest

from gazetteer.geoparse import Geoparser, PlaceMention


def parse(geoparser: Geoparser, text: str) -> list[PlaceMention]:
    found = geoparser.parse(text)
    for m in found:
        assert text[m.start : m.end] == m.text
    return found


def find(geoparser: Geoparser, text: str, needle: str) -> PlaceMention:
    hits = [m for m in parse(geoparser, text) if needle in m.text]
    assert len(hits) == 1, [(m.text, m.role, m.place_id) for m in parse(geoparser, text)]
    return hits[0]


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("Shots rang out near the Palestine Hotel. Later the ministry was hit.", "the ministry"),
        ("Crowds gathered at Tahrir Square. The embassy closed its doors.", "The embassy"),
        ("Crowds gathered at Tahrir Square. The headquarters was shelled.", "The headquarters"),
        ("Crowds gathered at Tahrir Square. A fire broke out in the building.", "the building"),
        ("Crowds gathered at Tahrir Square. The hospital took the wounded.", "The hospital"),
    ],
)
def test_a_noun_with_nothing_of_its_kind_in_play_stays_unresolved(geoparser, text, noun):
    mention = find(geoparser, text, noun)
    assert mention.role == "location"
    assert mention.resolved_by == "unresolved"
    assert mention.lat is None
    assert not mention.is_location
    assert mention.note


@pytest.mark.parametrize(
    ("text", "noun", "place_id"),
    [
        ("Rockets fell near the US Embassy. The embassy sounded its alarms.", "The embassy",
         "us_embassy"),
        ("Protesters reached the Ministry of Planning. The ministry was evacuated.",
         "The ministry", "ministry_of_planning"),
        ("Protesters crossed the Jumhuriya Bridge. The bridge was then closed.", "The bridge",
         "bridge_jumhuriya"),
        ("A car bomb hit Shorja market. The market was packed.", "The market", "shorja_market"),
        ("Gunmen stormed Our Lady of Salvation Church. The church was sealed.", "The church",
         "our_lady_of_salvation"),
    ],
)  # fmt: skip
def test_a_noun_resolves_to_the_place_of_its_kind_in_play(geoparser, text, noun, place_id):
    assert find(geoparser, text, noun).place_id == place_id


def test_the_suspension_bridge_gate_is_not_the_bridge(geoparser):
    text = "Crowds rushed the suspension bridge gate. The bridge was closed."
    assert find(geoparser, text, "The bridge").place_id != "gz_gate_suspension_bridge"


@pytest.mark.parametrize(
    "text",
    ["The Iraqi capital was calm on Friday.", "هدوء في العاصمة العراقية صباح الجمعة"],
)
def test_the_iraqi_capital_is_the_city(geoparser, text):
    located = [m for m in parse(geoparser, text) if m.is_location]
    assert [m.place_id for m in located] == ["baghdad_city"]


def test_the_capital_after_another_country_is_not_baghdad(geoparser):
    text = "Thousands marched in Tehran on Friday. The capital was tense."
    capital = find(geoparser, text, "capital")
    assert capital.role == "outside"
    assert capital.lat is None
    assert "Tehran" in capital.note


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("The US embassy in Baghdad said it was safe.", "embassy"),
        ("Five died, according to the health ministry.", "ministry"),
        ("The Interior Ministry said five had died.", "Ministry"),
        # a statement's stance speaks as the statement does
        ("The Iraqi Foreign Ministry condemned the burning of the embassy.", "Ministry"),
        ("The US embassy in Baghdad welcomed the arrests.", "embassy"),
        ("وأدانت وزارة الخارجية العراقية الهجوم", "وزارة"),
        # an office holder's body
        ("Mustafa Makhaif, the former governor of the Central Bank of Iraq, left.", "Bank"),
        ("وأقيل محافظ البنك المركزي العراقي من منصبه", "البنك"),
    ],
)
def test_an_institution_that_speaks_is_an_organisation(geoparser, text, needle):
    found = [m for m in parse(geoparser, text) if needle in m.text]
    assert all(not m.is_location for m in found), found


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Clashes in Diyala province left three dead.", "Diyala province"),
        ("A bomb went off 40km north of Baghdad.", "north of Baghdad"),
        ("Hilla police said a convoy was hit south of the capital.", "south of the capital"),
        ("Troops raided villages in Diyala province, north of Baghdad.", "north of Baghdad"),
    ],
)
def test_places_beyond_the_city_are_outside(geoparser, text, needle):
    mention = find(geoparser, text, needle)
    assert mention.role == "outside"
    assert mention.lat is None


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen killed two farmers in Diyala on Monday.",
        "Bombs went off in Baghdad and Diyala.",
        "قتل مسلحون مزارعين اثنين في ديالى.",
    ],
)
def test_a_river_name_written_bare_is_the_governorate_named_after_it(geoparser, text):
    """English writes a river with the article: a bare 'Diyala' is the governorate."""
    needle = "ديالى" if "ديالى" in text else "Diyala"
    mention = find(geoparser, text, needle)
    assert mention.role == "outside"
    assert mention.place_id is None


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("A body was pulled from the Diyala near the bridge.", "Diyala"),
        ("Fishermen on the Diyala River found a body.", "Diyala River"),
        ("انتشلت جثة من نهر ديالى.", "نهر ديالى"),
    ],
)
def test_a_river_name_with_the_article_or_its_kind_word_is_the_river(geoparser, text, needle):
    mention = find(geoparser, text, needle)
    assert (mention.place_id, mention.role) == ("diyala_river", "location")


def test_a_distance_before_a_direction_is_part_of_the_mention(geoparser):
    assert find(geoparser, "A bomb went off 40km north of Baghdad.", "north").text == (
        "40km north of Baghdad"
    )


def test_a_family_name_is_not_a_place(geoparser):
    mention = find(geoparser, "Gunmen shot Ahmed al-Obaidi outside his home.", "Obaidi")
    assert mention.role == "person"
    assert mention.lat is None


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("Rockets hit Baghdad's heavily fortified Green Zone.", "green_zone"),
        ("Raids in the Baghdad district of Sadr City went on.", "sadr_city"),
        ("A bomb hit a marketplace in the Baghdad district of Sadr City.", "sadr_city"),
        ("A bomb hit a busy market in Baghdad's northern Shaab district.", "shaab"),
        ("Tents went up in Baghdad's impoverished Shi'ite neighborhood of Sadr City.", "sadr_city"),
    ],
)
def test_the_city_as_container_is_one_mention(geoparser, text, place_id):
    located = [m for m in parse(geoparser, text) if m.is_location]
    assert [m.place_id for m in located] == [place_id]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("A Baghdad emergency police official said 24 bodies were found.", "Baghdad"),
        ("قالت عمليات بغداد إن الهجوم فشل", "بغداد"),
    ],
)
def test_a_city_in_an_organisation_name_is_not_mapped(geoparser, text, needle):
    mention = find(geoparser, text, needle)
    assert mention.role == "organisation"


def test_a_city_noun_after_a_name_says_where_not_what(geoparser):
    found = [m for m in parse(geoparser, "A bomb hit Palestine Street in the capital.")
             if m.is_location]  # fmt: skip
    assert [(m.text, m.place_id) for m in found] == [
        ("Palestine Street", "palestine_street"),
        ("the capital", "baghdad_city"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "By Staff Writer\n\nBAGHDAD, Aug 4 -- Bombs hit Karrada.",
        "AMMAN/BAGHDAD (Reuters) - A car bomb hit Karrada.",
        "BAGHDAD, Iraq (AP) — A car bomb hit Karrada.",
    ],
)
def test_a_wire_dateline_opening_a_line_is_not_a_location(geoparser, text):
    roles = {m.text: m.role for m in parse(geoparser, text)}
    assert roles["BAGHDAD"] == "dateline"
    assert roles.get("Iraq", "dateline") == "dateline"
    assert roles["Karrada"] == "location"


@pytest.mark.parametrize(
    ("text", "needle"),
    [("Prime Minister Iyad Allawi spoke.", "Allawi"), ("By Ahmed Rasheed\n", "Rasheed")],
)
def test_a_name_after_a_title_or_byline_is_a_person(geoparser, text, needle):
    assert find(geoparser, text, needle).role == "person"


def test_the_city_of_another_place_is_not_baghdad(geoparser):
    text = "A bomb went off in the northern city of Mosul."
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == []


def test_some_bridge_of_the_city_is_no_place_on_the_map(geoparser):
    text = "In Baghdad, soldiers sealed off a bridge."
    assert [m.text for m in parse(geoparser, text) if m.is_location] == ["Baghdad"]


def test_names_survive_a_description_that_names_no_known_place(geoparser):
    text = "A car bomb ripped through a Shi'ite neighborhood in Baghdad."
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == ["baghdad_city"]


@pytest.mark.parametrize(
    "text",
    [
        "Rioters stormed Denmark's embassy in Baghdad.",
        "Rioters stormed the Danish Embassy in Baghdad.",
    ],
)
def test_a_site_in_the_city_that_the_gazetteer_lacks_is_not_mapped_to_the_city(geoparser, text):
    assert [m.text for m in parse(geoparser, text) if m.is_location] == []


def test_an_area_noun_after_a_name_starts_its_own_description(geoparser):
    text = "The blast burned much of the Jameela market in the district of Sadr City."
    located = {m.place_id for m in parse(geoparser, text) if m.is_location}
    assert located == {"jamila_market", "sadr_city"}


def test_sadr_city_is_not_the_capital(geoparser):
    text = "Raids went on in Sadr City. The capital was tense."
    assert find(geoparser, text, "capital").place_id == "baghdad_city"


def test_a_person_named_once_stays_a_person(geoparser):
    text = "Prime Minister Iyad Allawi spoke on Friday. Allawi said calm would return."
    assert {m.role for m in parse(geoparser, text) if "Allawi" in m.text} == {"person"}


def test_an_imported_outline_is_placed_at_its_label_point(gazetteer, geoparser):
    place = gazetteer["sadr_city"]
    assert place.label_point is not None
    mention = find(geoparser, "Raids went on in Sadr City.", "Sadr City")
    assert (mention.lon, mention.lat) == pytest.approx(place.label_point)


@pytest.mark.parametrize(
    "text",
    [
        "Intro.\n\nAMMAN/BAGHDAD, 8 August 2003 — A car bomb hit Karrada.",
        "Intro.\n\nBAGHDAD | Mon Jun 24, 2013\n\nA car bomb hit Karrada.",
        "Shafaq News – Baghdad\n\nA car bomb hit Karrada.",
    ],
)
def test_more_dateline_forms(geoparser, text):
    roles = {m.text.casefold(): m.role for m in parse(geoparser, text)}
    assert roles["baghdad"] == "dateline"
    assert roles["karrada"] == "location"


@pytest.mark.parametrize(
    "text",
    [
        "Blast in Karrada\nBy Staff Writer\n\nBaghdad, March 3 (Wire) - A car bomb hit Karrada.",
        "انفجار في الكرادة\n\nبغداد - 3 آذار/مارس: انفجرت سيارة مفخخة في الكرادة.",
        "انفجار في الكرادة\n\nبغداد 7 تشرين الثاني (أ ف ب) - انفجرت سيارة في الكرادة.",
    ],
)
def test_a_city_with_a_dated_dateline_after_a_title_is_a_dateline(geoparser, text):
    """In any case or script, a city opening a line before a day, a month and a dash."""
    mentions = parse(geoparser, text)
    city = next(m for m in mentions if m.place_id == "baghdad_city" or m.role == "dateline")
    assert city.role == "dateline"
    assert [m.role for m in mentions if m.text in ("Karrada", "الكرادة")] == ["location"] * 2


def test_a_city_opening_a_sentence_with_a_figure_is_a_place(geoparser):
    text = "Intro.\n\nBaghdad 3 blasts - the capital shook."
    assert find(geoparser, text, "Baghdad").is_location


def test_beyond_or_outside_the_city_is_outside(geoparser):
    assert find(geoparser, "Rockets fell outside Baghdad.", "Baghdad").role == "outside"
    assert find(geoparser, "Tents stood outside the Green Zone.", "Zone").is_location


def test_another_countrys_institution_is_not_ours(geoparser):
    text = "Tehran said the Iranian Ministry of Foreign Affairs condemned it."
    assert find(geoparser, text, "Ministry").role == "organisation"
    text = "Crowds gathered at the Iraqi Ministry of Foreign Affairs."
    assert find(geoparser, text, "Ministry").place_id == "ministry_of_foreign_affairs"


def test_an_arabic_institution_after_its_verb_speaks(geoparser):
    assert find(geoparser, "أعلنت وزارة الدفاع العراقية أن", "وزارة").role == "organisation"
    assert find(geoparser, "انفجار قرب وزارة الدفاع", "وزارة").is_location


@pytest.mark.parametrize(
    "text",
    ["A car bomb went off in the Shaab district northeast of Baghdad.",
     "A bomb blew up in a rubbish bin to the west of Baghdad."],
)  # fmt: skip
def test_a_direction_from_the_city_with_nothing_outside_named_is_around_the_city(geoparser, text):
    mention = find(geoparser, text, "of Baghdad")
    assert mention.place_id == "baghdad_city"
    assert "around the city" in mention.resolved_by


def test_two_nouns_in_a_row_are_read_by_the_last(geoparser):
    text = "A truck blew up near the Republican Palace. The headquarters compound shook."
    assert find(geoparser, text, "compound").place_id == "republican_palace"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("وقع انفجار شرق بغداد صباح اليوم", "شرق بغداد"),
        ("قالت مراسلة قناة القاهرة إن ضربة أصابت مقرا شرق العاصمة بغداد", "شرق العاصمة"),
    ],
)
def test_an_arabic_compass_word_before_the_city_is_around_the_city(geoparser, text, needle):
    # Arabic writes "east Baghdad" and "east of Baghdad" alike; a place outside named
    # earlier in the sentence (an outlet named after Cairo) does not move it out
    mention = find(geoparser, text, needle)
    assert mention.place_id == "baghdad_city"
    assert "around the city" in mention.resolved_by


def test_an_arabic_distance_before_a_compass_word_is_outside(geoparser):
    mention = find(geoparser, "انفجرت عبوة على بعد 40 كم شمال بغداد", "شمال")
    assert mention.role == "outside"
    assert mention.text.startswith("40 كم")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Many of the U.S. Embassy's 1,000 staff have complained.", "Embassy"),
        ("A source in the Ministry of Defence said three died.", "Ministry of Defence"),
        ("وأفاد مصدر في وزارة الدفاع بأن سيارة مفخخة انفجرت", "وزارة الدفاع"),
        ("Clerics accused Baghdad's Shi'ite-led government of failing them.", "Baghdad"),
    ],
)
def test_a_body_that_speaks_or_governs_is_an_organisation(geoparser, text, needle):
    mention = find(geoparser, text, needle)
    assert mention.role == "organisation"
    assert mention.lat is None


def test_an_institution_that_spoke_is_still_the_building_a_later_noun_means(geoparser):
    text = "A source in the U.S. Embassy said it was calm. Later the embassy was shelled."
    assert find(geoparser, text, "the embassy").place_id == "us_embassy"


def test_a_noun_after_an_unresolved_noun_of_its_kind_means_that_place(geoparser):
    # the last embassy named is one the gazetteer lacks: "the building" is that one, not
    # an older ministry in play
    text = (
        "Smoke rose near the Ministry of Foreign Affairs. Crowds entered the embassy. "
        "Flames poured from the building."
    )
    mention = find(geoparser, text, "the building")
    assert mention.resolved_by == "unresolved"
    assert mention.lat is None
    assert "named before" in mention.note


def test_another_countrys_capital_is_outside(geoparser):
    mention = find(geoparser, "Protests spread to the Iranian capital on Friday.", "capital")
    assert mention.role == "outside"
    assert mention.lat is None
    assert find(geoparser, "Rockets fell on the Iraqi capital.", "capital").is_location


def test_beyond_the_capital_is_outside_it(geoparser):
    text = "Troops patrolled Baghdad. Beyond the capital, violence flared."
    mention = find(geoparser, text, "Beyond")
    assert mention.role == "outside"
    assert mention.text == "Beyond the capital"


def test_beyond_inside_a_sentence_keeps_the_place_where_it_began(geoparser):
    mention = find(geoparser, "The unrest spread beyond the capital.", "capital")
    assert mention.is_location


@pytest.mark.parametrize(
    ("text", "written", "place_id"),
    [
        ("انفجار في ميدان بيروت صباحا", "ميدان بيروت", "beirut_square"),  # ساحة بيروت
        ("تفجير منطقة الأمين", "منطقة الأمين", "hay_al_amin"),  # حي الأمين
        ("وإغلاق جسري الجمهورية والسنك", "جسري الجمهورية", "bridge_jumhuriya"),
        ("وإغلاق جسري الجمهورية والسنك", "السنك", "bridge_sinak"),  # the second of the two
        ("انفجار بسوق المتنبي", "سوق المتنبي", "mutanabbi_street"),  # its own name: book market
        # names that are ordinary words, kept behind their area word (حي الدورة)
        ("انفجرت سيارة مفخخة في منطقة الدورة", "منطقة الدورة", "dora"),
        ("اشتباكات في منطقة البلديات", "منطقة البلديات", "baladiyat"),
    ],
)
def test_an_arabic_name_after_another_generic_word_of_its_kind(geoparser, text, written, place_id):
    mention = find(geoparser, text, written)
    assert mention.text == written
    assert mention.place_id == place_id
    assert mention.resolved_by == "generic word"
    assert mention.matched_name


@pytest.mark.parametrize(
    "text",
    [
        "قال الأمين العام للأمم المتحدة",
        "أعلنت الجمهورية الحداد",
        "وصل إلى فندق بيروت",
        "ناقش البرلمان في الدورة الحالية",  # the session, not Dora
    ],
)
def test_an_arabic_specific_part_alone_or_after_a_word_of_another_kind_is_no_place(geoparser, text):
    assert not [m for m in parse(geoparser, text) if m.is_location]


def test_an_arabic_name_as_the_gazetteer_writes_it_stays_exact(geoparser):
    assert find(geoparser, "أغلق جسر السنك", "السنك").resolved_by == "name"


def test_a_comma_ends_an_outlet_name(geoparser):
    # بغداد اليوم is an outlet ("Baghdad Today"); "in Baghdad, today" is the city
    text = "ذكرت مراسلة القناة في بغداد، اليوم الخميس، أن انفجارا وقع"
    assert find(geoparser, text, "بغداد").place_id == "baghdad_city"


@pytest.mark.parametrize(
    ("text", "needle"),
    [("وسط المدينة بغداد", "المدينة"), ("قال محمد بن سلمان", "بن")],
)
def test_arabic_ordinary_words_are_not_world_places(geoparser, text, needle):
    assert not [m for m in parse(geoparser, text) if m.role == "outside" and needle in m.text]


def test_the_gates_of_a_named_place_with_no_gates_are_at_that_place(geoparser):
    text = "Sirens sounded in the Green Zone. A rocket fell near one of the US Embassy's gates."
    mention = find(geoparser, text, "gates")
    assert mention.place_id == "us_embassy"


@pytest.mark.parametrize(
    "text",
    [
        "Sadr City was calm. The blast hit a meeting of the district council.",
        "Crowds gathered at Tahrir Square, said the head of the city council.",
    ],
)
def test_a_place_noun_that_modifies_a_body_is_not_a_place(geoparser, text):
    noun = "district" if "district" in text else "city"
    assert not [m for m in parse(geoparser, text) if m.is_location and noun in m.text]


def test_the_noun_of_a_name_is_that_name_with_the_noun(geoparser):
    text = "Karrada was hit first. Two bombs went off in the western district of Jihad."
    mention = find(geoparser, text, "Jihad")
    assert mention.place_id == "hay_al_jihad"
    assert mention.resolved_by == "variant"
    assert mention.matched_name  # a gazetteer name of the Jihad district


def test_the_noun_of_an_unknown_name_is_not_the_place_in_play(geoparser):
    text = "Karrada was hit first. Two bombs went off in the district of Zubaydat."
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == ["karrada"]


def test_both_arabic_spellings_of_american_name_the_us_embassy(geoparser):
    for written in ("السفارة الأمريكية", "السفارة الأميركية"):
        assert find(geoparser, f"استهدف صاروخ {written}", written).place_id == "us_embassy"
    assert find(geoparser, "قال مسؤول أميركي", "أميركي").role == "attribute"


def test_an_arabic_institution_after_its_verb_and_a_conjunction_speaks(geoparser):
    text = "سقط صاروخ قرب السفارة الأمريكية. واعتبرت السفارة، في بيان، أن الهجوم خطير."
    mentions = [m for m in parse(geoparser, text) if m.text == "السفارة"]
    assert [m.role for m in mentions] == ["organisation"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Baghdad (Reuters) - A bomb went off.", "Baghdad"),
        ("بغداد، العراق (CNN) -- ذكرت الشرطة أن مسلحين", "بغداد"),
        ("Baghdad ( A bomb blew up to the west of Baghdad.", "Baghdad ("),
    ],
)
def test_a_city_opening_a_line_before_a_parenthesis_is_a_dateline(geoparser, text, needle):
    first = parse(geoparser, text)[0]
    assert first.role == "dateline"
    assert text.startswith(first.text)


def test_a_dateline_is_not_a_place_outside_named_before(geoparser):
    text = "Baghdad ( A bomb blew up in a rubbish bin to the west of Baghdad."
    assert find(geoparser, text, "west of").place_id == "baghdad_city"


def test_a_city_inside_a_line_before_a_parenthesis_is_a_place(geoparser):
    assert find(geoparser, "Clashes hit Baghdad (the capital) today.", "Baghdad").is_location


def test_a_name_before_a_noun_is_looked_up_with_the_nouns_kind(geoparser):
    text = "Rockets hit the Victory military base near Baghdad International Airport."
    found = parse(geoparser, text)
    base = find(geoparser, text, "Victory")
    assert base.text == "the Victory military base"
    assert base.place_id == "camp_victory"
    assert base.resolved_by == "variant"
    assert "baghdad_international_airport" in [m.place_id for m in found]


def test_an_unknown_name_before_a_noun_is_no_place(geoparser):
    text = "Crowds gathered at Tahrir Square. The Education Ministry was shut."
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == ["tahrir_square"]


def test_iraqs_parliament_building_is_the_council_of_representatives(geoparser):
    text = "A bomb went off in Iraq's parliament building. That building is guarded."
    assert find(geoparser, text, "parliament").place_id == "council_of_representatives"
    assert find(geoparser, text, "That building").place_id == "council_of_representatives"


def test_a_place_named_medium_in_an_appositive_is_an_organisation(geoparser):
    text = "One Baghdad, a widely followed Telegram channel, posted videos."
    assert find(geoparser, text, "Baghdad").role == "organisation"
    place = "They met in Karrada, a busy district of shops."
    assert find(geoparser, place, "Karrada").is_location


def test_the_capital_with_an_arabic_adjective_of_another_country_is_outside(geoparser):
    text = "بعد إحراق نسخة من القرآن في العاصمة السويدية ستوكهولم"
    assert find(geoparser, text, "العاصمة").role == "outside"
    assert find(geoparser, "سقطت قذائف في العاصمة العراقية", "العاصمة").is_location


def test_an_arabic_embassy_with_another_countrys_adjective_is_not_the_one_in_play(geoparser):
    text = "انفجار قرب السفارة الإيرانية. ثم انفجار أمام السفارة المصرية وألحق أضرارا بالسفارة."
    egyptian = find(geoparser, text, "المصرية")
    assert egyptian.resolved_by == "unresolved"
    assert egyptian.text == "السفارة المصرية"
    last = parse(geoparser, text)[-1]  # "بالسفارة": the Egyptian one again
    assert (last.text, last.lat) == ("السفارة", None)


def test_an_arabic_ministry_named_with_another_countrys_adjective_is_that_countrys(geoparser):
    text = "واتصلت الوكالة بوزارة الخارجية السويدية التي لم تعلق"
    assert find(geoparser, text, "الخارجية").role == "organisation"
    assert find(geoparser, "سقطت قذيفة قرب وزارة الخارجية العراقية", "الخارجية").is_location


def test_the_noun_after_a_member_of_a_place_is_that_member_again(geoparser):
    text = (
        "Rockets hit Baghdad's Green Zone near the Ministry of Planning gate. Later rockets "
        "came down close to a checkpoint inside the zone. They struck beside the checkpoint."
    )
    mention = find(geoparser, text, "the checkpoint")
    assert mention.anchor_id == "green_zone"  # "beside" it: near the zone's checkpoint
    assert mention.resolved_by.endswith("unspecified_member")


def test_a_description_given_a_name_is_that_name(geoparser):
    text = "Troops stood by the Green Zone. The checkpoint, known as Assassin's Gate, shook."
    mention = find(geoparser, text, "checkpoint")
    assert mention.place_id == "gz_gate_assassins"
    assert mention.resolved_by == "named after it"


def test_a_capital_opening_a_sentence_before_a_verb_of_government_is_its_government(geoparser):
    text = "Baghdad has in recent months held talks with Washington on the troops."
    assert find(geoparser, text, "Baghdad").role == "organisation"
    inside = "A police officer in Baghdad said two died."
    assert find(geoparser, inside, "Baghdad").is_location
    scene = "Baghdad was quiet on Friday."
    assert find(geoparser, scene, "Baghdad").is_location


def test_an_institution_blamed_is_an_actor(geoparser):
    text = "The group blamed outside actors, naming the US embassy explicitly."
    assert find(geoparser, text, "US embassy").role == "organisation"
    assert find(geoparser, "Protesters stormed the US embassy.", "US embassy").is_location


def test_an_outlet_name_needs_its_capitals(geoparser):
    text = "Two bombs blew up in central Baghdad today, killing dozens."
    assert find(geoparser, text, "Baghdad").place_id == "baghdad_city"
    assert find(geoparser, "Baghdad Today reported a blast.", "Baghdad").role == "organisation"


def test_the_shrine_is_the_shrine_in_play(geoparser):
    text = "Pilgrims crowded the Al-Kadhimiyah shrine. Many died close to the shrine."
    assert find(geoparser, text, "close to").anchor_id == "kadhimiya_shrine"


@pytest.mark.parametrize(
    ("text", "needle", "place_id"),
    [
        (
            "Protesters stormed the Swedish embassy in Baghdad at dawn.",
            "Swedish embassy",
            "swedish_embassy",
        ),
        (
            "Rockets struck the sprawling US Embassy in Baghdad overnight.",
            "US Embassy",
            "us_embassy",
        ),
    ],
)
def test_the_city_after_a_site_is_its_address_not_a_second_place(geoparser, text, needle, place_id):
    mention = find(geoparser, text, needle)
    assert mention.text.endswith("in Baghdad")
    assert mention.place_id == place_id
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == [place_id]


def test_two_areas_joined_by_in_stay_two_mentions(geoparser):
    text = "Clashes broke out in Karkh in Baghdad."
    assert "karkh" in [m.place_id for m in parse(geoparser, text)]
    assert "baghdad_city" in [m.place_id for m in parse(geoparser, text)]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("احتجوا أمام السفارة العراقية في ستوكهولم يوم الخميس.", "السفارة"),
        (
            "Crowds gathered at Tahrir Square. Others rallied outside the embassy in Stockholm.",
            "embassy",
        ),
    ],
)
def test_a_noun_placed_in_a_city_outside_is_outside(geoparser, text, needle):
    mention = find(geoparser, text, needle)
    assert mention.role == "outside"
    assert not mention.is_location


@pytest.mark.parametrize("text", ["وصل الوفد إلى ستوكهولم أمس.", "وصل الوفد إلى باريس أمس."])
def test_arabic_names_of_foreign_capitals_are_outside(geoparser, text):
    outside = [m for m in parse(geoparser, text) if m.role == "outside"]
    assert [m.kind for m in outside] == ["city"]


@pytest.mark.parametrize(
    ("text", "needle", "place_id"),
    [
        (
            "Two bombs blew up in a square in central Baghdad. They went off in Tayaran Square.",
            "a square in central Baghdad",
            "tayaran_square",
        ),
        (
            "Militants seized a Baghdad church. The Pope condemned the siege of Our Lady of "
            "Salvation Church.",
            "a Baghdad church",
            "our_lady_of_salvation",
        ),
        (
            "Pilgrims headed for the shrine. Crowds had come to visit the Al-Kadhimiyah shrine.",
            "the shrine",
            "kadhimiya_shrine",
        ),
        (
            "Soldiers walked into Baghdad's most elegant neighborhood. Shops were open in Mansour.",
            "Baghdad's most elegant neighborhood",
            "mansour",
        ),
        (
            "Rockets hit the Green Zone. It was the boldest strike yet inside Baghdad's safe zone.",
            "Baghdad's safe zone",
            "green_zone",
        ),
    ],
)
def test_a_noun_the_city_alone_qualifies_is_the_place_of_its_kind_named_next(
    geoparser, text, needle, place_id
):
    mention = find(geoparser, text, needle)
    assert mention.text.endswith(needle)  # a relation before it ("inside") may join it
    assert mention.place_id == place_id
    assert mention.is_location


@pytest.mark.parametrize(
    "text",
    [
        # an area noun says no more than the city
        "A bomb hit a largely Shiite neighborhood in Baghdad. Later it rained in Mansour.",
        # nothing of its kind named next: the city, as the words say
        "A stampede on a bridge in Baghdad killed hundreds. Officials met in Karrada.",
    ],
)
def test_a_vague_or_unnamed_noun_in_the_city_stays_the_city(geoparser, text):
    first = parse(geoparser, text)[0]
    assert first.place_id == "baghdad_city"


def test_a_noun_named_next_by_its_kind_only(geoparser):
    # Mutanabbi Street's names hold "market", but a street is no market named next
    text = "The market, before the blast. Another bomb went off near Mutanabi street."
    assert find(geoparser, text, "The market").place_id is None


def test_a_title_is_left_out_of_the_name_after_a_noun(geoparser):
    # the gazetteer writes "Imam Musa al-Kadhim shrine"; reports drop the title and hyphen
    text = "Pilgrims were going to the shrine of Musa al Kadhim when the bomb went off."
    mention = find(geoparser, text, "shrine")
    assert mention.text == "the shrine of Musa al Kadhim"
    assert mention.place_id == "kadhimiya_shrine"
    assert mention.resolved_by == "variant"


def test_a_title_alone_is_no_name(geoparser):
    text = "Pilgrims were going to the shrine of Imam Ali when the bomb went off."
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == []


def test_the_holy_site_is_the_shrine_in_play(geoparser):
    text = "Pilgrims headed for the Kadhimiya Shrine. Thousands are coming to the holy site."
    assert find(geoparser, text, "holy site").place_id == "kadhimiya_shrine"


def test_the_slum_is_the_neighbourhood_in_play(geoparser):
    text = "Seven died in Sadr City when rockets hit a house in the sprawling slum."
    assert find(geoparser, text, "slum").place_id == "sadr_city"


def test_an_arabic_noun_placed_at_another_noun_is_one_description(geoparser):
    # "what fell inside the military base at the airport ... Victory base at Baghdad airport"
    text = "ما سقط داخل القاعدة العسكرية في المطار هو صاروخان. ثم هجوم على قاعدة فكتوريا."
    mention = find(geoparser, text, "القاعدة العسكرية")
    assert mention.text.endswith("القاعدة العسكرية في المطار")
    assert mention.place_id == "camp_victory"


def test_al_qaeda_is_no_base(geoparser):
    text = "وأعلن الجيش أنه اعتقل مسلحا على صلة بالقاعدة في بغداد."
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == ["baghdad_city"]


@pytest.mark.parametrize("typo", ["sqaure", "sqare"])
def test_a_misspelt_noun_after_the_still_refers_to_the_place_in_play(geoparser, typo):
    text = f"Bombs exploded in Tayaran Square. In one corner of the {typo}, bodies lay heaped."
    mention = find(geoparser, text, typo)
    assert mention.text == f"the {typo}"
    assert mention.place_id == "tayaran_square"


@pytest.mark.parametrize("word", ["place", "capita"])
def test_an_english_word_one_letter_from_a_noun_is_no_misspelling(geoparser, word):
    text = f"Crowds filled the Republican Palace. Later they left the {word} quietly."
    assert not [m for m in parse(geoparser, text) if word in m.text]


def test_a_distance_away_is_near_the_site_in_play(geoparser):
    text = (
        "Bombs exploded in Tayaran Square, near a bridge over the Tigris River. "
        "About a mile away, two roadside bombs went off."
    )
    mention = find(geoparser, text, "away")
    assert mention.text == "About a mile away"
    assert mention.place_id == "rel:near:tayaran_square"  # not the river named last
    assert mention.uncertainty_m >= 1609


def test_a_distance_away_from_a_named_place_is_left_to_that_place(geoparser):
    text = "Bombs exploded in Tayaran Square. He lives 20 miles away from the capital."
    assert not [m for m in parse(geoparser, text) if "away" in m.text]


def test_a_distance_away_with_no_site_in_play_is_no_place(geoparser):
    text = "Bombs exploded in Baghdad. About a mile away, a second bomb went off."
    assert not [m for m in parse(geoparser, text) if "away" in m.text]


def test_a_bare_name_in_the_text_keeps_the_strict_spelling_key(geoparser):
    # titles and hyphens-as-spaces are for a name after its noun only: a bank named after
    # Sadr City's old "Al-Rafidain District" is no place
    text = "Gunmen robbed a branch of al-Rafidain Bank on Monday."
    assert [m.place_id for m in parse(geoparser, text) if m.is_location] == []


@pytest.mark.parametrize(
    ("text", "needle", "expected"),
    [
        # written with another generic word than the qadaa's alias 'Kadhimiya District'
        ("A car bomb went off in the Kadhimiya neighbourhood.", "Kadhimiya", "kadhimiya"),
        ("A car bomb went off in the Kadhimiyah neighborhood.", "Kadhimiyah", "kadhimiya"),
        # written as the alias is: the alias's entry
        ("A car bomb went off in the Kadhimiya district.", "Kadhimiya", "qadaa_kadhimiya"),
        ("A car bomb went off in the Mansour district.", "Mansour", "mansour_district"),
    ],
)
def test_a_generic_word_other_than_the_aliass_takes_the_entry_of_its_own_kind(
    geoparser, text, needle, expected
):
    """'Kadhimiya neighbourhood' is the neighbourhood (12 km from the qadaa's centre), not
    the qadaa whose alias 'Kadhimiya District' has a generic word of the same kind."""
    assert find(geoparser, text, needle).place_id == expected


@pytest.mark.parametrize(
    "text",
    [
        "وأفاد مصدر أمني بأنه سمع دوي انفجار",  # 'that he': not Baneh (بانه)
        "وقالت الشرطة وأن الهجوم وقع ليلا",  # 'and that': not Van (وان)
    ],
)
def test_an_arabic_word_written_with_a_hamza_is_no_world_name_written_without(geoparser, text):
    """Normalisation folds hamza away for texts that leave it out; a word the text writes
    with one is not a world name no spelling of which has one."""
    assert [m for m in parse(geoparser, text) if m.role == "outside"] == []


def test_a_world_name_written_with_its_hamza_is_found(geoparser):
    assert [m.place_name for m in parse(geoparser, "هددت إيران بالرد") if m.role == "outside"] == [
        "Iran"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A roadside bomb exploded in Saidiyah on Sunday.", "saydiya"),
        ("A roadside bomb exploded in Seidiyah on Sunday.", "saydiya"),
        # short keys of English names stay unread: Russell (rsl), Kennedy (knd), Giuliani (gln)
        ("Russell said a bomb exploded on Sunday.", None),
        ("Giuliani said a bomb exploded on Sunday.", None),
    ],
)
def test_a_long_word_with_the_nisba_ending_is_read_by_its_short_key(geoparser, text, expected):
    """'Saidiyah' keys to 'sdy', too short to be read alone (English names share such keys);
    a word of seven letters or more ending in -iya(h)/-iyya(h)/-eya(h) is a romanised
    Arabic name all the same."""
    located = [m.place_id for m in parse(geoparser, text) if m.is_location]
    assert located == ([expected] if expected else [])


def test_a_world_name_spelled_as_a_common_noun_is_not_looked_for(geoparser):
    """'مدينه' is one of Medina's spellings in the world list and the Arabic for 'city':
    'مدينة الكاظمية' is the city of Kadhimiya, not Medina and Kadhimiya."""
    mentions = parse(geoparser, "قتل سبعة مدنيين بانفجار عبوة ناسفة في مدينة الكاظمية")
    assert [m.role for m in mentions if m.role == "outside"] == []
    assert "kadhimiya" in [m.place_id for m in mentions if m.is_location]
