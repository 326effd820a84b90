"""Named places the gazetteer lacks, written after an Arabic area word, and the incidents
told there: the clause's own, and one per name after a dual or plural."""

from __future__ import annotations

import datetime as dt

from incidents.pipeline import analyse_text
from incidents.unlisted_places import area_names, unlisted

SUNDAY = dt.date(2013, 3, 3)


def drawn(text: str, geoparser) -> list[tuple[str, str | None]]:
    result = analyse_text(text, source="Wire", date=SUNDAY, geoparser=geoparser)
    return [
        (i.event_type, i.place_id)
        for i in result.incidents
        if i.acled_event_type is not None and i.status in ("happened", "reported")
    ]


def test_a_name_after_an_area_word_is_read_with_its_span():
    text = "سقط قتيلان في منطقة الزهور صباح اليوم"
    (name,) = area_names(text, 10)
    assert name.name == "الزهور"
    assert text[name.start - 10 : name.end - 10] == "الزهور"


def test_a_name_goes_on_over_words_with_the_article_but_not_over_a_comma():
    assert [n.name for n in area_names("في حي الشرطة الرابعة جنوب بغداد")] == ["الشرطه الرابعه"]
    assert [n.name for n in area_names("في منطقة الزهور، الاحد")] == ["الزهور"]


def test_each_name_after_a_dual_or_plural_area_word_is_one_of_a_group():
    names = area_names("انفجرت عبوتان في حيي الزهور والسلام الجديد وسط المدينة")
    assert [n.name for n in names] == ["الزهور", "السلام الجديد"]
    assert len({n.group for n in names}) == 1
    # a singular area word names one: the next "و" word is no place
    assert [n.name for n in area_names("في منطقة الزهور والسكان في رعب")] == ["الزهور"]


def test_a_word_without_the_article_after_an_area_word_is_no_name():
    assert area_names("قتل ثلاثة في منطقة قريبة من السوق") == []
    assert area_names("Three were killed in a district of the capital") == []


def test_names_the_gazetteer_knows_are_not_unlisted():
    names = area_names("في حيي الزهور والشرطة")
    known_span = (names[1].start, names[1].end)
    assert [n.name for n in unlisted(names, [known_span])] == ["الزهور"]


def test_a_bombing_in_a_clause_naming_an_unlisted_place_is_not_the_next_clauses(geoparser):
    # Zuhur is in no gazetteer; the first bombing is not in Sadr City, and the definite
    # "التفجير" of the next clause, with Sadr City of its own, is a second one
    text = (
        "ففي منطقة الزهور قتل 4 أشخاص بانفجار سيارة مفخخة، فيما أودى التفجير الذي ضرب "
        "مدينة الصدر بحياة شخصين."
    )
    found = drawn(text, geoparser)
    assert len(found) == 2
    assert found[1] == ("car_bomb", "sadr_city")
    assert found[0][1] != "sadr_city"


def test_a_repeat_takes_the_place_of_its_own_clause(geoparser):
    text = "انفجرت سيارة مفخخة في الكرادة، أعقبه انفجار سيارة أخرى في حي الشرطة جنوب العاصمة."
    assert drawn(text, geoparser) == [("car_bomb", "karrada"), ("car_bomb", "hay_al_shurta")]


def test_a_bombing_at_two_names_after_a_dual_is_one_at_each(geoparser):
    # one name known to the gazetteer (al-Shurta), one not (Zuhur): two bombings
    text = "انفجرت سيارتان مفخختان في حيي الزهور والشرطة جنوب بغداد."
    found = drawn(text, geoparser)
    assert len(found) == 2
    assert ("car_bomb", "hay_al_shurta") in found


def test_a_protest_at_two_names_after_a_dual_stays_as_told(geoparser):
    # protests go on and develop: only point-like events are split by the names
    text = "تظاهر المئات في حيي الزهور والشرطة جنوب بغداد."
    assert len(drawn(text, geoparser)) == 1
