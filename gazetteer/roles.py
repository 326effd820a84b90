"""Roles: when a place name in a report is not where something happened.

A dateline ("BAGHDAD, Nov 7 (Reuters) -"), an institution speaking ("the health
ministry said"), an allegiance adjective ("Iran-backed"), an outlet ("Baghdad
Today"), a family name ("Ahmed al-Obaidi"): each keeps its mention with a role
other than ``location`` and the reason, and is never mapped. The words that decide
are in ``data/context.json``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property

from gazetteer.mentions import (
    SENTENCE_BREAKS,
    PlaceMention,
    as_non_location,
    extend_mention,
    sentence_start_before,
)
from gazetteer.normalize import normalize_name
from gazetteer.variants import (
    english_stop_words,
    fold_word,
)

#: Why a mention inside a structural span is not a location, by the span's role.
STRUCTURAL_REASONS = {
    "dateline": "where the report was filed (dateline)",
    "author": "part of an embedded post's author line",
    "organisation": "the outlet named in the dateline",
    "header": "part of the report's header",
}


#: After a city opening a line: an optional country, then an opening parenthesis (the
#: agency of a dateline, even when the page lost it).
_PAREN_DATELINE = re.compile(r"(?:\s*[,،]\s*[^\W\d_][\w ]{1,20}?)?\s*\(")


#: "the city of Mosul", "the northern city of Irbil": the city noun introduces a name.
#: ", a widely followed Telegram channel": an appositive of up to five words after a name.
_APPOSITIVE = re.compile(r",\s+(?:a|an)\s+((?:[\w'’-]+\s+){0,4}[\w'’-]+)")


#: A dateline line such as "Shafaq News – Baghdad" is short.
_SHORT_LINE = 60


#: Words after an institution that end the clause it could be the subject of.
_CLAUSE_WORDS = frozenset({"and", "or", "where", "when", "while", "near", "as", "but", "after"})


def capital_of_context(mention: PlaceMention, before: list[PlaceMention]) -> PlaceMention:
    """'the capital' just after Tehran, Sweden or Basra is not proof of Baghdad: when the
    last place named before it (within a paragraph's reach) is outside, so is the capital."""
    previous = next((m for m in reversed(before) if m.role in ("location", "outside")), None)
    if (
        previous is None
        or previous.role != "outside"
        or mention.start - previous.end > _CAPITAL_CONTEXT_CHARS
    ):
        return mention
    return replace(
        mention, role="outside", place_id=None, kind=None, lat=None, lon=None,
        precision=None, uncertainty_m=None, geometry=None, alternatives=(),
        resolved_by="unresolved",
        note=f"the city noun follows {previous.text!r}, a place outside the gazetteer: "
        "not proof of the gazetteer's city",
    )  # fmt: skip


def structural_role(mention: PlaceMention, spans: Sequence[tuple[int, int, str]]) -> str | None:
    for start, end, role in spans:
        if start <= mention.start and mention.end <= end:
            return role
    return None


class MentionRoles:
    """The role rules of :class:`gazetteer.geoparse.Geoparser` (a mixin: it reads the
    parser's ``vocabulary`` and ``gazetteer``)."""

    def _governs(self, text: str, end: int) -> bool:
        """A verb of government or diplomacy among the few words after a city that opens a
        sentence, before any comma ('Baghdad has held talks', 'Baghdad condemned')."""
        tail = text[end : end + 60]
        cut = min((i for i, c in enumerate(tail) if c in SENTENCE_BREAKS or c == ","), default=60)
        words = normalize_name(tail[:cut]).split()[:6]
        return any(w in self.vocabulary.government_verbs for w in words)

    def _speaks(self, text: str, norm: str, offsets: list[int], mention: PlaceMention) -> bool:
        """'the US embassy in Baghdad said', 'according to the health ministry': an
        institution as the source of a statement."""
        vocab = self.vocabulary
        tail = text[mention.end : mention.end + 60]
        # a comma between clauses ends the look, one inside a figure ("1,000 staff") does not
        cut = min(
            (
                i
                for i, c in enumerate(tail)
                if c in SENTENCE_BREAKS or (c == "," and not tail[i + 1 : i + 2].isdigit())
            ),
            default=len(tail),
        )
        after = normalize_name(tail[:cut]).split()[:5]
        for i, word in enumerate(after):
            if word in vocab.reporting_verbs:
                return True
            if i >= 3 or word in _CLAUSE_WORDS:
                break
        lead = normalize_name(text[max(0, mention.start - 48) : mention.start])
        lead_words = lead.split()
        if (
            lead_words
            and not mention.text[:1].isascii()
            and (
                lead_words[-1] in vocab.reporting_verbs
                or (lead_words[-1][:1] in "وف" and lead_words[-1][1:] in vocab.reporting_verbs)
            )
        ):
            return True  # Arabic puts the verb first: "أعلنت وزارة الدفاع", "واعتبرت السفارة"
        if any(lead == p or lead.endswith(" " + p) for p in vocab.speaker_lead_ins):
            return True  # "a source in the Defence Ministry", "مصدر في وزارة الدفاع"
        for phrase in vocab.according_to:
            at = lead.rfind(phrase)
            if (
                at >= 0
                and (at == 0 or lead[at - 1] == " ")
                and len(lead[at + len(phrase) :].split()) <= 3
            ):
                return True
        return False

    @cached_property
    def _dateline(self) -> re.Pattern[str]:
        return re.compile(self.vocabulary.dateline_pattern)

    @cached_property
    def _dated_dateline(self) -> re.Pattern[str]:
        return re.compile(self.vocabulary.dated_dateline_pattern)

    def _is_dateline(self, text: str, mention: PlaceMention) -> bool:
        """'BAGHDAD, Aug 4 --' opening a line: a wire dateline the report reader missed."""
        written = mention.text
        if mention.role != "location" or mention.kind not in self.vocabulary.city_kinds:
            return False
        line_start = text.rfind("\n", 0, mention.start) + 1
        line_end = text.find("\n", mention.end)
        if (
            line_end >= 0
            and not text[mention.end : line_end].strip()
            and line_end - line_start <= _SHORT_LINE
            and text[line_start : mention.start].rstrip()[-1:]
            in self.vocabulary.dateline_line_end_separators
        ):
            return True  # "Shafaq News – Baghdad", "Long-Presse / Baghdad"
        if not text[line_start : mention.start].strip() and _PAREN_DATELINE.match(
            text, mention.end, mention.end + 40
        ):
            return True  # "Baghdad (Reuters) -", "بغداد، العراق (CNN) --", "Baghdad ( An"
        if not text[line_start : mention.start].strip() and self._dated_dateline.match(
            text, mention.end, mention.end + 80
        ):
            return True  # "Baghdad, March 3 (Wire) -", "بغداد - 3 آذار/مارس:" after a byline
        if not written.isupper() or len(written) < 4:
            return False
        before = text[line_start : mention.start]
        if before.strip(" \t") and not re.fullmatch(r"\s*[A-Z]+\s*/\s*", before):
            return False  # not the line's first word (or AMMAN/BAGHDAD)
        return self._dateline.match(text, mention.end, mention.end + 60) is not None

    def _is_family_name(self, text: str, mention: PlaceMention) -> bool:
        """'Ahmed al-Obaidi', 'Prime Minister Allawi', 'By Ahmed Rasheed': a one-word place
        name after a title, or after a capitalised given name (not a place word, not an
        ordinary English word), names a person."""
        if mention.role != "location" or " " in mention.text.strip("- "):
            return False
        folded = mention.text.casefold()
        article = folded.startswith(("al-", "el-", "al ", "el "))
        head = text[max(0, mention.start - 30) : mention.start]
        if not head.endswith(" ") or not head.strip():
            return False
        words = head.split()
        previous = words[-1]
        titles = self.vocabulary.person_titles
        if normalize_name(previous) in titles or " ".join(words[-2:]).casefold() in titles:
            return True
        if len(words) >= 2 and normalize_name(words[-2]) == "by" and previous[:1].isupper():
            return True  # a byline: "By Ahmed Rasheed"
        if not previous[:1].isupper() or not previous.isalpha():
            return False
        key = fold_word(previous)
        if key in self.vocabulary.generic_words or key in self._one_word_names:
            return False
        if not article and (key in english_stop_words() or len(key) < 3):
            return False
        if sentence_start_before(text, mention.start - len(previous) - 1):
            return article and key not in english_stop_words()
        return article or key not in english_stop_words()

    @cached_property
    def _one_word_names(self) -> frozenset[str]:
        """Gazetteer names of one word, folded: 'Karrada al-...' is a place, not a person."""
        return frozenset(
            fold_word(n) for p in self.gazetteer.values() for n in p.all_names if " " not in n
        )

    @cached_property
    def _organisation_prefixes(self) -> frozenset[str]:
        return frozenset(self.vocabulary.organisation_prefixes)

    def _ends_with_organisation_prefix(self, lead: str) -> bool:
        """True when ``lead`` is an organisation prefix or ends with one after a space:
        the lead and its tails after each space looked up, not every prefix tried."""
        prefixes = self._organisation_prefixes
        if lead in prefixes:
            return True
        space = lead.find(" ")
        while space >= 0:
            if lead[space + 1 :] in prefixes:
                return True
            space = lead.find(" ", space + 1)
        return False

    def _apply_roles(
        self,
        mention: PlaceMention,
        text: str,
        norm: str,
        offsets: list[int],
        structural: str | None,
    ) -> PlaceMention:
        """Give a mention the non-location role its surroundings imply, if any."""
        if structural is not None:
            return as_non_location(
                mention, structural, STRUCTURAL_REASONS.get(structural, structural)
            )
        if mention.role not in ("location", "outside"):
            return mention
        vocab = self.vocabulary
        after = text[mention.end : mention.end + 30]
        before = text[max(0, mention.start - 12) : mention.start]
        if (
            mention.kind in vocab.institution_kinds
            and mention.role == "location"
            and self._speaks(text, norm, offsets, mention)
        ):
            return as_non_location(mention, "organisation", "an institution speaking")
        if mention.kind in vocab.institution_kinds and mention.role == "location":
            lead = normalize_name(text[max(0, mention.start - 30) : mention.start]).split()[-3:]
            if any(word in vocab.blame_verbs for word in lead):
                # "naming the US embassy", "accused the ministry": blamed, an actor
                return as_non_location(mention, "organisation", "an institution blamed")
        if self._is_dateline(text, mention):
            return as_non_location(mention, "dateline", STRUCTURAL_REASONS["dateline"])
        lead = normalize_name(text[max(0, mention.start - 24) : mention.start])
        if lead and self._ends_with_organisation_prefix(lead):
            # عمليات بغداد, شرطة طوارئ بغداد: the body is named first in Arabic
            return as_non_location(mention, "organisation", "organisation name")
        if vocab.person_guard and self._is_family_name(text, mention):
            return as_non_location(
                mention, "person", "a person's name (after a given name or a title)"
            )
        # Iran-backed, Tehran-aligned
        if after[:1] in "-‐–" and after[1:].split(" ")[0:1]:
            word = normalize_name(after[1:].split()[0]) if after[1:].split() else ""
            if word in vocab.attribute_suffixes:
                end = mention.end + 1 + len(after[1:].split()[0])
                return as_non_location(
                    extend_mention(mention, text, mention.start, end),
                    "attribute",
                    "allegiance adjective",
                )
        # pro-Iran, anti-Baghdad
        if before.endswith(("-", "‐")):
            word = normalize_name(before[:-1].split()[-1]) if before[:-1].split() else ""
            if word in vocab.attribute_prefixes:
                start = mention.start - 1 - len(before[:-1].split()[-1])
                return as_non_location(
                    extend_mention(mention, text, start, mention.end),
                    "attribute",
                    "allegiance adjective",
                )
        # Kurdistan 24, Baghdad Today, IranProtests.com
        if after.startswith(".") and after[1:4].isalpha():
            next_word = after[1:].split()[0] if after[1:].split() else ""
            if normalize_name(next_word.rstrip(".,;:")) in vocab.organisation_suffixes:
                end = mention.end + 1 + len(next_word.rstrip(".,;:"))
                return as_non_location(
                    extend_mention(mention, text, mention.start, end),
                    "organisation",
                    "organisation name",
                )
        if after.startswith(" ") and after.split():
            next_words = after.split()
            for size in (2, 1):
                phrase = " ".join(next_words[:size])
                cleaned = phrase.rstrip(".,;:’'\"")
                folded = normalize_name(cleaned)
                if (
                    folded in vocab.organisation_suffixes
                    and cleaned[:1].isupper() | cleaned[:1].isdigit()
                ) or folded in vocab.organisation_suffixes_any_case:
                    end = text.index(cleaned, mention.end) + len(cleaned)
                    return as_non_location(
                        extend_mention(mention, text, mention.start, end),
                        "organisation",
                        "organisation name",
                    )
        if after[:2] in ("'s", "’s") and mention.kind in vocab.city_kinds | {"country"}:
            # "Baghdad's Shi'ite-led government": the city's government, an actor
            words = [normalize_name(w.rstrip(".,;:")) for w in after[2:].split()[:3]]
            if any(w in vocab.organisation_suffixes_any_case for w in words):
                return as_non_location(mention, "organisation", "the government of the place")
        if (
            mention.kind in vocab.city_kinds
            and mention.text[:1].isascii()
            and sentence_start_before(text, mention.start)
            and self._governs(text, mention.end)
        ):
            # "Baghdad has in recent months held talks with Washington": the government
            return as_non_location(mention, "organisation", "the city for its government")
        appositive = _APPOSITIVE.match(text, mention.end) if after[:1] == "," else None
        if appositive is not None and any(
            word in vocab.appositive_media_nouns
            for word in normalize_name(appositive.group(1)).split()
        ):
            # "One Baghdad, a widely followed Telegram channel": a medium named after a place
            return as_non_location(mention, "organisation", "a medium named after the place")
        if mention.kind == "country":
            # Iraq's Health Ministry: a country in the possessive names an institution.
            if after[:2] in ("'s", "’s"):
                return as_non_location(mention, "attribute", "possessive of an institution")
            # the US diplomatic compound: a country used as an adjective.
            next_word = (
                after[1:].split(maxsplit=1)[0] if after[:1] == " " and after[1:2].isalpha() else ""
            )
            if (
                mention.text[:1].isascii()
                and next_word.isalpha()
                and next_word[:1].islower()
                and normalize_name(next_word) not in vocab.country_locational_followers
            ):
                return as_non_location(mention, "attribute", "country used as an adjective")
        return mention


#: How far back a place outside the gazetteer makes "the capital" its capital.
_CAPITAL_CONTEXT_CHARS = 600
