"""Tests for incidents.casualties: casualty figures, their claimants and status.

Every example sentence here is written for these tests. Each claim's span is
checked against the sentence: ``sentence[start - offset : end - offset]`` must be
the figure's wording.
"""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest
from growth import assert_linear
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import IncidentMapperError
from incidents.casualties import find_casualty_claims
from incidents.casualty_words import build_vocabulary
from incidents.claimants import ClaimantMemory, find_claimants
from incidents.model import CasualtyClaim

OFFSET = 1000
HEALTH = "Iraq's Health Ministry"


def claims_of(sentence: str, previous: tuple[str, ...] = ()) -> list[CasualtyClaim]:
    """The claims of a sentence placed at OFFSET in a report, spans checked."""
    found = find_casualty_claims(sentence, offset=OFFSET, previous_claimants=previous)
    for claim in found:
        wording = sentence[claim.start - OFFSET : claim.end - OFFSET]
        for text in (claim.killed_text, claim.injured_text):
            assert text is None or text in " ".join(wording.split())
    return found


def only_claim(sentence: str, previous: tuple[str, ...] = ()) -> CasualtyClaim:
    found = claims_of(sentence, previous)
    assert len(found) == 1, found
    return found[0]


def wording(sentence: str, claim: CasualtyClaim) -> str:
    return sentence[claim.start - OFFSET : claim.end - OFFSET]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("sentence", "injured", "words"),
    [
        ("Medics said 125 people were injured.", 125, "125 people were injured"),
        ("Medics said 1,300 people were injured.", 1300, "1,300 people were injured"),
        ("Medics said three people were injured.", 3, "three people were injured"),
        ("Medics said twenty-five people were injured.", 25, "twenty-five people were injured"),
        ("Medics said a dozen people were injured.", 12, "a dozen people were injured"),
        ("Medics said one marcher was injured.", 1, "one marcher was injured"),
        ("وقال مسعفون إن ١٢٥ شخصا أصيبوا.", 125, "١٢٥ شخصا أصيبوا"),
        ("وقال مسعفون إن ثلاثة أشخاص أصيبوا.", 3, "ثلاثة أشخاص أصيبوا"),
    ],
)
def test_numbers_in_digits_and_words(sentence: str, injured: int, words: str) -> None:
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (None, injured)
    assert wording(sentence, claim) == words
    assert claim.injured_text == words


@pytest.mark.parametrize(
    ("sentence", "value", "words"),
    [
        ("Dozens of people were hurt by tear gas.", 12, "Dozens of people were hurt"),
        ("Hundreds were hurt in the crush.", 100, "Hundreds were hurt"),
        ("Scores were wounded near the bridge.", 20, "Scores were wounded"),
        ("Several marchers were wounded.", 3, "Several marchers were wounded"),
        ("Tens of people were injured.", 10, "Tens of people were injured"),
        ("سقط عشرات الجرحى قرب الجسر.", 10, "عشرات الجرحى"),
        ("سقط مئات المصابين قرب الجسر.", 100, "مئات المصابين"),
    ],
)
def test_vague_quantities_keep_their_words_and_take_the_conservative_figure(
    sentence: str, value: int, words: str
) -> None:
    claim = only_claim(sentence)
    assert claim.injured == value
    assert claim.injured_text == words


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("At least 40 people were hurt.", "at least"),
        ("Almost 40 people were hurt.", "almost"),
        ("About 40 people were hurt.", "about"),
        ("Nearly 40 people were hurt.", "nearly"),
        ("More than 40 people were hurt.", "more than"),
        ("Some 40 people were hurt.", "some"),
        ("Up to 40 people were hurt.", "up to"),
        ("Over 40 people were hurt.", "over"),
        ("أصيب ما لا يقل عن 40 شخصا.", "ما لا يقل عن"),
        ("أصيب أكثر من 40 شخصا.", "أكثر من"),
        ("أصيب نحو 40 شخصا.", "نحو"),
    ],
)
def test_qualifiers_are_kept(sentence: str, qualifier: str) -> None:
    claim = only_claim(sentence)
    assert (claim.injured, claim.qualifier) == (40, qualifier)
    assert qualifier in wording(sentence, claim).lower()


def test_number_without_a_qualifier_has_none() -> None:
    assert only_claim("Forty people were hurt.").qualifier is None


# --------------------------------------------------------------------------- killed or injured


@pytest.mark.parametrize(
    "sentence",
    [
        "Two people were killed near the gate.",
        "Two people were left dead near the gate.",
        "Two deaths were recorded near the gate.",
        "Two marchers died near the gate.",
        "Two fatalities were recorded near the gate.",
        "Supporters mourned two martyrs.",
        "سقط قتيلان اثنان قرب البوابة.",
        "سقط 2 قتلى قرب البوابة.",
        "أعلن مقتل اثنين من المتظاهرين.",
        "The clashes ended, killing two people.",
    ],
)
def test_killed_words(sentence: str) -> None:
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (2, None)


@pytest.mark.parametrize(
    "sentence",
    [
        "Nine people were injured near the gate.",
        "Nine people were wounded near the gate.",
        "Nine people were hurt near the gate.",
        "Nine injuries were recorded near the gate.",
        "Nine casualties were recorded near the gate.",
        "سقط 9 جرحى قرب البوابة.",
        "سقط 9 جريحا قرب البوابة.",
        "أعلن عن إصابة 9 أشخاص.",
        "The rubber bullets hit the crowd, wounding nine.",
    ],
)
def test_injured_words(sentence: str) -> None:
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (None, 9)


def test_casualties_with_a_figure_count_as_injured_never_killed() -> None:
    claim = only_claim("The clinic counted 30 casualties.")
    assert (claim.killed, claim.injured, claim.injured_text) == (None, 30, "30 casualties")


def test_killed_and_injured_of_one_claimant_make_one_claim() -> None:
    sentence = "Three people were killed and 20 wounded, police said."
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (3, 20)
    assert claim.killed_text == "Three people were killed"
    assert claim.injured_text == "20 wounded"
    assert wording(sentence, claim) == "Three people were killed and 20 wounded"


def test_casualty_word_before_the_figure_binds_first() -> None:
    sentence = "Gunfire broke out, killing three and injuring 12."
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (3, 12)
    assert (claim.killed_text, claim.injured_text) == ("killing three", "injuring 12")


def test_toll_phrase_before_the_figure() -> None:
    claim = only_claim("The death toll rose to 7, the civil defence said.")
    assert (claim.killed, claim.killed_text) == (7, "death toll rose to 7")


def test_arabic_killed_and_injured_with_attached_particles() -> None:
    sentence = "وأفادت مصادر أمنية بمقتل ثلاثة متظاهرين وإصابة 40 آخرين."
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (3, 40)
    assert claim.claimed_by == "مصادر أمنية"


def test_different_qualifiers_are_named_per_figure_in_one_claim() -> None:
    claim = only_claim("At least 3 were killed and about 20 were injured.")
    assert (claim.killed, claim.injured) == (3, 20)
    assert claim.qualifier == "killed: at least; injured: about"
    assert (claim.killed_text, claim.injured_text) == (
        "At least 3 were killed",
        "about 20 were injured",
    )


def test_a_qualifier_of_one_figure_only_is_named_with_its_figure() -> None:
    claim = only_claim("Armed men said three of their members were killed and some fifty wounded.")
    assert (claim.killed, claim.injured, claim.qualifier) == (3, 50, "injured: some")


def test_qualifier_written_after_the_figure() -> None:
    claim = only_claim("وتحدثت أنباء عن مقتل متظاهر واحد على الأقل.")
    assert (claim.killed, claim.qualifier) == (1, "على الأقل")
    assert claim.killed_text == "مقتل متظاهر واحد على الأقل"


# --------------------------------------------------------------------------- zero figures


def test_no_deaths_is_killed_zero_and_no_gunshot_wounds_is_no_figure() -> None:
    sentence = "No gunshot wounds and no deaths were reported, the ministry claimed, adding more."
    claim = only_claim(sentence, previous=(HEALTH,))
    assert (claim.killed, claim.injured) == (0, None)
    assert claim.killed_text == "no deaths"
    assert (claim.claimed_by, claim.claim_status) == (HEALTH, "denied")


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("It denied that anyone had been killed on Friday.", HEALTH),
        ("The Interior Ministry denied that any protesters were hurt.", "Interior Ministry"),
        ("ونفت وزارة الصحة في بيان سقوط أي قتلى.", "وزارة الصحة"),
        ("Later the ministry said nobody had died.", HEALTH),
    ],
)
def test_a_named_body_giving_zero_denies_the_other_figures(sentence: str, claimant: str) -> None:
    claim = only_claim(sentence, previous=(HEALTH,))
    assert 0 in (claim.killed, claim.injured)
    assert (claim.claimed_by, claim.claim_status) == (claimant, "denied")


def test_anyone_outside_a_denial_is_no_figure() -> None:
    assert claims_of("It was unclear whether anyone had been killed.") == []


def test_a_claim_the_ministry_denied_gives_the_ministry_a_zero() -> None:
    sentence = (
        "A drivers' spokesman said two of them had been beaten, "
        "a claim the Interior Ministry denied."
    )
    first, second = claims_of(sentence)
    assert (first.injured, first.claimed_by, first.claim_status) == (
        2,
        "drivers' spokesman",
        "claimed",
    )
    assert (second.injured, second.claimed_by, second.claim_status) == (
        0,
        "Interior Ministry",
        "denied",
    )


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("No one was killed, the Interior Ministry said.", 0, None),
        ("Nobody was hurt in the blaze.", 0, 0),  # not hurt: not killed either
        ("There were no casualties.", 0, 0),
        ("There were no injuries.", None, 0),
        ("لا قتلى في صفوف المتظاهرين.", 0, None),
        ("لم تسجل أي إصابات.", None, 0),
    ],
)
def test_stated_absence_is_a_zero_figure(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (killed, injured)


# --------------------------------------------------------------------------- claimants


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("At least 125 people were injured, according to Iraq's Health Ministry.", HEALTH),
        (
            "At least 125 people were injured, according to Iraq’s Health Ministry.",
            "Iraq’s Health Ministry",
        ),
        ("The Health Ministry said 125 people were injured.", "Health Ministry"),
        ("125 people were injured, medics said.", "medics"),
        (
            "“It was chaos,” said Hadi al-Amiri, adding that 125 people were injured.",
            "Hadi al-Amiri",
        ),
        ("Al-Ahad TV claimed 125 people were injured.", "Al-Ahad TV"),
        ("Other PMF-allied media reported 125 people were injured.", "PMF-allied media"),
        ("Sources told Rudaw that 125 people were injured.", "Sources"),
        ("125 people were injured, according to local media.", "local media"),
        ("There were unconfirmed reports that 125 people were injured.", None),
        (
            "A source in the Interior Ministry said 125 people were injured.",
            "source in the Interior Ministry",
        ),
        ("وقال مصدر في وزارة الداخلية إن 125 منتسبا أصيبوا.", "مصدر في وزارة الداخلية"),
        ("Al-Ahad TV aired funerals for 125 people it said were injured.", "Al-Ahad TV"),
        (
            "Kataib Hezbollah, one of the strongest armed factions, said 125 people were injured.",
            "Kataib Hezbollah",
        ),
        (
            "Al-Ahad TV, a channel close to one of the factions, claimed 125 people were injured.",
            "Al-Ahad TV",
        ),
        (
            "In a statement on Friday, the Interior Ministry said 125 people were injured.",
            "Interior Ministry",
        ),
        ("أعلنت وزارة الصحة العراقية إصابة 125 شخصا.", "وزارة الصحة العراقية"),
        ("أصيب 125 شخصا بحسب مصادر طبية.", "مصادر طبية"),
        ("قالت قناة محلية إن 125 شخصا أصيبوا.", "قناة محلية"),
        ("125 people were injured.", None),
    ],
)
def test_claimant_words(sentence: str, claimant: str | None) -> None:
    claim = only_claim(sentence)
    assert claim.injured == 125
    assert claim.claimed_by == claimant


def test_the_ministry_resolves_to_the_latest_earlier_ministry() -> None:
    sentence = "The ministry said 40 people were hurt."
    assert only_claim(sentence, (HEALTH, "Kataib Hezbollah")).claimed_by == HEALTH
    later = (HEALTH, "Iraq's Interior Ministry")
    assert only_claim(sentence, later).claimed_by == "Iraq's Interior Ministry"


def test_a_partly_named_ministry_resolves_only_to_a_ministry_with_those_words() -> None:
    sentence = "The Health Ministry said 40 people were hurt."
    assert only_claim(sentence, (HEALTH, "Iraq's Interior Ministry")).claimed_by == HEALTH


def test_unresolved_mention_is_kept_as_written() -> None:
    assert only_claim("The ministry said 40 people were hurt.").claimed_by == "The ministry"
    assert only_claim(
        "The ministry said 40 people were hurt.", ("Kataib Hezbollah",)
    ).claimed_by == ("The ministry")


def test_arabic_definite_mention_resolves() -> None:
    claim = only_claim("وأعلنت الوزارة إصابة 30 شخصا.", ("وزارة الصحة العراقية",))
    assert (claim.claimed_by, claim.claim_status) == ("وزارة الصحة العراقية", "official")


def test_claimant_of_an_earlier_sentence_without_figures_is_found_for_later_ones() -> None:
    first = "Those rumours were not confirmed by Iraq's Health Ministry."
    assert claims_of(first) == []
    previous = tuple(find_claimants(first))
    assert previous == (HEALTH,)
    claim = only_claim("The ministry insisted that 90 people were treated for injuries.", previous)
    assert (claim.claimed_by, claim.injured) == (HEALTH, 90)


def test_find_claimants_leaves_out_bare_common_nouns() -> None:
    assert find_claimants("The ministry said the gates were shut, Al-Ahad TV reported.") == [
        "Al-Ahad TV"
    ]


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Four protesters were killed, police said.", "official"),
        ("Four protesters were killed, the civil defence said.", "official"),
        ("Four protesters were killed, the Security Media Cell said.", "official"),
        ("Four protesters were killed, according to the Iraqi army.", "official"),
        ("قالت خلية الإعلام الأمني إن أربعة متظاهرين قتلوا.", "official"),
        ("Four protesters were killed, Kataib Hezbollah said.", "claimed"),
        ("Four protesters were killed, Al-Ahad TV reported.", "claimed"),
        ("Four protesters were killed, activists said.", "claimed"),
        ("Four protesters were killed, militia officials said.", "claimed"),
        ("Four protesters were killed, a police source said.", "official"),
        ("Four protesters were killed, security sources said.", "claimed"),
        ("Four protesters were killed, medics at the scene said.", "claimed"),
        ("Four protesters were killed.", "claimed"),
        ("Four protesters were reportedly killed.", "unconfirmed"),
        ("Rumours spread that four protesters were killed.", "unconfirmed"),
        ("Four protesters were killed, activists said, with no official confirmation.", "claimed"),
        ("The outlet could not confirm reports that four protesters were killed.", "unconfirmed"),
        ("An envoy said he had seen reports that four protesters were killed.", "unconfirmed"),
        ("أنباء غير مؤكدة عن مقتل أربعة متظاهرين.", "unconfirmed"),
        ("The Interior Ministry denied reports that four protesters were killed.", "denied"),
        ("نفت الوزارة مقتل أربعة متظاهرين.", "denied"),
    ],
)
def test_claim_status(sentence: str, status: str) -> None:
    claim = only_claim(sentence)
    assert claim.killed == 4
    assert claim.claim_status == status


def test_unconfirmed_reports_contradicted_in_a_later_clause() -> None:
    sentence = (
        "There were unconfirmed reports of at least two deaths among the marchers, "
        "but the rumours have not been confirmed by Iraq's Health Ministry."
    )
    claim = only_claim(sentence)
    assert (claim.killed, claim.qualifier) == (2, "at least")
    assert (claim.claimed_by, claim.claim_status) == (None, "unconfirmed")
    assert wording(sentence, claim) == "at least two deaths"


# --------------------------------------------------------------------------- several claims


def test_contradicting_claims_are_all_returned_never_merged() -> None:
    sentence = "Police said two people were killed, but activists said five were killed."
    found = claims_of(sentence)
    assert [(c.killed, c.claimed_by, c.claim_status) for c in found] == [
        (2, "Police", "official"),
        (5, "activists", "claimed"),
    ]


def test_two_claimants_in_one_sentence_each_keep_their_figure() -> None:
    sentence = (
        "At least 60 people were hurt, according to Iraq's Health Ministry, "
        "and Kataib Hezbollah said two were killed."
    )
    found = claims_of(sentence)
    assert [(c.killed, c.injured, c.claimed_by) for c in found] == [
        (None, 60, HEALTH),
        (2, None, "Kataib Hezbollah"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Health Ministry said 27 of those injured were civilians.",
        "The Health Ministry said almost 100 of those treated for injuries were police.",
        "Of the wounded, 30 were police; the ministry said 12 of them were officers.",
        "وقالت الوزارة إن 27 منهم مدنيون.",
    ],
)
def test_sub_group_figures_are_not_claims(sentence: str) -> None:
    assert claims_of(sentence) == []


def test_total_reaches_past_a_breakdown_aside() -> None:
    sentence = "At least 45 people, 30 of them police, were hurt, medics said."
    claim = only_claim(sentence)
    assert (claim.injured, claim.qualifier, claim.claimed_by) == (45, "at least", "medics")
    assert wording(sentence, claim) == "At least 45 people, 30 of them police, were hurt"


def test_of_them_without_a_total_only_says_whom_the_figure_counts() -> None:
    claim = only_claim("A union leader said two of them had been beaten by police.")
    assert (claim.injured, claim.injured_text) == (2, "two of them had been beaten")


def test_quoted_vague_quantity() -> None:
    claim = only_claim('Organisers said "dozens" of marchers had been wounded.')
    assert (claim.injured, claim.claimed_by) == (12, "Organisers")


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Nine marchers were shot dead.", 9, None),
        ("Nine marchers were shot.", None, 9),
        ("Nine marchers were treated for breathing problems.", None, 9),
        ("A protester was killed near the bridge.", 1, None),
    ],
)
def test_more_casualty_words(sentence: str, killed: int | None, injured: int | None) -> None:
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (killed, injured)


def test_total_is_kept_and_its_sub_group_dropped() -> None:
    sentence = (
        "At least 80 people were hurt; the ministry said almost 60 of them were police officers."
    )
    claim = only_claim(sentence)
    assert (claim.injured, claim.qualifier, claim.claimed_by) == (80, "at least", None)


def test_total_inside_a_sub_group_sentence_is_kept() -> None:
    sentence = "The ministry insisted that most of the 125 injured were police officers."
    claim = only_claim(sentence, (HEALTH,))
    assert (claim.injured, claim.injured_text, claim.claimed_by) == (125, "125 injured", HEALTH)


# --------------------------------------------------------------------------- not casualties


@pytest.mark.parametrize(
    "sentence",
    [
        "The mass 2019 protests were about corruption.",
        "Factions still reject the Oct. 10 vote.",
        "The cleric's bloc won 73 seats out of 329.",
        "The commission rejected most of 1,300 appeals.",
        "Kataib Hezbollah, one of the most powerful militias, rejected the count.",
        "A 25-year-old marcher joined the crowd.",
        "The crowd reached the gate at 3 pm.",
        "The bloc's seats were cut by about two-thirds.",
        "Some 300 marchers reportedly tried to force the gate.",
        "Around 125 people gathered near the bridge.",
        "Sources told Kurdistan 24 that the clashes left casualties.",
        "Marchers were wounded in their pride for two days.",
        "",
    ],
)
def test_numbers_that_are_not_casualties(sentence: str) -> None:
    assert claims_of(sentence) == []


def test_appositive_number_is_skipped_and_the_real_figure_kept() -> None:
    sentence = "Kataib Hezbollah, one of the strongest armed factions, said three people had died."
    claim = only_claim(sentence)
    assert (claim.killed, claim.claimed_by, claim.claim_status) == (
        3,
        "Kataib Hezbollah",
        "claimed",
    )
    assert wording(sentence, claim) == "three people had died"


def test_offset_shifts_every_span() -> None:
    sentence = "Two people were killed."
    plain = find_casualty_claims(sentence)[0]
    shifted = find_casualty_claims(sentence, offset=57)[0]
    assert (shifted.start - plain.start, shifted.end - plain.end) == (57, 57)
    assert sentence[plain.start : plain.end] == "Two people were killed"


# --------------------------------------------------------------------------- robustness


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_well_formed_claims(sentence: str) -> None:
    for claim in find_casualty_claims(sentence, offset=5):
        assert 5 <= claim.start < claim.end <= len(sentence) + 5
        assert claim.killed is not None or claim.injured is not None
        assert all(v is None or v >= 0 for v in (claim.killed, claim.injured))


@pytest.mark.parametrize(
    ("prefix", "unit", "count", "suffix"),
    [
        ("", "1 2 3 4 5 ", 4_000, ""),
        ("", "killed 3 and ", 3_000, ""),
        ("", "police said, ", 3_000, ""),
        ("", "مقتل ثلاثة وإصابة ٤٠ ", 3_000, ""),
        ("", "9", 50_000, ""),
        ("at least", " ", 40_000, "x"),
    ],
)
def test_hostile_text_is_read_in_linear_time(
    prefix: str, unit: str, count: int, suffix: str
) -> None:
    assert_linear(find_casualty_claims, unit, count, prefix=prefix, suffix=suffix)


def _bundled() -> dict[str, object]:
    resource = resources.files("incidents").joinpath("data", "casualties.json")
    return json.loads(resource.read_text(encoding="utf-8"))


def test_bundled_vocabulary_loads_and_compiles() -> None:
    vocabulary = build_vocabulary(_bundled())
    assert vocabulary.number_values["dozens"] == 12
    assert vocabulary.number_values["hundreds"] == 100


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: d["terms"].pop("killed_after"), "'killed_after' must be a non-empty list"),
        (lambda d: d["vague_quantities"]["words"].update({"dozens": "12"}), "'dozens' must map"),
        (lambda d: d["window"].update({"max_words": -1}), "'max_words' must be a whole number"),
        (lambda d: d.pop("status"), "missing object 'status'"),
    ],
)
def test_broken_vocabulary_names_the_file_and_the_field(breakage, message: str) -> None:
    data = copy.deepcopy(_bundled())
    breakage(data)
    with pytest.raises(IncidentMapperError, match=message) as caught:
        build_vocabulary(data)
    assert "casualties.json" in str(caught.value)


# -------------------------------------------------------------------- issue 11


@pytest.mark.parametrize(
    "sentence",
    [
        "Thousands of protesters gathered in Martyrs' Square.",
        "Hundreds marched across the Martyrs Bridge.",
        "Dozens of fighters of the Martyrs Brigade paraded.",
        "تجمع آلاف المتظاهرين في ساحة الشهداء",
        "عبر المئات جسر الشهداء",
    ],
)
def test_casualty_words_inside_a_place_name_are_not_casualty_words(sentence):
    assert find_casualty_claims(sentence) == []


def test_place_spans_passed_by_the_caller_are_never_read():
    sentence = "Thousands gathered at Martyrs Memorial Plaza."
    start = sentence.index("Martyrs")
    assert find_casualty_claims(sentence, place_spans=[(start, len(sentence) - 1)]) == []


def test_negated_statement_gives_zero_and_no_claimant():
    (claim,) = find_casualty_claims("No casualties were immediately reported.")
    assert (claim.killed, claim.injured, claim.claimed_by) == (0, 0, None)


def test_claimants_are_noun_phrases():
    (claim,) = find_casualty_claims("Two people have reportedly died, were immediately told.")
    assert claim.claimed_by is None


@pytest.mark.parametrize(
    "sentence",
    [
        "More than 320 people have been killed since October, the commission said.",
        "At least 12 protesters have died since the protests began.",
        "منذ بداية الاحتجاجات قتل 500 متظاهر",
        "So far this year 40 people have been killed in such attacks.",
    ],
)
def test_running_tolls_are_cumulative(sentence):
    (claim,) = find_casualty_claims(sentence)
    assert claim.scope == "cumulative"


def test_the_incident_figures_keep_scope_incident():
    (claim,) = find_casualty_claims("The blast killed 12 people on Friday, police said.")
    assert claim.scope == "incident"


def test_claimant_memory_resolves_like_a_list_of_names():
    memory = ClaimantMemory(["Iraq's Health Ministry", "Al-Ahad TV", "the Interior Ministry"])
    (claim,) = find_casualty_claims(
        "The health ministry said 3 were killed.", previous_claimants=memory
    )
    assert claim.claimed_by == "Iraq's Health Ministry"
    (claim,) = find_casualty_claims("It said 3 were killed.", previous_claimants=memory)
    assert claim.claimed_by == "the Interior Ministry"


def test_claimant_memory_keeps_a_bounded_number_of_names_per_head():
    memory = ClaimantMemory(f"Ministry number {n} Ministry" for n in range(1000))
    assert len(list(memory.with_head("ministry"))) <= 32


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("فقتلت ثلاثة عراقيين وجرحت سبعة آخرين", 3, 7),
        ("لقي ما لا يقل عن 30 شخصا حتفهم", 30, None),
        ("انفجار أودى بحياة 12 شخصا", 12, None),
        ("The embassy said no embassy staff had been hurt.", 0, 0),
    ],
)
def test_wire_verbs_and_stated_absence(sentence, killed, injured):
    found = find_casualty_claims(sentence)
    assert any((c.killed, c.injured) == (killed, injured) for c in found), found


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("No embassy staff had been hurt, the ministry said.", (0, 0)),
        ("None of the embassy's employees was hurt.", (0, 0)),
        ("No one was injured.", (None, 0)),
        ("The bombs damaged two shops but injured nobody.", (None, 0)),
        ("The blast caused neither casualties nor material damage.", (0, 0)),
        ("ولم يخلّف أي خسائر بشرية.", (0, 0)),
    ],
)
def test_stated_absence_of_casualties(sentence, figures):
    claims = find_casualty_claims(sentence)
    assert [(c.killed, c.injured) for c in claims] == [figures]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("The attack killed two U.S. soldiers and two civilians.", [(4, None)]),
        ("Three council members and one soldier were wounded.", [(None, 4)]),
        ("The bomb exploded, wounding two policemen and seven civilians.", [(None, 9)]),
        ("Two people were killed and five wounded.", [(2, 5)]),
        ("Three were killed in Karrada and two in Mansour.", [(3, None), (2, None)]),
        ("قتل ثلاثة أشخاص في الكرادة واثنان في المنصور", [(3, None), (2, None)]),
    ],
)
def test_coordinated_groups_add_up_and_each_place_keeps_its_toll(sentence, figures):
    claims = find_casualty_claims(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("فقتل جنديا عراقيا وجرح آخر", [(1, 1)]),
        ("تسلم المستشفى جثة قتيل و21 جريحا", [(1, 21)]),
        ("وقتل شخص وجرح 9 آخرون", [(1, 9)]),
        ("وخلّف التفجير قتيلا وأربعة مصابين", [(1, 4)]),
        ("قتل 36 شخصا وأصيب 70", [(36, 70)]),
        ("إن 125 شخصاً أصيبوا بجروح", [(None, 125)]),
    ],
)
def test_arabic_singular_nouns_count_one_unless_a_figure_counts_them(sentence, figures):
    claims = find_casualty_claims(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


def test_a_person_noun_with_its_figure_after_it_is_counted_once():
    claims = find_casualty_claims("عن مقتل متظاهر واحد على الأقل")
    assert [(c.killed, c.qualifier) for c in claims] == [(1, "على الأقل")]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("التفجيرات التي قتل فيها 36 شخصا في بغداد", [(36, None)]),
        ("الهجوم الذي قتل فيه الثلاثاء نحو 60 شخصا", [(60, None)]),
        ("The attack, which injured only two guards, failed.", [(None, 2)]),
        ("منذ أن قتلت انتحارية 40 شخصا في جامعة", [(40, None)]),
    ],
)
def test_words_that_may_stand_between_a_casualty_word_and_its_figure(sentence, figures):
    claims = find_casualty_claims(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("The dead numbered at least 58.", [(58, None)]),
        (
            "The dead have included two US officials and two guards, and the wounded number "
            "at least 10.",
            [(4, 10)],
        ),
        ("The blast took Monday's toll past 40.", [(40, None)]),
        ("An official said a man was killed and two were hurt.", [(1, 2)]),
    ],
)
def test_tolls_told_as_the_dead_and_the_wounded(sentence, figures):
    claims = find_casualty_claims(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("The blast hurt four Iraqi civilians and an Iraqi interpreter.", [(None, 5)]),
        ("Five people in one vehicle were killed.", [(5, None)]),
        ("قُتل 35 شخصاً وجرح 225 آخرون في 3 انفجارات", [(35, 225)]),
        ("The Associated Press put the death toll at 67.", [(67, None)]),
        ("فإن قتيلي القصف هما قائدان", [(2, None)]),
    ],
)
def test_figures_that_count_things_and_groups_that_count_people(sentence, figures):
    claims = find_casualty_claims(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("A bomb killed six people near the market.", [(6, None)]),
        ("An explosion wounded three shoppers.", [(None, 3)]),
        ("A gunman shot dead a shopkeeper.", [(1, None)]),
        ("A sniper killed a protester and wounded two.", [(1, 2)]),
        ("A protester was killed and two were wounded.", [(1, 2)]),
        ("A policeman died of his wounds.", [(1, None)]),
    ],
)
def test_an_article_before_the_one_who_kills_is_not_a_figure(sentence, figures):
    """'A bomb killed six': the casualty word takes the figure after it as its object,
    so the noun after 'a' is the subject that kills, not one dead."""
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # a figure opened by a quote is a figure, not a singular noun counting one
        ('قال اللواء إن "12 شخصا لقوا حتفهم".', 12, None),
        # Arabic tens in the oblique case
        ("فقتلت 36 شخصا على الاقل واصابت قرابة سبعين اخرين.", 36, 70),
        # a number counting the weapons that kill is no figure of the dead
        ("Two bombs killed at least 57 people.", 57, None),
        # a definite singular person is one
        ("A strike hit the car, killing the commander of the group.", 1, None),
        ("وأسفر القصف عن مقتل القيادي في الهجوم.", 1, None),
    ],
)
def test_figures_written_as_wire_copy_writes_them(sentence, killed, injured) -> None:
    claim = only_claim(sentence)
    assert (claim.killed, claim.injured) == (killed, injured)


def test_a_claimant_runs_on_over_initials() -> None:
    claim = only_claim("According to U.S. and Iraqi officials, 10 people were killed.")
    assert claim.claimed_by == "U.S. and Iraqi officials"


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("BAGHDAD, Aug 4 -- The U.S. military said two soldiers were killed.", "U.S. military"),
        ("Officials who spoke on condition of anonymity said 17 were killed.", "Officials"),
        ("وأعلن مصدر في وزارة الداخلية كذلك أن شخصا قتل.", "مصدر في وزارة الداخلية"),
    ],
)
def test_a_claimant_is_the_noun_phrase_alone(sentence, claimant) -> None:
    assert only_claim(sentence).claimed_by == claimant


# ------------------------------------------------------- issue 11: articles and lists


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("A bomb went off and 10 people were killed.", [(10, None)]),
        ("A car bomb exploded in a crowded market and 12 people were wounded.", [(None, 12)]),
        ("An explosion ripped through a bus station and three people died.", [(3, None)]),
        ("A mortar round hit a school in Dora and two pupils were hurt.", [(None, 2)]),
        ("A bomb went off outside the bank and people were killed.", []),
        ("A blast hit a Shiite mosque and 9 worshippers were killed.", [(9, None)]),
        ("A rocket struck a soldier's home and two children were wounded.", [(None, 2)]),
    ],
)
def test_an_article_counts_no_one_unless_it_counts_a_person(sentence, figures):
    """'A bomb went off and 10 people were killed' is 10: the 'a' of 'a bomb' joined to
    the 10 by 'and' counts a bomb, not a dead person."""
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Gunmen killed two policemen and a child.", [(3, None)]),
        ("A policeman and a street vendor were wounded.", [(None, 2)]),
        ("A police officer and 10 civilians were killed.", [(11, None)]),
        ("An Iraqi and two Americans were killed in the ambush.", [(3, None)]),
        ("A senior Iran-backed militia commander and two of his guards were killed.", [(3, None)]),
        ("The shooting killed a 12-year-old boy.", [(1, None)]),
        ("Gunmen killed another civilian and wounded 10 people.", [(1, 10)]),
        ("The blast killed another 10 people.", [(10, None)]),
        ("Another 7 people were wounded.", [(None, 7)]),
    ],
)
def test_an_article_that_counts_a_person_counts_one(sentence, figures):
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Nine people were killed or wounded in the blast.", [(None, 9)]),
        ("The blasts left thirty seven people dead or wounded.", [(None, 37)]),
        ("The attack killed and wounded dozens.", [(None, 12)]),
        ("سقط تسعة أشخاص بين قتيل وجريح جراء التفجير", [(None, 9)]),
        ("سقط 9 قتلى وجرحى", [(None, 9)]),
        # told apart, the dead and the hurt stay apart
        ("Two people were killed and five wounded.", [(2, 5)]),
    ],
)
def test_the_dead_and_hurt_counted_together_are_kept_as_hurt(sentence, figures):
    """'nine killed or wounded' says how many fell, not how many died: the figure is kept
    as injured, as 'casualties' is, so that the killed count is never inflated."""
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Gunmen using silencers killed a civil servant.", [(1, None)]),
        ("Militants shot dead a presenter outside his home.", [(1, None)]),
        ("An announcer of state television was wounded by a bomb.", [(None, 1)]),
        # a word of two senses, a preposition, a collective or a possessive: not bound
        ("A research institute was hit by gunfire.", []),
        ("He was killed at a checkpoint.", []),
        ("The strike hit a house, wounding a family.", []),
        ("Gunmen killed a teacher and wounded their children.", [(1, None)]),
    ],
)
def test_an_article_bound_as_object_or_passive_subject_counts_one(sentence, figures):
    """What a killing verb takes as its object, or has as its passive subject, is a
    person, whatever the noun: no list of occupations needed."""
    assert [(c.killed, c.injured) for c in claims_of(sentence)] == figures


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Two policemen, three soldiers and a child were killed.", 6),
        ("A policeman, a soldier and an army officer were killed.", 3),
        ("Two policemen, three soldiers, a child and a woman were killed.", 7),
        ("A soldier and a child were killed.", 2),
        ("Two rockets hit the base, a soldier and a contractor were killed.", 2),
    ],
)
def test_a_list_before_its_casualty_word_is_summed(sentence, value):
    assert [c.killed for c in claims_of(sentence)] == [value]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("The body of an Italian citizen was found in a Baghdad hotel.", [(1, None)]),
        ("Police found the bodies of four men in Iskan.", [(4, None)]),
        ("The body of the car was burned.", []),
        ("He was part of a body of experts.", []),
    ],
)
def test_the_body_of_a_person_is_one_dead(sentence, figures):
    assert [(c.killed, c.injured) for c in claims_of(sentence)] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("أودى التفجير بحياة شخصين", [(2, None)]),
        ("قتل جنديان وأصيب ثالث في هجوم مسلح", [(2, 1)]),
        ("قتل شخصين اثنين", [(2, None)]),  # the figure after the dual counts it
        ("وسجلت إصابتان خلال تفريق التظاهرة", [(None, 2)]),  # a dual casualty noun
        # -ayn of a sound plural is the plural's spelling too: no figure
        ("أصيب مدنيين بجروح", []),
        ("وقع الانفجار في الطابق الثالث", []),
    ],
)
def test_an_arabic_dual_person_noun_counts_two(sentence, figures):
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "value"),
    [("Twenty-five people were killed.", 25), ("Twenty five people were killed.", 25)],
)
def test_a_compound_number_is_read_with_or_without_its_hyphen(sentence, value):
    assert [c.killed for c in claims_of(sentence)] == [value]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Gunmen shot dead two civilians.", [(2, None)]),
        ("Gunmen gunned down three policemen near the checkpoint.", [(3, None)]),
        ("Militants executed 12 prisoners.", [(12, None)]),
        ("Gunmen assassinated a judge outside his home.", [(1, None)]),
        ("Two judges were assassinated on Monday.", [(2, None)]),
        ("Four men were gunned down at a checkpoint.", [(4, None)]),
        ("Gunmen shot dead two civilians and a bomb killed another two.", [(2, None), (2, None)]),
    ],
)
def test_a_killing_verb_binds_its_figure_before_or_after(sentence, figures):
    """'shot dead', 'gunned down', 'assassinated', 'executed' kill as 'killed' does, with
    the figure after them (their object) or before them (the passive's subject)."""
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Gunmen killed a policeman and his son in a drive-by shooting.", [(2, None)]),
        ("A roadside bomb killed a farmer and her husband.", [(2, None)]),
        ("His bodyguard was wounded in the blast.", [(None, 1)]),
        ("The blast killed three people and damaged their homes.", [(3, None)]),
        ("A bomb hit his car and wounded two passers-by.", [(None, 2)]),
        ("Gunmen killed a teacher and wounded their children.", [(1, None)]),
        ("Four men were killed at a checkpoint.", [(4, None)]),
        ("The bomb went off beside a convoy, killing one and wounding another.", [(1, 1)]),
        ("Two soldiers were wounded at a checkpoint in Dora.", [(None, 2)]),
    ],
)
def test_a_possessive_counts_one_person_like_an_article(sentence, figures):
    """'his son' is one more person: a possessive opens a group of one, counted only before
    a singular person noun (never 'his car', nor the plural 'their children'), as an
    article is, wherever its casualty word is ('killed at a checkpoint' counts none)."""
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("The dead were an Iraqi policeman, a Kurd and a third man.", [(3, None)]),
        ("The blast killed two soldiers, three policemen and a child.", [(6, None)]),
        ("Rebels killed three guards and wounded a fourth, as well as a driver.", [(3, 2)]),
        ("The attack killed four pilgrims, two guards, and a cleric.", [(7, None)]),
        ("The blast killed three people, a police officer said.", [(3, None)]),
        ("The blast killed three people, a police officer said and a witness agreed.", [(3, None)]),
        ("The blast killed five people, two of them children, and wounded nine.", [(5, 9)]),
    ],
)
def test_a_list_of_groups_after_a_casualty_word_adds_up(sentence, figures):
    """A figure bound by a word before it takes the groups listed after it, separated by
    commas, when the list ends with a coordinator; no coordinator, no list."""
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Two soldiers of the 3rd Infantry Division were wounded.", [(None, 2)]),
        ("Two fighters of an Iran-backed Iraqi Shia militia died.", [(2, None)]),
        ("Three members of the Baghdad Provincial Council were killed.", [(3, None)]),
    ],
)
def test_a_name_between_a_figure_and_its_casualty_word_counts_one_word(sentence, figures):
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("The gunmen killed two people and left a civilian fighting for his life.", [(2, 1)]),
        ("Three soldiers were in critical condition.", [(None, 3)]),
        ("وقتل شخص وبقي ثلاثة في حالة حرجة", [(1, 3)]),
    ],
)
def test_the_critically_hurt_are_injured(sentence, figures):
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    "sentence",
    [
        "No fewer than 4,130 U.S. service members have died in Iraq over the past five years.",
        "At least 90 people were killed in the capital during the last two months.",
        "قتل 300 شخص خلال السنوات الخمس الماضية",
    ],
)
def test_a_toll_over_a_stretch_of_time_up_to_now_is_cumulative(sentence):
    assert [c.scope for c in claims_of(sentence)] == ["cumulative"]


def test_a_place_ending_in_an_initial_does_not_end_the_figures_reach():
    """'U.S.' found as a place is masked with its full stop, which is no sentence's end."""
    sentence = "No fewer than 4,130 U.S. service members have died."
    start = sentence.index("U.S.")
    claims = find_casualty_claims(sentence, place_spans=[(start, start + 3)])
    assert [c.killed for c in claims] == [4130]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        (
            "The dead from Tuesday's raid on a farm south of the city were four members of a clan.",
            [(4, None)],
        ),
        ("The wounded in the market bombing included six children.", [(None, 6)]),
        ("القتلى في هجوم الأربعاء هم ثلاثة عناصر", [(3, None)]),
        ("The dead from the raid were taken to the morgue.", []),
    ],
)
def test_a_toll_told_of_its_incident_binds_its_figure(sentence, figures):
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Three rockets hit the base and two soldiers were wounded.", [(None, 2)]),
        ("Two bombs went off near the market and 10 people were killed.", [(10, None)]),
        ("One car bomb exploded and three shoppers died.", [(3, None)]),
        ("Three council members and one soldier were wounded.", [(None, 4)]),
        ("Two Yazidis and three Turkmen were killed.", [(5, None)]),
        ("Four peshmerga and two children were killed.", [(6, None)]),
        ("The raid killed 10 Iraqis and two Americans.", [(12, None)]),
        ("جرح ثلاثة جنود و4 مدنيين", [(None, 7)]),
    ],
)
def test_a_coordinated_number_counts_only_a_group_of_people(sentence, figures):
    """'Three rockets hit the base and two soldiers were wounded' is 2: the rockets are
    no casualties. Groups in Arabic script are taken as they are."""
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("The rocket fell without causing casualties.", [(0, 0)]),
        ("سقطت قذيفة لم تسفر عن وقوع إصابات", [(None, 0)]),
        ("There were no immediate reports of casualties.", []),
    ],
)
def test_an_attack_that_caused_no_casualties_gives_zero_and_no_reports_nothing(sentence, figures):
    claims = claims_of(sentence)
    assert [(c.killed, c.injured) for c in claims] == figures
    assert all(c.claimed_by is None for c in claims)
