"""Casualty claims of one event: who claims, what a figure means, when two disagree.

Every casualty figure of an event's members is kept, never averaged. Claimants are
compared by name after the aliases and noise words of the rules (``Iraq's Health
Ministry`` is the ``Health Ministry``); a claim without a claimant is that source's
own. Claims *contradict* when two claimants disagree on the killed or on the
injured (figures after "at least" or vague words are minimums, figures after
"about" carry a tolerance, and figures about a part of the people, such as
policemen or a faction's own members, only disagree with a total when they exceed
it), or when a denial meets a claim of deaths or injuries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from gazetteer.normalize import normalize_name
from incidents.event_items import Item
from incidents.event_rules import ClaimRules

__all__ = ["Claim", "ClaimReader", "claimant_key", "claims_contradict", "read_claim"]


def _has_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


@lru_cache(maxsize=1 << 16)
def claimant_key(claimed_by: str | None, source: str, rules: ClaimRules) -> str:
    """Who a claim comes from, for comparing claims across outlets.

    Aliases map to one name; other names lose the noise words. A claim without a
    claimant is the source's own.
    """
    if claimed_by is None or not normalize_name(claimed_by):
        return f"source:{source}"
    name = normalize_name(claimed_by)
    for canonical, phrases in rules.claimant_aliases:
        if any(_has_phrase(name, p) for p in phrases):
            return canonical
    kept = [w for w in name.split() if w not in rules.claimant_noise_words]
    # Two-word noise entries such as "iraq s" are removed on the joined text.
    joined = " ".join(kept)
    for noise in rules.claimant_noise_words:
        if " " in noise:
            joined = f" {joined} ".replace(f" {noise} ", " ").strip()
    return joined or name


@dataclass(frozen=True)
class _Figure:
    low: float
    high: float


@lru_cache(maxsize=1 << 16)
def _wording(text: str, rules: ClaimRules) -> tuple[str, str | None]:
    """How a casualty wording qualifies its figures: ``minimum``, ``approximate`` or
    ``exact``, and the part of the people it is about (a subgroup name, or None)."""
    if any(_has_phrase(text, w) for w in (*rules.lower_bound_words, *rules.vague_words)):
        kind = "minimum"
    elif any(_has_phrase(text, w) for w in rules.approximate_words):
        kind = "approximate"
    else:
        kind = "exact"
    group = next(
        (name for name, words in rules.subgroups if any(_has_phrase(text, w) for w in words)),
        None,
    )
    return kind, group


def _figure(value: int | None, text: str, rules: ClaimRules) -> _Figure | None:
    if value is None:
        return None
    kind = _wording(text, rules)[0]
    if kind == "minimum":
        return _Figure(float(value), float("inf"))
    if kind == "approximate":
        margin = value * rules.approximate_tolerance
        return _Figure(value - margin, value + margin)
    return _Figure(float(value), float(value))


def _subgroup(text: str, claimant: str, rules: ClaimRules) -> str | None:
    name = _wording(text, rules)[1]
    if name is None:
        return None
    return f"{name}:{claimant}" if name == "own_members" else name


@dataclass(frozen=True)
class Claim:
    claimant: str
    status: str | None
    killed: _Figure | None
    injured: _Figure | None
    subgroup: str | None
    incident_id: str


@lru_cache(maxsize=1 << 16)
def _normalised(text: str) -> str:
    return normalize_name(text)


def read_claim(item: Item, record: Mapping[str, Any], rules: ClaimRules) -> Claim:
    text = _normalised(str(record["casualty_text"] or ""))
    claimant = claimant_key(record["claimed_by"], str(record["source"]), rules)
    return Claim(
        claimant=claimant,
        status=record["claim_status"],
        killed=_figure(record["killed"], text, rules),
        injured=_figure(record["injured"], text, rules),
        subgroup=_subgroup(text, claimant, rules),
        incident_id=item.incident_id,
    )


class ClaimReader:
    """:func:`read_claim` for many members, each distinct figure, wording, claimant and
    source read once (an event's members repeat a handful of them)."""

    def __init__(self, rules: ClaimRules):
        self.rules = rules
        self._read: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def read(self, item: Item, record: Mapping[str, Any]) -> Claim:
        key = tuple(record[name] for name in _RECORD_KEYS)
        found = self._read.get(key)
        if found is None:
            claim = read_claim(item, record, self.rules)
            self._read[key] = (
                claim.claimant, claim.status, claim.killed, claim.injured, claim.subgroup,
            )  # fmt: skip
            return claim
        claimant, status, killed, injured, subgroup = found
        return Claim(claimant, status, killed, injured, subgroup, item.incident_id)


#: What :func:`read_claim` reads of a record.
_RECORD_KEYS = ("casualty_text", "claimed_by", "source", "claim_status", "killed", "injured")


def _figures_disagree(
    a: _Figure | None, a_group: str | None, b: _Figure | None, b_group: str | None
) -> bool:
    if a is None or b is None:
        return False
    if a_group == b_group:
        return a.high < b.low or b.high < a.low
    if a_group is None:  # a is about everyone, b about a part of them
        return b.low > a.high
    if b_group is None:
        return a.low > b.high
    return False  # two different parts cannot contradict each other


def _denial_meets_claim(denial: Claim, other: Claim) -> bool:
    """A denial (nobody died, no one was hurt) against a claim of deaths or injuries."""
    if denial.status != "denied" or other.status == "denied":
        return False
    pairs = ((denial.killed, other.killed), (denial.injured, other.injured))
    if denial.killed is None and denial.injured is None:  # denied without a figure
        return any(theirs is not None and theirs.high > 0 for _, theirs in pairs)
    return any(
        mine is not None and theirs is not None and theirs.low > mine.high for mine, theirs in pairs
    )


def claims_contradict(claims: Sequence[Claim]) -> bool:
    """Whether any two claims of one event disagree (see the module docstring).

    Claims alike but for their incident never disagree with each other, and disagree
    with a third claim exactly when one of them does: each is compared once, so an
    event of thousands of alike claims is not millions of comparisons.
    """
    distinct = list(
        {(c.claimant, c.status, c.killed, c.injured, c.subgroup): c for c in claims}.values()
    )
    for i, a in enumerate(distinct):
        for b in distinct[i + 1 :]:
            if _denial_meets_claim(a, b) or _denial_meets_claim(b, a):
                return True
            if a.claimant == b.claimant:
                continue
            if _figures_disagree(a.killed, a.subgroup, b.killed, b.subgroup):
                return True
            if _figures_disagree(a.injured, a.subgroup, b.injured, b.subgroup):
                return True
    return False
