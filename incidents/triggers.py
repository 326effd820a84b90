"""What a sentence tells: incident types, each with its status, weapon and target; actors.

A paragraph is normalised once and read by one automaton pass
(:attr:`incidents.vocabulary.Vocabulary.matcher`, every vocabulary at once);
its sentences then take their share of the matches by offset. No scan runs per
sentence, so the cost grows with the text, not with its number of sentences.

The rules, all over data of ``data/incident_types.json``:

- **type**: trigger phrases, longest first; a trigger right after a negation
  ("no gunfire") or naming an actor ("organisers of the sit-in") does not count.
  Weak triggers count only when no other type is found, fallback types only when
  nothing else is; a type that ``yields_to`` another found in the sentence gives
  way to it ("an explosion" beside "a car bomb"). A firing verb ("fired at",
  "أطلقت") is live fire only when the sentence names a firearm: tear gas "fired"
  is not gunfire.
- **status**: the nearest modality cue before the trigger in its clause
  (will, plan to, threatened, if, denied, reportedly, سوف, هدد, نفى...), or an
  Arabic future prefix on the trigger itself; no cue: ``happened``.
- **weapon**: the weapon phrase nearest the trigger whose ACLED event types
  include the trigger type's; **target**: for attacks, the nearest target phrase
  after the trigger, else before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gazetteer.normalize import is_arabic_letter, normalize_name
from gazetteer.phrases import PhraseMatch, longest_matches
from incidents.placing import clause_bounds
from incidents.spaced_phrases import _spaced, first_spaced, stretch_normalized
from incidents.vocabulary import Term, Vocabulary, incident_vocabulary

#: Punctuation that ends the reach of a status cue (a conditional crosses commas).
_CUE_STOP = re.compile(r"[,;:()\[\]—–]|\s-\s")
#: What ends the reach of a phrase of repetition: a clause's or a sentence's end.
_HABIT_STOP = re.compile(r"[,;:()\[\]—–.!?؟]|\s-\s")
#: How far after a trigger a phrase of repetition is looked for, in characters.
_HABIT_REACH = 120
_CONDITIONAL_STOP = re.compile(r"[;:()\[\]—–]")
#: How many words a condition after a promise may follow its trigger by ("would storm the
#: Ministry of Planning gate next Friday if": 7).
_CONDITION_AFTER_WORDS = 10
_DAY_AFTER = re.compile(r"[ \t]+[0-3]?\d(?![\d:.,])")
_DAY_BEFORE = re.compile(r"(?<!\d)[0-3]?\d[ \t]+\Z")
_NEGATION_LOOKBACK = 80
"""Characters of normalised text looked at before a trigger for a negation."""


@dataclass(frozen=True)
class Trigger:
    """One incident type a sentence tells, at its first trigger (offsets in the report)."""

    type_id: str
    start: int
    end: int
    status: str
    weapon: str | None
    target: str | None
    definite: bool = False
    """Written as a definite reference ("the blast", "Monday's attack", "التفجير")."""
    weak: bool = False
    """Found by a weak trigger ("attack") only."""
    key: str = ""
    """The normalised trigger phrase."""
    indefinite: bool = False
    """Written as a new referent: after an indefinite determiner or a figure ("a car bomb",
    "two bombs"), or a strong Arabic trigger without the article ("انفجرت سيارة مفخخة")."""
    summary: bool = False
    """Sums up several ("a string of car bombs", "ten car bombs", "3 انفجارات")."""
    fresh: bool = False
    """Marked as another one ("a second blast", "another bomb", "انفجار آخر"): never an
    incident told before."""


@dataclass(frozen=True)
class SentenceReading:
    """What one sentence's words say."""

    triggers: tuple[Trigger, ...]
    """One per type, in order of first trigger."""
    actors: tuple[str, ...]
    weapons: tuple[tuple[int, str], ...]
    """Every weapon named, with where (report offset)."""
    repeats: tuple[Trigger, ...] = ()
    """Later strong triggers of a type the sentence tells (or of one yielding to it):
    candidates for further incidents of that type ("a car bomb ..., while a car bomb
    in Shaab ...", "وانفجرت عبوة ثانية"; see :mod:`incidents.enumeration`)."""


#: What a sentence without a single vocabulary phrase reads.
_NO_READING = SentenceReading(triggers=(), actors=(), weapons=(), repeats=())


_CUE_STATUS = {
    "announced": "announced",
    "threatened": "threatened",
    "conditional": "threatened",
    "denied": "denied",
    "reported": "reported",
}


class TextReader:
    """A stretch of a report (a paragraph) read once; sentences take their matches.

    Parameters
    ----------
    text
        The report text.
    start, end
        The stretch to read; sentences asked for must lie inside it.
    normalized
        ``normalize_with_offsets(text)``, when the caller has it: the stretch's part of
        it is the stretch's own normalisation, so a report is normalised once.
    """

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        vocabulary: Vocabulary | None = None,
        *,
        normalized: tuple[str, list[int]] | None = None,
    ) -> None:
        self.vocabulary = vocabulary or incident_vocabulary()
        self.text = text
        norm, offsets = stretch_normalized(text, start, end, normalized)
        self.norm = norm
        self.offsets = offsets
        found = sorted(
            self.vocabulary.matcher.candidates(norm, self.offsets), key=lambda m: m.nstart
        )
        self.matches = found
        self.nstarts = [m.nstart for m in found]
        self._armed_paragraph: bool | None = None
        self.start, self.end = start, end
        self._habit_near: bool | None = None
        self._frequency_near: bool | None = None
        self._fresh_known: dict[tuple[int, int, int], bool] = {}

    def sentence(
        self, start: int, end: int, places: Sequence[tuple[int, int]] = ()
    ) -> SentenceReading:
        """The reading of the sentence spanning ``[start, end)`` of the report text.

        ``places`` are the spans (report offsets) of place names in the sentence:
        words inside a place name are never triggers, weapons or targets ("ساحة
        التحرير" is Liberation Square, not a liberation).
        """
        ns, ne = bisect_left(self.offsets, start), bisect_left(self.offsets, end)
        lo, hi = bisect_left(self.nstarts, ns), bisect_left(self.nstarts, ne)
        if lo == hi:
            return _NO_READING  # no vocabulary phrase starts in the sentence
        groups: dict[str, list[PhraseMatch[Term]]] = {
            "trigger": [],
            "weapon": [],
            "target": [],
            "cue": [],
            "actor": [],
            "firearm": [],
            "armed": [],
            "symbol": [],
            "object": [],
            "idiom": [],
            "reference": [],
        }
        for match in self.matches[lo:hi]:
            if match.nend <= ne and not (places and _inside(match, places)):
                kind = match.value.kind
                if kind in ("firearm_trigger", "aimed_trigger", "object_trigger"):
                    kind = "trigger"
                groups[kind].append(match)
        if groups["object"] or any(m.value.kind == "object_trigger" for m in groups["trigger"]):
            # A framing verb without its object ("would hold a sit-in" holds no hostage) is
            # no trigger at all: it neither hides another reading of its words ("holding
            # placards") nor stands between a cue and the trigger it governs.
            objects = groups["object"]
            groups["trigger"] = [m for m in groups["trigger"] if self._has_object(m, objects)]
        # Most sentences name no weapon, target, cue, actor or firearm: nothing to sort.
        picked = {kind: longest_matches(found) if found else [] for kind, found in groups.items()}
        weapons = picked["weapon"]
        vocab = self.vocabulary
        armed = any(self._armed(ns, m) for m in groups["armed"])
        firearm = (
            armed
            or bool(groups["firearm"])
            or any(vocab.weapons[w.value.value].firearm for w in weapons)
        )
        other_weapon = any(not vocab.weapons[w.value.value].firearm for w in weapons)
        triggers = [
            m
            for m in picked["trigger"]
            if self._fires(m, firearm, other_weapon)
            and not self._discounted(ns, m.nstart)
            and not self._in_date(m)
            and not self._symbolic(m, groups["symbol"])
            and not self._generic(m)
            and not any(i.nstart <= m.nstart and m.nend <= i.nend for i in groups["idiom"])
            and not self._referenced(m, groups["reference"])
        ]
        # A sentence that names no protesters takes the armed men its paragraph names
        # ("the violent confrontation broke out. ... an armed group burst in").
        protesters = any(a.value.value.startswith("Protesters") for a in picked["actor"])
        armed_here = armed or (not protesters and self._paragraph_armed())
        if not armed_here:
            # "took him away" is an abduction by gunmen; police "led them away" is not one
            triggers = [
                m for m in triggers if m.key not in vocab.types[m.value.value].armed_only_triggers
            ]
        bounds: list[int] = []

        def same_clause(a: PhraseMatch[Term], b: PhraseMatch[Term]) -> bool:
            if not bounds:  # read only when a riot and another type meet in a sentence
                bounds.extend(start + at for at in clause_bounds(self.text[start:end]))
            return bisect_left(bounds, a.start + 1) == bisect_left(bounds, b.start + 1)

        chosen = _choose_types(
            triggers,
            vocab,
            armed=armed_here,
            coordinated=self._coordinated,
            same_clause=same_clause,
        )
        occupied = [(m.nstart, m.nend) for m in (*picked["trigger"], *weapons)]
        targets = [t for t in picked["target"] if not _overlaps(t, occupied)]

        # "12 car bombs and two roadside bombs", "four car bombs, one driven by a suicide
        # bomber": every trigger of a summary's ACLED type in its sentence sums up too.
        summed = {
            vocab.types[m.value.value].acled_event_type for m in triggers if self._summary(ns, m)
        }

        def reading(type_id: str, m: PhraseMatch[Term]) -> Trigger:
            object_noun = vocab.types[m.value.value].definite_objects.get(m.key)
            return Trigger(
                type_id=type_id,
                start=m.start,
                end=m.end,
                status=self._status(m, picked["cue"], type_id, picked["trigger"]),
                weapon=_weapon_for(type_id, weapons, vocab, m),
                target=_target_for(type_id, targets, vocab, m),
                definite=self._definite(ns, m) or object_noun is not None,
                fresh=self._fresh(ns, m),
                indefinite=self._indefinite(ns, m),
                summary=vocab.types[type_id].acled_event_type in summed,
                weak=(object_noun or m.key) in vocab.types[m.value.value].weak_triggers,
                key=m.key,
            )

        readings = tuple(reading(type_id, m) for type_id, m in chosen)
        return SentenceReading(
            triggers=readings,
            actors=_actors(picked["actor"]),
            weapons=tuple((w.start, w.value.value) for w in weapons),
            repeats=tuple(
                reading(type_id, m)
                for type_id, m in _repeated(
                    triggers, chosen, vocab, fresh=lambda m: self._fresh(ns, m)
                )
            ),
        )

    def _paragraph_armed(self) -> bool:
        """True when the paragraph names armed men anywhere (not as whom someone
        supports): its "confrontation" is theirs."""
        if self._armed_paragraph is None:
            self._armed_paragraph = any(
                m.value.kind == "armed" and self._armed(0, m) for m in self.matches
            )
        return self._armed_paragraph

    @staticmethod
    def _fires(match: PhraseMatch[Term], firearm: bool, other_weapon: bool) -> bool:
        """Firing verbs are live fire only beside a firearm word, or aimed at someone
        ("fired at protesters") with no other weapon named (tear gas "fired" is not)."""
        kind = match.value.kind
        if kind == "firearm_trigger":
            return firearm
        if kind == "aimed_trigger":
            return firearm or not other_weapon
        return True

    def _referenced(
        self, match: PhraseMatch[Term], references: Sequence[PhraseMatch[Term]]
    ) -> bool:
        """True when the trigger names another incident as a reference point or a cause
        ("since last month's bombings", "enraged at the massacre", "ردا على")."""
        # "none" marks longer phrases that are no reference ("carrying out" attacks)
        nones = [(r.nstart, r.nend) for r in references if r.value.value == "none"]
        for ref in references:
            if ref.nend > match.nstart or ref.value.value == "none":
                continue
            if any(a <= ref.nstart and ref.nend <= b for a, b in nones):
                continue
            words = self.norm[ref.nend : match.nstart].split()
            if len(words) <= self.vocabulary.reference_window and not _CUE_STOP.search(
                self.text[ref.end : match.start]
            ):
                return True
        return False

    def _generic(self, match: PhraseMatch[Term]) -> bool:
        """True when the trigger is the subject of a statement about a kind of incident
        ("car bombs are still a threat", "abductions are among the most feared")."""
        after = " " + " ".join(self.norm[match.nend : match.nend + 40].split()[:3]) + " "
        if after.startswith(_spaced(self.vocabulary.generic_after)):
            return True
        # "an apparent rise in sticky bombs", "brought more suicide bombings than any week"
        before = self.norm[max(0, match.nstart - 40) : match.nstart].split()[-3:]
        generic_before = self.vocabulary.generic_before
        if any(" ".join(before[-k:]) in generic_before for k in range(1, len(before) + 1)):
            return True
        if before and before[-1] in self.vocabulary.comparatives and " than " in after:
            return True
        if self._habitual_clause(match):
            return True
        return self._habitual(match)

    def _habitual_clause(self, match: PhraseMatch[Term]) -> bool:
        """True when an adverb of frequency stands before the trigger in its clause
        ("attackers often strike their targets with silenced pistols or small bombs")."""
        habitual_before = self.vocabulary.habitual_before
        if self._frequency_near is None:
            # asked once per stretch: no adverb of frequency in it, no clause to read
            words = set(self.norm.split())
            self._frequency_near = any(
                all(w in words for w in phrase.split()) for phrase in habitual_before
            )
        if not self._frequency_near:
            return False
        lead = self.text[max(self.start, match.start - _HABIT_REACH) : match.start]
        stops = list(_HABIT_STOP.finditer(lead))
        clause = normalize_name(lead[stops[-1].end() :] if stops else lead).split()
        return any(
            " ".join(clause[i : i + k]) in habitual_before
            for i in range(len(clause))
            for k in (1, 2)
        )

    def _habitual(self, match: PhraseMatch[Term]) -> bool:
        """True when a phrase of repetition follows the trigger in its clause ("militants
        have attacked it again and again", "هاجموه مرارا"): a habit, not an incident."""
        vocab = self.vocabulary
        if not vocab.habitual or not self._habit_words_near():
            return False
        after = self.text[match.end : match.end + _HABIT_REACH]
        stop = _HABIT_STOP.search(after)
        clause = normalize_name(after[: stop.start()] if stop else after).split()
        lead = len(" ".join(clause[: vocab.habitual_window]))
        reach = " " + " ".join(clause) + " "
        return 0 <= first_spaced(reach, vocab.habitual) <= lead

    def _habit_words_near(self) -> bool:
        """False when no phrase of repetition has all its words in the stretch and the
        reach after it: then no trigger of it is habitual (asked once per stretch)."""
        if self._habit_near is None:
            near = normalize_name(self.text[self.start : self.end + _HABIT_REACH])
            self._habit_near = any(
                all(word in near for word in phrase.split()) for phrase in self.vocabulary.habitual
            )
        return self._habit_near

    def _has_object(self, match: PhraseMatch[Term], objects: Sequence[PhraseMatch[Term]]) -> bool:
        """A ban verb counts only with a thing it stops soon after it ("banned every kind
        of vehicle", "منعت سير المركبات"); other triggers always count."""
        if match.value.kind != "object_trigger":
            return True
        window = self.vocabulary.object_windows.get(match.value.value, 0)
        return any(
            o.value.value == match.value.value
            and o.nstart >= match.nend
            and len(self.norm[match.nend : o.nstart].split()) <= window
            and not _CUE_STOP.search(self.text[match.end : o.start])
            for o in objects
        )

    def _symbolic(self, match: PhraseMatch[Term], symbols: Sequence[PhraseMatch[Term]]) -> bool:
        """True when a thing burned as a statement stands beside the trigger ("a Quran
        burning", "burned the flag", "إحراق نسخة من القرآن"): no arson."""
        vocab = self.vocabulary
        if match.value.value not in vocab.symbolic_types:
            return False
        window = vocab.symbolic_window
        for symbol in symbols:
            if symbol.nend <= match.nstart:
                between = self.norm[symbol.nend : match.nstart]
            elif symbol.nstart >= match.nend:
                between = self.norm[match.nend : symbol.nstart]
            else:
                return True
            if len(between.split()) <= window and not _CUE_STOP.search(between):
                return True
        return False

    def _in_date(self, match: PhraseMatch[Term]) -> bool:
        """A capitalised trigger beside a day number is a month name ("March 20", "20 March")."""
        word = self.text[match.start : match.end]
        if not word[:1].isupper():
            return False
        floor = max(0, match.start - 6)
        before = self.text[floor : match.start]
        day_before = _DAY_BEFORE.search(before)
        if day_before is not None and day_before.start() == 0 and floor > 0:
            day_before = None  # the number may go on before the window: not a day
        return bool(_DAY_AFTER.match(self.text, match.end) or day_before)

    def _fresh(self, sentence_nstart: int, match: PhraseMatch[Term]) -> bool:
        """True when an ordinal or "another" stands next to the trigger ("the second
        blast", "another bomb", "الانفجار الثاني"): a new one; not after a demonstrative
        ("that second blast": the one told second). Asked up to four times a trigger:
        answered once."""
        key = (sentence_nstart, match.nstart, match.nend)
        known = self._fresh_known.get(key)
        if known is None:
            known = self._fresh_known[key] = self._fresh_words(sentence_nstart, match)
        return known

    def _fresh_words(self, sentence_nstart: int, match: PhraseMatch[Term]) -> bool:
        ordinals = self.vocabulary.ordinals
        before = self.norm[max(sentence_nstart, match.nstart - 30) : match.nstart].split()
        after = self.norm[match.nend : match.nend + 20].split()
        if before and before[-1] in ordinals:
            lead = before[:-1]
            anaphoric = self.vocabulary.anaphoric
            if any(" ".join(lead[-k:]) in anaphoric for k in range(1, min(3, len(lead)) + 1)):
                return False  # "that second blast", "This is the second curfew": told ones
        if (before and before[-1] in ordinals) or (after and after[0] in ordinals):
            return True
        # "one of Monday's blasts", "أحد التفجيرات": one of several, a new one
        lead = " " + " ".join(before[-4:]) + " "
        return first_spaced(lead, self.vocabulary.partitives) >= 0

    def _summary(self, sentence_nstart: int, match: PhraseMatch[Term]) -> bool:
        """True after a figure of two or more or a word that sums up several ("a string
        of car bombs", "ten car bombs", "3 انفجارات", "سلسلة من الانفجارات")."""
        before = self.norm[max(sentence_nstart, match.nstart - 40) : match.nstart].split()
        proclitics = self.vocabulary.arabic_proclitics
        # "بتسع سيارات مفخخة": a figure with a proclitic preposition or conjunction
        before = [w[1:] if w[:1] in proclitics and len(w) > 2 else w for w in before]
        lead = " " + " ".join(before[-3:]) + " "
        if first_spaced(lead, self.vocabulary.summary_determiners) >= 0:
            return True
        figure = next((w for w in reversed(before[-2:]) if w.replace(",", "").isdigit()), None)
        return figure is not None and int(figure.replace(",", "")) >= 2

    def _indefinite(self, sentence_nstart: int, match: PhraseMatch[Term]) -> bool:
        vocab = self.vocabulary
        weak = match.key in vocab.types[match.value.value].weak_triggers
        if is_arabic_letter(match.key[:1]) and not weak:
            # Arabic writes the indefinite as the bare noun: "انفجرت سيارة مفخخة"
            word_start = self.norm.rfind(" ", 0, match.nstart) + 1
            article = vocab.arabic_article
            prefix = self.norm[word_start : match.nstart]
            if not (prefix.endswith(article) or match.key.startswith(article)):
                return not self._definite(sentence_nstart, match)
        before = self.norm[max(sentence_nstart, match.nstart - 30) : match.nstart].split()
        if not before:
            return False
        word = before[-1]
        if word in vocab.indefinite_determiners or word.replace(",", "").isdigit():
            return True
        # "a huge car bomb", "two roadside bombs": one modifier between
        return len(before) > 1 and before[-2] in vocab.indefinite_determiners

    def _definite(self, sentence_nstart: int, match: PhraseMatch[Term]) -> bool:
        vocab = self.vocabulary
        word_start = self.norm.rfind(" ", 0, match.nstart) + 1
        prefix = self.norm[word_start : match.nstart]
        before = self.norm[max(sentence_nstart, match.nstart - 30) : match.nstart].split()
        if self._fresh(sentence_nstart, match):
            return False  # "the second blast", "الانفجار الثاني": a new one
        if prefix.endswith(vocab.arabic_article) or match.key.startswith(vocab.arabic_article):
            return True
        if len(before) > 1 and before[-1] in vocab.ordinals:
            before = before[:-1]  # "This is the second curfew": the curfew told, counted
        return bool(before) and before[-1] in vocab.definite_determiners

    def _armed(self, sentence_nstart: int, match: PhraseMatch[Term]) -> bool:
        """True unless the armed men are whom someone supports ("supporters of
        Tehran-aligned armed groups")."""
        lead = (
            " "
            + " ".join(
                self.norm[max(sentence_nstart, match.nstart - 40) : match.nstart].split()[-5:]
            )
            + " "
        )
        return first_spaced(lead, self.vocabulary.not_armed_after) < 0

    def _discounted(self, sentence_nstart: int, nstart: int) -> bool:
        """True when a trigger is negated ("no deaths") or names an actor ("organisers
        of the sit-in")."""
        vocab = self.vocabulary
        before = self.norm[max(sentence_nstart, nstart - _NEGATION_LOOKBACK) : nstart]
        words = before.split()[-vocab.negation_window :]
        if any(w in vocab.negations for w in words):
            return True
        return before.rstrip().endswith(vocab.not_event_after)

    def _status(
        self,
        trigger: PhraseMatch[Term],
        cues: Sequence[PhraseMatch[Term]],
        type_id: str,
        triggers: Sequence[PhraseMatch[Term]] = (),
    ) -> str:
        vocab = self.vocabulary
        if trigger.value.future:
            return "threatened" if self._condition_after(trigger, cues) else "announced"
        kind = vocab.types[type_id]
        for cue in reversed(cues):
            if cue.nend > trigger.nstart or cue.value.value == "announced_after":
                continue
            if cue.value.value != "conditional" and any(
                cue.nend <= other.nstart < trigger.nstart and not self._coordinated(other, trigger)
                for other in triggers
            ):
                continue  # "a planned burning ... broke into": the cue governs the burning

            between = self.text[cue.end : trigger.start]
            cue_kind = cue.value.value
            if cue_kind == "conditional":
                if _CONDITIONAL_STOP.search(between):
                    continue
            else:
                words = self.norm[cue.nend : trigger.nstart].split()
                if len(words) > vocab.status_window or _CUE_STOP.search(between):
                    continue
            if cue_kind == "call":
                if kind.family == "response":
                    continue  # "called on supporters to escalate" is the call itself
                violent = kind.acled_event_type in vocab.call_threatens
                return "threatened" if violent else "announced"
            status = _CUE_STATUS[cue_kind]
            if status == "denied" and self._denies_a_role(cue, trigger):
                continue  # "denied playing any part in the clashes": the clashes happened
            if status == "announced" and (
                self._after_condition(trigger, cues) or self._condition_after(trigger, cues)
            ):
                return "threatened"  # "if ..., we will storm": a promise on a condition
            return status
        if self._set_ahead(trigger, cues, triggers):
            return "threatened" if self._condition_after(trigger, cues) else "announced"
        return "threatened" if self._hypothetical_after(trigger, triggers) else "happened"

    def _hypothetical_after(
        self, trigger: PhraseMatch[Term], triggers: Sequence[PhraseMatch[Term]]
    ) -> bool:
        """True when a modal of what may come follows the trigger as its subject in its
        clause ("worry that protests in the capital might snowball"), not one of
        speculation about the past ("the blast might have been a gas cylinder")."""
        vocab = self.vocabulary
        if not vocab.hypothetical_after:
            return False
        after = self.text[trigger.end : trigger.end + 80]
        lowered = after.lower()
        if not any(modal in lowered for modal in vocab.hypothetical_after):
            return False  # the common case, without normalising
        stop = _CUE_STOP.search(after)
        words = normalize_name(after[: stop.start()] if stop else after).split()
        words = words[: vocab.status_window]
        for i, word in enumerate(words):
            if word in vocab.hypothetical_after:
                return i + 1 >= len(words) or words[i + 1] not in vocab.hypothetical_not_before
        return False

    def _denies_a_role(self, cue: PhraseMatch[Term], trigger: PhraseMatch[Term]) -> bool:
        """True when the words between a denial and the trigger deny a part in it ("denied
        playing any part in", "نفت أي دور لها في"), not that it happened."""
        between = " " + self.norm[cue.nend : trigger.nstart].strip() + " "
        return first_spaced(between, self.vocabulary.denied_role) >= 0

    def _coordinated(self, first: PhraseMatch[Term], second: PhraseMatch[Term]) -> bool:
        """True when only a coordinator joins two triggers ("warned of car bombs and
        suicide bombers"): a cue before the first governs both."""
        between = self.norm[first.nend : second.nstart].split()
        return len(between) == 1 and between[0] in self.vocabulary.coordinators

    def _set_ahead(
        self,
        trigger: PhraseMatch[Term],
        cues: Sequence[PhraseMatch[Term]],
        triggers: Sequence[PhraseMatch[Term]],
    ) -> bool:
        """True when a phrase right after the trigger puts it ahead ("the protests set for
        Feb. 25", "التظاهرة المقررة")."""
        for cue in cues:
            if cue.value.value != "announced_after" or cue.nstart < trigger.nend:
                continue
            if any(trigger.nend <= other.nstart < cue.nstart for other in triggers):
                return False
            words = self.norm[trigger.nend : cue.nstart].split()
            between = self.text[trigger.end : cue.start]
            return len(words) <= self.vocabulary.status_window and not _CUE_STOP.search(between)
        return False

    def _condition_after(
        self, trigger: PhraseMatch[Term], cues: Sequence[PhraseMatch[Term]]
    ) -> bool:
        """True when a condition follows the trigger in its clause ("would storm the gate
        next Friday if their demands were not met", "سيقتحمون المبنى إذا لم"): what is
        promised on a condition is a threat, as with the condition first."""
        return any(
            cue.value.value == "conditional"
            and cue.nstart >= trigger.nend
            and len(self.norm[trigger.nend : cue.nstart].split()) <= _CONDITION_AFTER_WORDS
            and not _CUE_STOP.search(self.text[trigger.end : cue.start])
            for cue in cues
        )

    def _after_condition(
        self, trigger: PhraseMatch[Term], cues: Sequence[PhraseMatch[Term]]
    ) -> bool:
        return any(
            cue.value.value == "conditional"
            and cue.nend <= trigger.nstart
            and not _CONDITIONAL_STOP.search(self.text[cue.end : trigger.start])
            for cue in cues
        )


def _inside(match: PhraseMatch[Term], spans: Sequence[tuple[int, int]]) -> bool:
    """True when the match lies within one of ``spans`` (report offsets)."""
    return any(start <= match.start and match.end <= end for start, end in spans)


def _overlaps(match: PhraseMatch[Term], spans: Sequence[tuple[int, int]]) -> bool:
    return any(match.nstart < end and start < match.nend for start, end in spans)


def _choose_types(
    triggers: Sequence[PhraseMatch[Term]],
    vocab: Vocabulary,
    *,
    armed: bool = False,
    coordinated: Callable[[PhraseMatch[Term], PhraseMatch[Term]], bool] | None = None,
    same_clause: Callable[[PhraseMatch[Term], PhraseMatch[Term]], bool] | None = None,
) -> list[tuple[str, PhraseMatch[Term]]]:
    """The first trigger of each type the sentence tells, after weak, fallback,
    armed-variant and yields_to rules. Two triggers joined only by a coordinator
    ("car bombs and suicide bombers") name two things: neither gives way."""
    strong: dict[str, PhraseMatch[Term]] = {}
    weak: dict[str, PhraseMatch[Term]] = {}
    fallback: dict[str, PhraseMatch[Term]] = {}
    for match in triggers:
        kind = vocab.types[match.value.value]
        if kind.fallback:
            bucket = fallback
        elif match.key in kind.weak_triggers:
            bucket = weak
        else:
            bucket = strong
        bucket.setdefault(kind.id, match)
    chosen = strong or weak or fallback
    if armed:
        variants: dict[str, PhraseMatch[Term]] = {}
        for type_id, match in chosen.items():
            variants.setdefault(vocab.types[type_id].armed_variant or type_id, match)
        chosen = variants
    present = set(chosen)
    # "a bomb hidden in a parked car" beside "a suicide bomber"; "Gunmen shot dead two"
    # beside "explosions killed another two": told by any of its triggers, not its first
    unyielding = {
        m.value.value for m in triggers if m.key in vocab.types[m.value.value].unyielding_triggers
    }

    def gives_way(type_id: str, match: PhraseMatch[Term]) -> bool:
        if type_id in unyielding:
            return False
        # Two types that yield to each other ("gunmen" and "opened fire"): the one told
        # first stays.
        return any(
            other in present
            and not (
                type_id in vocab.types[other].yields_to and match.nstart < chosen[other].nstart
            )
            and not (coordinated is not None and _joined(match, chosen[other], coordinated))
            and not (
                # what a crowd does in a clause of its own ("..., and then set the vehicles
                # on fire") is no consequence of a blast told in another clause; a fire
                # that broke out ("حريقا شب") is one, wherever it is told
                same_clause is not None
                and vocab.types[type_id].acled_event_type in vocab.clause_bound_event_types
                and match.key not in vocab.types[type_id].absorbed_triggers
                and vocab.types[other].acled_event_type != vocab.types[type_id].acled_event_type
                and not same_clause(match, chosen[other])
            )
            for other in vocab.types[type_id].yields_to
        )

    kept = [(t, m) for t, m in chosen.items() if not gives_way(t, m)]
    return sorted(kept, key=lambda pair: pair[1].nstart)


def _joined(
    a: PhraseMatch[Term],
    b: PhraseMatch[Term],
    coordinated: Callable[[PhraseMatch[Term], PhraseMatch[Term]], bool],
) -> bool:
    return coordinated(a, b) if a.nstart < b.nstart else coordinated(b, a)


def _repeated(
    triggers: Sequence[PhraseMatch[Term]],
    chosen: Sequence[tuple[str, PhraseMatch[Term]]],
    vocab: Vocabulary,
    fresh: Callable[[PhraseMatch[Term]], bool] = lambda m: False,
) -> list[tuple[str, PhraseMatch[Term]]]:
    """Strong trigger matches after the first of a chosen type, with the chosen type each
    tells (its own, or the chosen type of the same ACLED event type it yields to:
    "انفجار آخر" beside "عبوة ناسفة")."""
    if not chosen:
        return []  # nothing told: nothing told again
    firsts = {id(m) for _, m in chosen}
    types = [t for t, _ in chosen]
    starts = {t: m.nstart for t, m in chosen}
    found = []
    for match in longest_matches(triggers):
        kind = vocab.types[match.value.value]
        if id(match) in firsts or match.key in kind.weak_triggers or kind.fallback:
            continue
        if kind.id in types:
            found.append((kind.id, match))
            continue
        # Only a mention of the same ACLED event type tells another one of the type it
        # yields to: a fire beside a drone strike is its consequence, not a second strike.
        # What comes before the trigger it yields to tells that incident ("24 gunmen forced
        # their way into the home and took him away": one abduction), unless marked as
        # another one ("one of Monday's blasts ... the bomb went off").
        told = next(
            (
                t
                for t in types
                if t in kind.yields_to
                and vocab.types[t].acled_event_type == kind.acled_event_type
                and (match.nstart > starts[t] or fresh(match))
            ),
            None,
        )
        if told is not None:
            found.append((told, match))
    return found


def _weapon_for(
    type_id: str,
    weapons: Sequence[PhraseMatch[Term]],
    vocab: Vocabulary,
    trigger: PhraseMatch[Term],
) -> str | None:
    kind = vocab.types[type_id]
    if kind.acled_sub_event_type in vocab.weaponless_sub_event_types:
        return None
    event = kind.acled_event_type
    fitting = [w for w in weapons if event in vocab.weapons[w.value.value].event_types]
    if not fitting:
        return None
    return min(fitting, key=lambda w: _distance(trigger, w)).value.value


def _target_for(
    type_id: str,
    targets: Sequence[PhraseMatch[Term]],
    vocab: Vocabulary,
    trigger: PhraseMatch[Term],
) -> str | None:
    if vocab.types[type_id].acled_event_type not in vocab.target_event_types:
        return None
    after = [t for t in targets if t.nstart >= trigger.nend]
    if after:
        return after[0].value.value
    before = [t for t in targets if t.nend <= trigger.nstart]
    return before[-1].value.value if before else None


def _distance(a: PhraseMatch[Term], b: PhraseMatch[Term]) -> int:
    if a.nstart < b.nend and b.nstart < a.nend:
        return 0
    return b.nstart - a.nend if b.nstart >= a.nend else a.nstart - b.nend


def _actors(matches: Sequence[PhraseMatch[Term]]) -> tuple[str, ...]:
    """Actors in order, the generic 'Protesters' dropped when a more specific protester
    actor is named."""
    names = list(dict.fromkeys(m.value.value for m in matches))
    if "Protesters" in names and any(n.startswith("Protesters (") for n in names):
        names.remove("Protesters")
    return tuple(names)


def read_sentence(sentence: str, vocabulary: Vocabulary | None = None) -> SentenceReading:
    """The reading of one stand-alone sentence (offsets into ``sentence``)."""
    return TextReader(sentence, 0, len(sentence), vocabulary).sentence(0, len(sentence))
