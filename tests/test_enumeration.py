"""Several incidents in one sentence: a trigger repeated in another clause, a list of places."""

from __future__ import annotations

import datetime as dt

from gazetteer.mentions import PlaceMention
from incidents.enumeration import _listed_after, distributive_parts, listed_alike
from incidents.pipeline import analyse_text

SATURDAY = dt.date(2024, 1, 6)


def drawn(text: str, geoparser) -> list[tuple[str, str | None]]:
    result = analyse_text(text, source="Wire", date=SATURDAY, geoparser=geoparser)
    return [
        (i.event_type, i.place_id)
        for i in result.incidents
        if i.acled_event_type is not None and i.status in ("happened", "reported")
    ]


def test_a_trigger_repeated_as_a_new_referent_in_another_clause_is_another_incident(geoparser):
    text = (
        "One man died when a car bomb exploded in Sadr City, and ten were hurt by a car "
        "bomb that blew up in Kadhimiya."
    )
    assert drawn(text, geoparser) == [("car_bomb", "sadr_city"), ("car_bomb", "kadhimiya")]


def test_arabic_repeats_with_ordinals_and_another(geoparser):
    text = (
        "انفجرت عبوة ناسفة في الكرادة، وانفجرت عبوة ثانية في حي الصالحية، فيما وقع "
        "انفجار آخر في المنصور."
    )
    assert len(drawn(text, geoparser)) == 3


def test_a_repeat_in_the_same_clause_is_the_same_incident(geoparser):
    text = "A car bomb, a car bomb of the kind used before, hit Karrada."
    assert len(drawn(text, geoparser)) == 1


def test_a_bombing_in_a_list_of_places_is_one_incident_per_place(geoparser):
    text = "Car bombs went off in Bayaa, Zafaraniya and New Baghdad on Friday."
    assert sorted(p for _, p in drawn(text, geoparser)) == ["bayaa", "new_baghdad", "zafaraniya"]
    arabic = "انفجرت سيارات مفخخة في البياع (جنوب) والزعفرانية (جنوب) وبغداد الجديدة (شرق)."
    assert len(drawn(arabic, geoparser)) == 3


def test_a_march_through_a_list_of_places_stays_one_protest(geoparser):
    assert len(drawn("Teachers marched in Karrada and Mansour on Friday.", geoparser)) == 1


def test_protests_in_a_list_of_towns_outside_are_one_in_each(geoparser):
    """One city's streets hold one march; three towns hold three protests."""
    text = "Protests broke out in Basra, Kirkuk and Mosul on Friday."
    assert len(drawn(text, geoparser)) == 3
    arabic = "شهدت مدن عراقية من بينها البصرة جنوبا وكركوك ونينوى شمالا احتجاجات تنادي بالتغيير."
    assert len(drawn(arabic, geoparser)) == 3
    # a march told by its verb stays one, wherever it goes
    assert len(drawn("Teachers marched in Najaf and Nasiriyah on Friday.", geoparser)) == 1


def test_what_joins_places_in_a_list():
    assert _listed_after(", ")
    assert _listed_after(" and ")
    assert _listed_after(" (جنوب) و")
    assert _listed_after(" جنوبا و")
    assert not _listed_after(" to the ")
    assert not _listed_after(", near the ")
    assert not _listed_after(" and six in ")


def test_an_apposition_is_not_a_list(geoparser):
    text = "A roadside bomb in Karrada, Baghdad, near the Jadiriya bridge killed one."
    assert len(drawn(text, geoparser)) == 1


def test_a_definite_repeat_with_a_place_of_its_own_is_another_incident(geoparser):
    text = (
        "بلغت حصيلة التفجير في منطقة الحسينية 5 قتلى، بينما جرح 8 أشخاص في التفجير "
        "الذي وقع في منطقة شارع فلسطين."
    )
    assert sorted(p for _, p in drawn(text, geoparser)) == ["husseiniya", "palestine_street"]


def test_arabic_duals_are_triggers(geoparser):
    assert len(drawn("وقع انفجاران في الكرادة", geoparser)) == 1


def test_a_definite_mention_of_a_list_of_places_is_what_was_told(geoparser):
    text = "Car bombs exploded in Bayaa. The blasts in Zafaraniya and New Baghdad followed."
    # the definite mention is not split by its list: no third incident for New Baghdad
    assert "new_baghdad" not in {p for _, p in drawn(text, geoparser)}


def test_arabic_sequence_and_topic_connectives_open_a_clause_of_their_own(geoparser):
    # "followed by another blast in ...", "as for the blast in ...": each a bombing of its own
    followed = "انفجرت سيارة مفخخة في الكرادة، أعقبه انفجار سيارة أخرى في المنصور."
    assert len(drawn(followed, geoparser)) == 2
    as_for = (
        "قتل شخص في تفجير منطقة الأمين، وجرح ثلاثة في تفجير منطقة السيدية، "
        "أما انفجار منطقة الكرادة فبلغت حصيلته قتيلين."
    )
    assert len(drawn(as_for, geoparser)) == 3


def test_a_list_in_a_later_clause_gives_each_place_its_bombing(geoparser):
    # the first bombing's own place is unknown ("منطقة الفلانية"), so it takes the list's
    # first place; that place still gets its own bombing, as every other listed place
    text = (
        "هزّ انفجار سيارتين مفخختين منطقة الفلانية في شمال بغداد، ثم سيارات أخرى في "
        "البياع (جنوب) والزعفرانية (جنوب) وبغداد الجديدة (شرق)."
    )
    assert len(drawn(text, geoparser)) == 4


def test_the_parts_of_a_distributive_list_are_read_to_the_next_part_or_the_clause_end():
    text = (
        "Rockets were fired at three bases, one of them on a base near Ramadi and others "
        "on two sites in Syria, officials said."
    )
    assert [text[a:b] for a, b in distributive_parts(text)] == [
        "one of them on a base near Ramadi ",
        "and others on two sites in Syria",
    ]
    arabic = "سقطت ثلاثة صواريخ، أحدها في الكرادة وأخرى في المنصور."
    assert [arabic[a:b] for a, b in distributive_parts(arabic)] == [
        "أحدها في الكرادة ",
        "وأخرى في المنصور",
    ]


def test_a_partitive_without_a_preposition_or_an_adjective_other_is_no_part():
    assert distributive_parts("Two men were killed, one of them a policeman.") == []
    assert distributive_parts("هجمات طالت شركات وفنادق ومنشآت أخرى في أنحاء البلاد") == []


def test_each_part_of_a_distributive_list_naming_a_place_is_an_incident(geoparser):
    text = (
        "Rocket attacks followed on Saturday, one of them on a base in Jordan and "
        "others on two sites in Syria, officials said."
    )
    # the attacks summed up are the two parts told, not a third
    assert len(drawn(text, geoparser)) == 2
    arabic = "سقطت صواريخ كاتيوشا يوم السبت، أحدها في الكرادة وأخرى في مدينة الصدر."
    assert sorted(p for _, p in drawn(arabic, geoparser) if p) == ["karrada", "sadr_city"]


def test_a_part_naming_no_place_tells_no_incident(geoparser):
    text = "A car bomb wounded five people in Karrada, one of them in critical condition."
    assert drawn(text, geoparser) == [("car_bomb", "karrada")]


def test_a_name_going_on_a_list_written_alike_is_one_of_its_places():
    text = "في البياع (جنوب) والزعفرانية (جنوب) والزهور الجديدة (شرق)."
    listed = _mentions(text, ["البياع", "الزعفرانية"])
    assert [text[a:b] for a, b in listed_alike(text, 0, listed)] == ["الزهور الجديدة"]
    english = "in Bayaa (south), Zafaraniya (south) and Zuhur (east)."
    listed = _mentions(english, ["Bayaa", "Zafaraniya"])
    assert [english[a:b] for a, b in listed_alike(english, 0, listed)] == ["Zuhur"]


def test_a_list_not_written_alike_takes_no_further_name():
    text = "في البياع والزعفرانية والزهور (شرق)."
    assert listed_alike(text, 0, _mentions(text, ["البياع", "الزعفرانية"])) == []


def test_a_bombing_at_a_list_written_alike_is_one_at_each_place_the_gazetteer_lacks_too(
    geoparser,
):
    text = "انفجرت سيارات مفخخة في البياع (جنوب) والزعفرانية (جنوب) والزهور (شرق)."
    assert len(drawn(text, geoparser)) == 3


def _mentions(text: str, names: list[str]) -> list[PlaceMention]:
    return [
        PlaceMention(text=n, start=text.index(n), end=text.index(n) + len(n), role="location")
        for n in names
    ]
