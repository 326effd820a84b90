"""The spelling key for romanised Arabic names and the variant match built on it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from gazetteer.geoparse import Geoparser, PlaceMention
from gazetteer.normalize import normalize_name
from gazetteer.variants import (
    NameKey,
    VariantIndex,
    arabic_light_form,
    arabic_shapes_agree,
    arabic_stop_words,
    arabic_word_key,
    english_stop_words,
    name_key,
    word_key,
)

ROOT = Path(__file__).resolve().parent.parent


def located(geoparser: Geoparser, text: str) -> list[PlaceMention]:
    return [m for m in geoparser.parse(text) if m.role == "location"]


@pytest.mark.parametrize(
    "spellings",
    [
        ("Jumhuriya", "Jumhuriyah", "Jumhoriyah", "Jumhouriyya", "Jamhouriyah"),
        ("Sinak", "Sanak", "Sinek", "Senk", "Sinaq"),
        ("Qadisiya", "Qadissiyah", "Qadisiyya"),
        ("Jadriya", "Jadiriya", "Jadriyah"),
        ("Kadhimiya", "Kazimiyah", "Kadhmiya", "Kāz̧imīyah"),
        ("Sheikh", "Shaykh", "Shaikh"),
        ("Mansour", "Mansur", "Mansoor"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings):
    assert len({word_key(s) for s in spellings}) == 1, {s: word_key(s) for s in spellings}


@pytest.mark.parametrize(
    ("one", "other"), [("Karkh", "Karak"), ("Alawi", "Alwiya"), ("Jadriya", "Jazair")]
)
def test_different_names_keep_different_keys(one, other):
    assert word_key(one) != word_key(other)


def test_the_article_and_generic_words_are_set_aside():
    generic = {"bridge": "bridge", "jisr": "bridge"}
    jisr, bridge = (
        name_key(["Jisr", "al", "Sinak"], generic),
        name_key(["Sinak", "Bridge"], generic),
    )
    assert (jisr.key, jisr.kinds) == (bridge.key, bridge.kinds)
    assert name_key(["al", "Sinak"], generic).has_article
    assert name_key(["Sinak", "Bridge"], generic).kinds == {"bridge"}


def test_one_edit_only_for_long_keys():
    index = VariantIndex(
        [
            ("long", "Mustansiriya", NameKey(word_key("Mustansiriya"), frozenset(), False)),
            ("short", "Sinak", NameKey(word_key("Sinak"), frozenset(), False)),
        ]
    )
    assert word_key("Mustansiriya") == "mstnsry"
    assert [c.place_id for c in index.lookup("mstnsr")] == ["long"]  # a letter dropped
    assert [c.distance for c in index.lookup("mstnsrya")] == [1]  # a letter added
    assert [c.place_id for c in index.lookup("mstnzry")] == ["long"]  # a letter changed
    assert index.lookup("snq") == []  # short keys: exact only
    assert [c.place_id for c in index.lookup("snk")] == ["short"]


def test_the_stop_list_comes_from_the_word_list():
    stop = english_stop_words()
    assert {"sink", "senate", "minister", "friday"} <= stop
    assert "karrada" not in stop


@pytest.mark.parametrize(
    ("text", "written", "place_id"),
    [
        ("Crowds crossed Jamhouriyyah Bridge.", "Jamhouriyyah Bridge", "bridge_jumhuriya"),
        ("Police closed Al-Sinnek Bridge overnight.", "Al-Sinnek Bridge", "bridge_sinak"),
        ("Shots were heard in al-Kazimiyyah.", "al-Kazimiyyah", "kadhimiya"),
        ("A car bomb went off in Ghazaliyyah.", "Ghazaliyyah", "ghazaliya"),
        ("Residents of Ar Rustamiyyah fled.", "Ar Rustamiyyah", "rustamiya"),
        ("Tear gas filled Tahrir Sq. again.", "Tahrir Sq", "tahrir_square"),
        ("Traffic stopped on Rashid St near the river.", "Rashid St", "rashid_street"),
        ("Flights left Baghdad Int'l Airport.", "Baghdad Int'l Airport",
         "baghdad_international_airport"),
    ],
)  # fmt: skip
def test_variants_resolve_and_say_so(geoparser, text, written, place_id):
    found = [m for m in located(geoparser, text) if written in m.text]
    assert len(found) == 1, [(m.text, m.place_id) for m in geoparser.parse(text)]
    mention = found[0]
    assert (mention.anchor_id or mention.place_id) == place_id
    assert mention.resolved_by in ("variant", "abbreviation")
    assert mention.matched_name  # the gazetteer name the spelling was matched to
    assert mention.as_record()["matched_name"] == mention.matched_name


def test_a_variant_never_outranks_an_exact_name(geoparser):
    mention = located(geoparser, "Crowds crossed the Jumhuriyah Bridge.")[0]
    assert mention.resolved_by == "name"
    assert mention.matched_name is None


@pytest.mark.parametrize(
    "text",
    [
        "Sink the boats, the Senate said.",  # ordinary English words, capitalised
        "Senk said the talks would resume.",  # a short key with neither article nor generic word
        "Ad Dujayl is north of the capital.",  # a short key whose vowels disagree (not Dijla)
    ],
)
def test_guards_keep_ordinary_words_and_short_keys_out(geoparser, text):
    assert [m.resolved_by for m in located(geoparser, text) if m.resolved_by == "variant"] == []


def test_historic_names_match_and_say_so(geoparser):
    mention = located(geoparser, "Raids continued in Saddam City overnight.")[0]
    assert mention.place_id == "sadr_city"
    assert mention.historic
    assert mention.resolved_by == "historic name"
    assert mention.matched_name == "Saddam City"


def test_variant_precision_and_recall_on_public_gazetteer_spellings(geoparser):
    """Spellings from Who's On First / GeoNames records and public pages (none an alias),
    and Iraqi towns outside Baghdad as negatives: tests/data/variant_spellings.json."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from measure_variants import public_sources
    finally:
        sys.path.pop(0)
    figures = public_sources(geoparser)
    assert figures["n"] >= 30
    assert figures["recall"] >= 0.55, figures
    assert figures["precision"] >= 0.80, figures


def test_the_spelling_list_has_provenance():
    data = json.loads((ROOT / "tests" / "data" / "variant_spellings.json").read_text("utf-8"))
    for entry in [*data["wof"], *data["pages"], *data["negatives"]]:
        assert entry["written"]
        assert entry["provenance"]


# ------------------------------------------------------------------ Arabic script


@pytest.mark.parametrize(
    "spellings",
    [
        ("فكتوريا", "فيكتوريا", "فكتوري"),  # optional long vowels, final ا
        ("الجمهورية", "الجمهوريه", "الجمهوريّة", "جمهورية"),  # ة/ه, shadda, optional ال
        ("الكرادة", "الكرّادة", "الكراده", "كرادة"),
        ("الأعظمية", "الاعظمية", "الإعظميه", "الأعظمـية"),  # hamza forms, tatweel
        ("الكاظمين", "الكاظميين"),  # a doubled letter written once
    ],
)
def test_arabic_spellings_of_one_name_share_a_key(spellings):
    keys = {arabic_word_key(normalize_name(s)) for s in spellings}
    assert len(keys) == 1, {s: arabic_word_key(normalize_name(s)) for s in spellings}


@pytest.mark.parametrize(("one", "other"), [("الكرخ", "الكرادة"), ("السنك", "الشعب")])
def test_different_arabic_names_keep_different_keys(one, other):
    assert arabic_word_key(normalize_name(one)) != arabic_word_key(normalize_name(other))


@pytest.mark.parametrize(
    ("written", "name", "strict", "agree"),
    [
        ("فكتوريا", "فكتوري", False, True),  # a final ا for a final ي: one foreign name
        ("امنيه", "الامين", False, False),  # أمنية, an adjective, is not الأمين
        ("المشاتل", "المشتل", True, False),  # a broken plural adds an alef
        ("الاعظمي", "الاعظميه", True, False),  # a surname is not the district
        ("الكاظميين", "الكاظمين", True, True),
    ],
)
def test_arabic_words_sharing_a_key_must_share_a_shape(written, name, strict, agree):
    assert arabic_shapes_agree([written], [name], strict=strict) is agree


def test_an_ordinary_arabic_word_differs_from_a_name_only_by_article_and_ending():
    assert arabic_light_form("شعب") == arabic_light_form("الشعب")
    assert arabic_light_form("فكتوريا") == arabic_light_form("فكتوري")
    assert arabic_light_form("الامن") != arabic_light_form("الامين")


def test_the_arabic_stop_list_comes_from_the_word_list():
    stop = arabic_stop_words()
    assert len(stop) > 10000
    assert {normalize_name(w) for w in ("الأمن", "الشرطة", "العمل")} <= stop
    assert normalize_name("الكاظميين") not in stop


@pytest.mark.parametrize(
    ("text", "written", "place_id"),
    [
        ("سقطت صواريخ على قاعدة فكتوريا فجر اليوم", "قاعدة فكتوريا", "camp_victory"),
        ("انفجرت عبوة في شارع سعدون", "شارع سعدون", "saadoun_street"),
        ("زار المحتجون الكاظميين أمس", "الكاظميين", "kadhimiya_shrine"),
    ],
)
def test_arabic_variants_resolve_and_say_so(geoparser, text, written, place_id):
    found = [m for m in located(geoparser, text) if m.text == written]
    assert len(found) == 1, [(m.text, m.place_id, m.resolved_by) for m in geoparser.parse(text)]
    assert found[0].place_id == place_id
    assert found[0].resolved_by == "variant"
    assert found[0].matched_name
    assert found[0].matched_name != written


def test_an_arabic_variant_never_outranks_an_exact_name(geoparser):
    mention = located(geoparser, "تظاهر الناس على جسر الجمهورية")[0]
    assert (mention.place_id, mention.resolved_by) == ("bridge_jumhuriya", "name")


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت القوات منطقة أمنية مغلقة",  # an adjective after a generic word
        "انتشرت القوات في منطقة الأمن",  # an ordinary word one long vowel from الأمين
        "تضررت المشاتل قرب النهر",  # a broken plural of المشتل
        "قال الاعظمي إن الوضع هادئ",  # a surname, not الأعظمية
        "نقل الجرحى إلى مستشفى فكتوريا",  # a generic word of another kind (not the base)
    ],
)
def test_arabic_guards_keep_ordinary_words_out(geoparser, text):
    assert [m.text for m in located(geoparser, text) if m.resolved_by == "variant"] == []


def test_a_title_is_set_aside_like_the_article():
    generic = {"shrine": "shrine"}
    titled = name_key(["Imam", "Musa", "al", "Kadhim", "shrine"], generic, {"imam"})
    bare = name_key(["Musa", "al", "Kadhim"], generic, {"imam"})
    assert titled.key == bare.key
