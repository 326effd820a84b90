"""Precision and recall of the variant-spelling match, on spellings it was not built from.

Two measures, printed as a table:

1. **public sources**: ``tests/data/variant_spellings.json`` (Who's On First / GeoNames record
   names and spellings read on public pages, none of them an alias), plus Iraqi towns outside
   Baghdad as negatives; each is written into a sentence and geoparsed;
2. **held-out research spellings**: 5-fold cross-validation over the Latin names of the
   research list: each fold's names are removed from the gazetteer, the geoparser is built
   on the rest, and each removed name is geoparsed in a sentence (a name whose normalised form
   stays in the gazetteer through another entry is skipped).

3. **evaluation/real**: gold place mentions written with a capital whose form is not a
   gazetteer name but whose place is in the gazetteer (recall: mapped to the right entry);
   precision here is the share of all variant matches in those reports that the gold puts
   at the same entry.

Recall: the written form mapped to its entry. Precision: of the forms mapped to a Baghdad
entry (positives and negatives), the share mapped to the right one.

    python scripts/measure_variants.py [--folds 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazetteer.geoparse import Geoparser  # noqa: E402
from gazetteer.model import Gazetteer, load_gazetteer  # noqa: E402
from gazetteer.normalize import normalize_name  # noqa: E402

SPELLINGS = REPO / "tests" / "data" / "variant_spellings.json"
SENTENCE = "Clashes were reported in {} on Friday."


def resolve(geoparser: Geoparser, written: str) -> tuple[str | None, str | None]:
    """(place_id, resolved_by) of the mention that covers ``written`` in a sentence."""
    text = SENTENCE.format(written)
    start = text.index(written)
    end = start + len(written)
    for mention in geoparser.parse(text):
        if mention.start < end and start < mention.end and mention.role == "location":
            return mention.anchor_id or mention.place_id, mention.resolved_by
    return None, None


def score(geoparser: Geoparser, positives, negatives) -> dict[str, float]:
    correct = mapped = variants = 0
    for written, place_id in positives:
        got, how = resolve(geoparser, written)
        if got is not None:
            mapped += 1
            correct += got == place_id
            variants += how == "variant"
    for written in negatives:
        got, _ = resolve(geoparser, written)
        mapped += got is not None
    return {
        "n": len(positives),
        "negatives": len(negatives),
        "recall": correct / len(positives) if positives else float("nan"),
        "precision": correct / mapped if mapped else float("nan"),
        "by_variant": variants,
    }


def public_sources(geoparser: Geoparser) -> dict[str, float]:
    data = json.loads(SPELLINGS.read_text("utf-8"))
    positives = [(e["written"], e["place_id"]) for e in [*data["wof"], *data["pages"]]]
    negatives = [e["written"] for e in data["negatives"]]
    return score(geoparser, positives, negatives)


def held_out(gazetteer: Gazetteer, folds: int) -> dict[str, float]:
    places = list(gazetteer.values())
    latin = [
        (p.id, name)
        for p in places
        if p.origin.endswith("baghdad_places.geojson>") or p.id.startswith("bridge_")
        for name in (p.name, *p.aliases)
        if name.isascii()
    ]
    totals = {"n": 0, "correct": 0, "mapped": 0, "by_variant": 0}
    for fold in range(folds):
        removed = {(pid, name) for i, (pid, name) in enumerate(latin) if i % folds == fold}
        kept = []
        for place in places:
            aliases = tuple(a for a in place.aliases if (place.id, a) not in removed)
            name = place.name
            if (place.id, name) in removed and aliases:
                name, aliases = aliases[0], aliases[1:]
            kept.append(dataclasses.replace(place, name=name, aliases=aliases))
        reduced = Gazetteer(kept)
        still = {normalize_name(n) for p in kept for n in p.all_names}
        geoparser = Geoparser(reduced)
        for pid, written in sorted(removed):
            if normalize_name(written) in still:
                continue  # another spelling normalises to it: an exact match, not a test
            got, how = resolve(geoparser, written)
            totals["n"] += 1
            if got is not None:
                totals["mapped"] += 1
                totals["correct"] += got == pid
                totals["by_variant"] += how == "variant"
    return {
        "n": totals["n"],
        "negatives": 0,
        "recall": totals["correct"] / totals["n"],
        "precision": totals["correct"] / totals["mapped"] if totals["mapped"] else float("nan"),
        "by_variant": totals["by_variant"],
    }


def real_reports(gazetteer: Gazetteer, folder: Path) -> dict[str, float] | None:
    """On an annotated real-report set: gold place mentions whose written form is not a
    gazetteer name (after normalisation) but whose place is in the gazetteer."""
    gold_dir, report_dir = folder / "gold", folder / "reports"
    if not gold_dir.is_dir():
        return None
    geoparser = Geoparser(gazetteer)
    names = {normalize_name(n) for p in gazetteer.values() for n in p.all_names}
    n = correct = mapped = variants = 0
    variant_made = variant_right = 0
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        text = (report_dir / gold["file"]).read_text("utf-8")
        mentions = geoparser.parse(text)
        spans = {}
        for place in gold["places"]:
            start, count = -1, 0
            while count < place["occurrence"]:
                start = text.find(place["text"], start + 1)
                if start < 0:
                    break
                count += 1
            if start >= 0:
                spans[(start, start + len(place["text"]))] = place
        for m in mentions:
            if m.resolved_by != "variant":
                continue
            variant_made += 1
            hit = next((p for (a, b), p in spans.items() if a < m.end and m.start < b), None)
            variant_right += bool(hit and hit.get("place_id") == (m.anchor_id or m.place_id))
        for (a, b), place in spans.items():
            if place.get("role") != "location" or place.get("place_id") not in gazetteer:
                continue
            if normalize_name(place["text"]) in names or place["text"][:1].islower():
                continue  # an exact name, or a description ("the bridge")
            n += 1
            got = next((m for m in mentions if m.start < b and a < m.end and m.is_location), None)
            if got is not None:
                mapped += 1
                correct += (got.anchor_id or got.place_id) == place["place_id"]
                variants += got.resolved_by == "variant"
    return {
        "n": n,
        "negatives": 0,
        "recall": correct / n if n else float("nan"),
        "precision": variant_right / variant_made if variant_made else float("nan"),
        "by_variant": variants,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    gazetteer = load_gazetteer()
    rows = [
        ("public sources (WOF/GeoNames, pages)", public_sources(Geoparser(gazetteer))),
        (f"held-out research spellings ({args.folds}-fold)", held_out(gazetteer, args.folds)),
    ]
    real = real_reports(gazetteer, REPO / "evaluation" / "real")
    if real is not None:
        rows.append(("evaluation/real (names not spelled as listed)", real))
    print(f"{'set':44}{'spellings':>10}{'negatives':>10}{'recall':>8}{'precision':>10}"
          f"{'via variant':>12}")  # fmt: skip
    for label, figures in rows:
        print(
            f"{label:44}{figures['n']:>10}{figures['negatives']:>10}{figures['recall']:>8.3f}"
            f"{figures['precision']:>10.3f}{figures['by_variant']:>12}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
