"""How a sentence's incident words stand in the report: told again, pointing back, or no
incident at all.

:mod:`incidents.triggers` reads what a sentence's words name; this module reads how the
sentence tells it, over the data of ``data/discourse.json``:

- **retold**: a sentence that gives its telling to a source ("a US Army spokeswoman said a
  homemade bomb attack ... had taken place", "وأفاد مصدر أمني بأن") or describes footage
  ("Clips shared on social media show flames") tells again what the report has told;
  :class:`incidents.coreference.Coreference` joins it to that incident;
- **definite**: a trigger whose subject is a pronoun ("when it was stormed", "who were then
  arrested") or that names the site of an incident ("near the site of the blast", "مكان
  الانفجار") points back, as "the blast" does; the site's sentence names no place of the
  incident's own;
- **no incident**: an aim ("to keep gunmen from moving"), a near thing ("close to a
  lockdown"), a state ("under tightened security", "forces are stationed"), a weak storming
  verb in the passive ("were rushed to hospital"), the perpetrators' own act ("The
  kidnappers closed Nidal Street"), the armed men an arrest caught, a belief ("think they
  were under attack"), a reference ("which marks the death in battle", "following a deadly
  armed assault"), a sentence framed by a period of weeks or more ("Over the past two
  months");
- **named**: a weak trigger a superlative ranks ("The worst attack in the capital since")
  names an incident the text then tells, as a headline does.

Pure functions over a sentence's text and its :class:`~incidents.triggers.SentenceReading`;
most sentences tell no incident and cost one check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from gazetteer.normalize import is_arabic_letter, normalize_name
from geo.resources import DataChecks, bundled_origin, read_json_resource
from incidents.triggers import SentenceReading, Trigger
from incidents.vocabulary import Vocabulary

#: Punctuation that ends a clause: a phrase before it does not govern a trigger after it.
_CLAUSE_STOP = re.compile(r"[,;:()\[\]—–.!?؟،]|\s-\s")
_LOOKBACK = 120
"""Characters before a trigger looked at."""
_PHRASE_WORDS = 5
"""The most words a phrase of ``data/discourse.json`` has (checked when it is read)."""


@dataclass(frozen=True)
class DiscourseRules:
    """The phrase lists of ``data/discourse.json``, normalised."""

    attribution: frozenset[str]
    new_markers: tuple[str, ...]
    footage_subjects: frozenset[str]
    footage_verbs: frozenset[str]
    footage_window: int
    footage_object_of: frozenset[str]
    scene: frozenset[str]
    superlatives: frozenset[str]
    ordinal_articles: frozenset[str]
    ordinal_arabic_article: str
    ordinal_numbers: dict[str, int]
    superlative_window: int
    belief: frozenset[str]
    belief_window: int
    object_determiners: frozenset[str]
    possessive_relatives: frozenset[str]
    pronouns: frozenset[str]
    auxiliaries: frozenset[str]
    anaphora_window: int
    purpose_event_types: frozenset[str]
    purpose: frozenset[str]
    purpose_window: int
    approximation: frozenset[str]
    approximation_articles: frozenset[str]
    approximation_arabic_window: int
    stative_types: frozenset[str]
    stative_triggers: frozenset[str]
    stative_before: frozenset[str]
    passive_types: frozenset[str]
    passive_auxiliaries: frozenset[str]
    perpetrator_types: frozenset[str]
    perpetrators: frozenset[str]
    perpetrator_window: int
    object_of_types: frozenset[str]
    object_nouns: frozenset[str]
    reference: frozenset[str]
    reference_not_after: dict[str, frozenset[str]]
    reference_window: int
    period_openers: tuple[str, ...]
    period_units: frozenset[str]
    period_reach: int
    period_unit_window: int


DATA_FILE = "discourse.json"
_CHECKS = DataChecks(bundled_origin("incidents", DATA_FILE))


def _norm(phrases: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize_name(p) for p in phrases if normalize_name(p)))


def _phrases(phrases: list[str], where: str) -> frozenset[str]:
    """Normalised phrases for :func:`_ends_with`, none longer than ``_PHRASE_WORDS``."""
    found = frozenset(_norm(phrases))
    longest = max((len(p.split()) for p in found), default=0)
    if longest > _PHRASE_WORDS:
        msg = f"a phrase of more than {_PHRASE_WORDS} words: {sorted(found)}"
        raise _CHECKS.error(msg, where)
    return found


@cache
def discourse_rules() -> DiscourseRules:
    """The bundled rules, read once."""
    return build_discourse_rules(read_json_resource("incidents", DATA_FILE))


def build_discourse_rules(raw: Mapping[str, Any]) -> DiscourseRules:
    """Check the rules of ``data/discourse.json`` and normalise their phrases.

    Raises
    ------
    DataFileError
        Naming the file and the section of a missing or malformed setting.
    """
    checks = _CHECKS
    sections = (
        "attribution", "footage", "scene", "ordinal", "named", "belief", "definite_object",
        "anaphoric_subjects", "purpose", "approximation", "stative", "passive", "perpetrators",
        "object_of", "reference", "period",
    )  # fmt: skip
    section = {name: checks.section(raw, name, "top") for name in sections}

    def words(name: str, key: str) -> list[str]:
        return checks.words(section[name], key, name)

    def phrases(name: str, key: str) -> frozenset[str]:
        return _phrases(words(name, key), f"{name}.{key}")

    def window(name: str, key: str = "window") -> int:
        return checks.whole_number(section[name], key, name)

    not_after = section["reference"].get("not_after", {})
    if not isinstance(not_after, Mapping):
        msg = "'not_after' must be an object"
        raise checks.error(msg, "reference")
    return DiscourseRules(
        attribution=frozenset(_norm(words("attribution", "phrases"))),
        new_markers=_norm(words("attribution", "new_markers")),
        footage_subjects=frozenset(_norm(words("footage", "subjects"))),
        footage_verbs=frozenset(_norm(words("footage", "verbs"))),
        footage_window=window("footage"),
        footage_object_of=frozenset(_norm(words("footage", "object_of"))),
        scene=phrases("scene", "phrases"),
        superlatives=phrases("named", "superlatives"),
        ordinal_articles=frozenset(_norm(words("ordinal", "articles"))),
        ordinal_arabic_article=normalize_name(
            checks.text(section["ordinal"], "arabic_article", "ordinal")
        ),
        ordinal_numbers={
            normalize_name(k): v
            for k, v in checks.counts(section["ordinal"], "numbers", "ordinal").items()
        },
        superlative_window=window("named"),
        belief=phrases("belief", "phrases"),
        belief_window=window("belief"),
        object_determiners=frozenset(_norm(words("definite_object", "determiners"))),
        possessive_relatives=frozenset(_norm(words("anaphoric_subjects", "possessive_relatives"))),
        pronouns=frozenset(_norm(words("anaphoric_subjects", "pronouns"))),
        auxiliaries=frozenset(_norm(words("anaphoric_subjects", "auxiliaries"))),
        anaphora_window=window("anaphoric_subjects"),
        purpose_event_types=frozenset(words("purpose", "event_types")),
        purpose=phrases("purpose", "phrases"),
        purpose_window=window("purpose"),
        approximation=phrases("approximation", "phrases"),
        approximation_articles=frozenset(_norm(words("approximation", "articles"))),
        approximation_arabic_window=window("approximation", "arabic_window"),
        stative_types=frozenset(words("stative", "types")),
        stative_triggers=frozenset(_norm(words("stative", "triggers"))),
        stative_before=frozenset(_norm(words("stative", "before"))),
        passive_types=frozenset(words("passive", "types")),
        passive_auxiliaries=frozenset(_norm(words("passive", "auxiliaries"))),
        perpetrator_types=frozenset(words("perpetrators", "types")),
        perpetrators=phrases("perpetrators", "nouns"),
        perpetrator_window=window("perpetrators"),
        object_of_types=frozenset(words("object_of", "types")),
        object_nouns=frozenset(_norm(words("object_of", "nouns"))),
        reference=phrases("reference", "phrases"),
        reference_not_after={
            normalize_name(k): frozenset(_norm(checks.words(not_after, k, "reference.not_after")))
            for k in not_after
        },
        reference_window=window("reference"),
        period_openers=_norm(words("period", "openers")),
        period_units=frozenset(_norm(words("period", "units"))),
        period_reach=window("period", "reach"),
        period_unit_window=window("period", "unit_window"),
    )


@dataclass(frozen=True)
class Telling:
    """How one sentence tells its incidents."""

    reading: SentenceReading
    """The reading with what is no incident left out and pointing-back mentions marked
    definite."""
    retold: bool = False
    """The sentence gives its telling to a source and marks nothing as another one."""
    footage: bool = False
    """The sentence describes footage or pictures."""
    background: bool = False
    """The sentence is framed by a period of weeks or more: a trend, no incident."""
    scenes: frozenset[int] = frozenset()
    """Starts of triggers that name the site of an incident told."""
    ordinals: tuple[tuple[int, int], ...] = ()
    """(start, N) of triggers written "the Nth" ("the second bomb", "الانفجار الثاني")."""
    named: frozenset[int] = frozenset()
    """Starts of weak triggers a superlative ranks ("the worst attack since"): they name
    an incident, as a headline does."""


def read_telling(
    text: str,
    start: int,
    reading: SentenceReading,
    vocabulary: Vocabulary,
    rules: DiscourseRules | None = None,
    *,
    normalized: str | None = None,
) -> Telling:
    """How the sentence ``text`` (at report offset ``start``) tells what ``reading`` found.

    Parameters
    ----------
    text
        The sentence.
    start
        Its offset in the report (the offsets of ``reading``'s triggers are the report's).
    normalized
        The sentence normalised (``normalize_name(text)``, or its normalisation with
        offsets, outer spaces kept), when the caller has it.
    """
    if not reading.triggers:
        return Telling(reading)
    rules = rules or discourse_rules()
    words = (normalize_name(text) if normalized is None else normalized).split()
    if _period_framed(words, rules, vocabulary):
        return Telling(reading, background=True)
    kept: list[Trigger] = []
    scenes: set[int] = set()
    named: set[int] = set()
    ordinals: list[tuple[int, int]] = []
    for trigger in reading.triggers:
        before_text = text[max(0, trigger.start - start - _LOOKBACK) : trigger.start - start]
        clause = _clause_tail(before_text)
        kind = vocabulary.types[trigger.type_id]
        if _not_an_incident(trigger, kind.acled_event_type, clause, reading, rules, start, text):
            continue
        if trigger.weak and _within(clause, rules.belief, rules.belief_window):
            continue  # "might have made the men think they were under attack"
        if trigger.weak and _within(clause, rules.superlatives, rules.superlative_window):
            named.add(trigger.start)
        if trigger.fresh:
            number = _definite_ordinal(clause, trigger, text[trigger.end - start :], rules)
            if number:
                ordinals.append((trigger.start, number))
        if _ends_with(clause, rules.scene):
            scenes.add(trigger.start)
            trigger = replace(trigger, definite=True, indefinite=False)
        elif not trigger.definite and (
            _pronoun_subject(clause, rules)
            or (clause and clause[-1] in rules.possessive_relatives)
            or (
                trigger.type_id in vocabulary.definite_re_mention_types
                and _object_definite(text[trigger.end - start :], rules)
            )
        ):
            trigger = replace(trigger, definite=True, indefinite=False)
        kept.append(trigger)
    told = reading if kept == list(reading.triggers) else replace(reading, triggers=tuple(kept))
    first = min((t.start for t in kept), default=start + len(text)) - start
    lead = normalize_name(text[:first])
    padded = " " + " ".join(words) + " "
    retold = _attributed(lead, rules) and not any(m in padded for m in _padded(rules.new_markers))
    return Telling(
        told,
        retold=retold,
        footage=_footage(words, rules),
        scenes=frozenset(scenes),
        named=frozenset(named),
        ordinals=tuple(ordinals),
    )


def _definite_ordinal(
    clause: list[str], trigger: Trigger, after: str, rules: DiscourseRules
) -> int | None:
    """N when the trigger is written "the Nth" ("the second bomb") or, in Arabic, with the
    article and an ordinal with the article after it ("الانفجار الثاني"); else None."""
    if len(clause) >= 2 and clause[-2] in rules.ordinal_articles:
        return rules.ordinal_numbers.get(clause[-1])
    following = normalize_name(after[:30]).split()
    article = rules.ordinal_arabic_article
    if following and trigger.key.startswith(article) and following[0].startswith(article):
        return rules.ordinal_numbers.get(following[0])
    return None


def _object_definite(after: str, rules: DiscourseRules) -> bool:
    """True when the words right after a trigger open with a definite determiner."""
    words = normalize_name(after[:40]).split()
    return bool(words) and words[0] in rules.object_determiners


def _clause_tail(before: str) -> list[str]:
    """The normalised words of ``before`` after its last clause punctuation."""
    stops = list(_CLAUSE_STOP.finditer(before))
    tail = before[stops[-1].end() :] if stops else before
    return normalize_name(tail).split()


def _ends_with(words: list[str], phrases: frozenset[str], gap: int = 0) -> bool:
    """True when one of ``phrases`` ends ``words``, with at most ``gap`` words after it.

    A set look-up per phrase length, not a scan of the phrases."""
    for skip in range(min(gap, len(words) - 1) + 1):
        end = len(words) - skip
        for size in range(1, min(_PHRASE_WORDS, end) + 1):
            if " ".join(words[end - size : end]) in phrases:
                return True
    return False


def _within(words: list[str], phrases: frozenset[str], window: int) -> bool:
    """True when one of ``phrases`` ends within the last ``window`` words (or right before)."""
    return _ends_with(words, phrases, gap=window)


def _not_an_incident(
    trigger: Trigger,
    event_type: str | None,
    clause: list[str],
    reading: SentenceReading,
    rules: DiscourseRules,
    start: int,
    text: str,
) -> bool:
    key = trigger.key
    purpose = event_type in rules.purpose_event_types
    if purpose and _within(clause, rules.purpose, rules.purpose_window):
        return True  # "apparently to keep Shiite gunmen from moving"
    if _approximate(clause, key, rules):
        return True  # "close to a lockdown"
    if (
        trigger.type_id in rules.stative_types
        and key in rules.stative_triggers
        and clause
        and clause[-1] in rules.stative_before
    ):
        return True  # "under tightened security", "are stationed"
    if (
        trigger.weak
        and trigger.type_id in rules.passive_types
        and clause
        and clause[-1] in rules.passive_auxiliaries
    ):
        return True  # "the wounded were rushed to hospital"
    if trigger.type_id in rules.perpetrator_types and _within(
        clause, rules.perpetrators, rules.perpetrator_window
    ):
        return True  # "The kidnappers closed Nidal Street"
    if key in rules.object_nouns and any(
        other.type_id in rules.object_of_types and other.start < trigger.start
        for other in reading.triggers
    ):
        return True  # "arrested a prominent gunman"
    return _referenced(clause, rules)


def _referenced(clause: list[str], rules: DiscourseRules) -> bool:
    """True when a reference phrase stands within the window before the trigger, not
    right after one of its ``not_after`` words ("it was behind" is a claim)."""
    for skip in range(min(rules.reference_window, len(clause) - 1) + 1):
        end = len(clause) - skip
        for size in range(1, min(_PHRASE_WORDS, end) + 1):
            phrase = " ".join(clause[end - size : end])
            if phrase not in rules.reference:
                continue
            before = clause[end - size - 1] if end - size > 0 else ""
            if before not in rules.reference_not_after.get(phrase, ()):
                return True
    return False


def _approximate(clause: list[str], key: str, rules: DiscourseRules) -> bool:
    if not clause:
        return False
    arabic = is_arabic_letter(key[:1])
    if arabic:
        return _within(clause, rules.approximation, rules.approximation_arabic_window)
    words = clause[:-1] if clause[-1] in rules.approximation_articles else clause
    return _ends_with(words, rules.approximation)


def _pronoun_subject(clause: list[str], rules: DiscourseRules) -> bool:
    """True when a pronoun, then only auxiliaries and adverbs, stand right before the trigger."""
    for between, word in enumerate(reversed(clause)):
        if word in rules.pronouns:
            return between > 0
        if word not in rules.auxiliaries or between >= rules.anaphora_window:
            return False
    return False


def _attributed(lead: str, rules: DiscourseRules) -> bool:
    """True when a phrase of attribution stands before the sentence's first trigger."""
    words = lead.split()
    single = _conjoined(rules.attribution)  # a word, or one with a conjunction glued on
    if any(word in single for word in words):
        return True
    for size in (2, 3):
        for i in range(len(words) - size + 1):
            if " ".join(words[i : i + size]) in rules.attribution:
                return True
    return False


def _footage(words: list[str], rules: DiscourseRules) -> bool:
    subjects = _conjoined(rules.footage_subjects)
    objects_of = _conjoined(rules.footage_object_of)
    for i, word in enumerate(words):
        if word in subjects and not (i and words[i - 1] in objects_of):
            window = words[max(0, i - 2) : i + rules.footage_window]
            verbs = _conjoined(rules.footage_verbs)
            if any(w in verbs for w in window):
                return True
    return False


def _conjoined(words: frozenset[str]) -> frozenset[str]:
    """``words`` and each of them of three letters or more with a conjunction glued on
    ("وأفاد" for "أفاد"): a word is in it when it is one of ``words`` or, without its
    conjunction, one of them. Made once per set (held by id)."""
    known = _CONJOINED.get(id(words))
    if known is None or known[0] is not words:
        if len(_CONJOINED) > 64:
            _CONJOINED.clear()
        glued = {c + w for w in words for c in _CONJUNCTIONS if len(w) > 2}
        known = _CONJOINED[id(words)] = (words, words | glued)
    return known[1]


def _padded(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """``" phrase "`` for each of ``phrases``, made once per tuple (held by id)."""
    known = _PADDED.get(id(phrases))
    if known is None or known[0] is not phrases:
        if len(_PADDED) > 64:
            _PADDED.clear()
        known = _PADDED[id(phrases)] = (phrases, tuple(f" {p} " for p in phrases))
    return known[1]


#: Tuples (by id, held so the id stays theirs) -> :func:`_padded` of them.
_PADDED: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
#: The conjunctions an Arabic word may have glued on ("و", "ف").
_CONJUNCTIONS = "وف"
#: Sets (by id, held so the id stays theirs) -> :func:`_conjoined` of them.
_CONJOINED: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _period_framed(words: list[str], rules: DiscourseRules, vocabulary: Vocabulary) -> bool:
    """True when an opener of a period, then a unit of weeks or more, opens the sentence."""
    proclitics = vocabulary.arabic_proclitics
    head = [w[1:] if w[:1] in proclitics and len(w) > 2 else w for w in words[:8]]
    joined = " " + " ".join(head) + " "
    for opener, padded in zip(rules.period_openers, _padded(rules.period_openers), strict=True):
        at = joined.find(padded)
        if at < 0:
            continue
        if len(joined[:at].split()) > rules.period_reach:
            continue
        after = joined[at + len(opener) + 2 :].split()[: rules.period_unit_window + 1]
        if any(w in rules.period_units for w in after):
            return True
    return False
