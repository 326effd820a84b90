"""Import the research list of Baghdad places into the bundled gazetteer.

Reads ``baghdad_places.json`` (the sourced list of 232 places compiled for this project,
see its ``.md``) and writes

- ``gazetteer/data/baghdad_places.geojson``: every research entry whose id is new, as a
  gazetteer Feature with its provenance (``source``, ``confidence``, ``coordinate_basis``,
  ``uncertainty_m``) and the research id as its gazetteer id;
- ``gazetteer/data/baghdad.geojson``: the curated entries, unchanged except that the research
  entries sharing their id (``extends_landmark_id``) add their spellings and historic names.

Run it again whenever the research file changes; the output is deterministic::

    python scripts/import_research_places.py [../shared/research/baghdad_places.json]

The rules (general, none fitted to one place):

- kinds keep the research names, except ``zone`` (industrial areas and fairgrounds given as a
  point) which becomes ``area``: in this gazetteer a ``zone`` is a walled polygon;
- geometry: the research GeoJSON when given (Who's On First polygons, street and canal lines),
  else its WKT line, else the point; outer rings counter-clockwise, at most 7 decimals;
- ``coordinate_basis``: ``estimate`` for low confidence (the source says ESTIMATE), ``derived``
  when the source says DERIVED, else ``published``;
- names: a parenthetical note is cut off ("Queen Alia Bridge (former name)"), "a/b" gives two
  names, a leading "the" is dropped. Left out: a lone generic word ("river"); a single word,
  other than the entry's own name, that is an ordinary word in English or Arabic (wordfreq
  Zipf frequency >= 3.0, so "Nile", "Jihad" or "الثورة" never map) or has four letters or
  fewer ("Sadr" is a cleric's name far more often than Sadr City); a name the curated file
  gives to another entry; a name two new entries share stays only on the more specific one
  (the smaller radius: "بغداد الجديدة" is the quarter, not the district named after it).
  An Arabic name left out as an ordinary word is kept behind its kind's generic word
  (الدورة as حي الدورة), so that it is read after an area word and never alone. Every name
  left out is listed in the entry's ``notes``;
- historic names go to ``historic_names``: they match, and the match says it is historic;
- ``label_point``: for an outline or a line, the research point ([lon, lat]: the Who's On
  First label point, or the published point), which a mention is placed at, since the
  representative point of a large outline can lie far from the quarter reports mean;
- ``part_of``: the smallest curated city polygon or imported governorate that contains the
  place's point.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import shapely
from shapely import wkt
from shapely.geometry import Point, mapping, shape
from shapely.geometry.polygon import orient
from wordfreq import zipf_frequency

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazetteer.normalize import normalize_name  # noqa: E402

DATA = REPO / "gazetteer" / "data"
DEFAULT_RESEARCH = REPO.parent.parent / "shared" / "research" / "baghdad_places.json"
CURATED = DATA / "baghdad.geojson"
OUTPUT = DATA / "baghdad_places.geojson"

KIND_MAP = {"zone": "area"}
#: Generic words that alone are no name.
GENERIC = {"river", "bridge", "square", "street", "market", "mosque", "canal", "park"}
ORDINARY_ZIPF = 3.0
SHORT_NAME_LETTERS = 4
_ARTICLE = re.compile(r"^(?:al|el|an|ad|as|ash|at|ath|az|ar)[- ]", re.IGNORECASE)
_ARABIC_ARTICLE = "ال"


def _rounded(geometry):
    """Coordinates rounded to 7 decimals, polygons counter-clockwise."""
    rounded = shapely.transform(geometry, lambda xy: xy.round(7))
    if rounded.geom_type == "Polygon":
        rounded = orient(rounded, 1.0)
    elif rounded.geom_type == "MultiPolygon":
        rounded = shapely.MultiPolygon([orient(p, 1.0) for p in rounded.geoms])
    return rounded


def _geometry(entry: dict):
    if entry.get("geometry"):
        return _rounded(shape(entry["geometry"]))
    if entry.get("geometry_wkt_optional"):
        return _rounded(wkt.loads(entry["geometry_wkt_optional"]))
    return _rounded(Point(entry["lon"], entry["lat"]))


def _basis(entry: dict) -> str:
    source = entry.get("source", "")
    if entry.get("confidence") == "low" or "ESTIMATE" in source:
        return "estimate"
    if "DERIVED" in source:
        return "derived"
    return "published"


def _clean(raw: str) -> list[str]:
    names = []
    for part in raw.split("/"):
        name = re.sub(r"\s*\([^)]*\)", "", part).strip()
        name = re.sub(r"^(?:the|The)\s+", "", name).strip()
        if name:
            names.append(name)
    return names


def _stem(name: str) -> str:
    """The name without a leading article, normalised."""
    norm = normalize_name(_ARTICLE.sub("", name))
    if norm.startswith(_ARABIC_ARTICLE) and " " not in norm:
        norm = norm[len(_ARABIC_ARTICLE) :]
    return norm


def _why_left_out(name: str, primary_stem: str) -> str | None:
    norm = normalize_name(name)
    stem = _stem(name)
    if not norm or norm in GENERIC:
        return "a generic word"
    if " " in stem or stem == primary_stem:
        return None  # a name of several words, or the entry's own name ("Dora")
    language = "ar" if not stem.isascii() else "en"
    if max(zipf_frequency(stem, language), zipf_frequency(norm, language)) >= ORDINARY_ZIPF:
        return "an ordinary word"
    if stem.isascii() and len(stem) <= SHORT_NAME_LETTERS and stem != primary_stem:
        return "a short word that is not the entry's own name"
    return None


def _arabic_kind_words() -> dict[str, str]:
    """Kind -> the Arabic area word written before a name of that kind (حي for a
    neighbourhood), from ``gazetteer/data/context.json``: only kinds named by an area word."""
    context = json.loads((DATA / "context.json").read_text(encoding="utf-8"))
    area = set(context["arabic_area_words"])
    return {
        kind: words[0]
        for kind, words in context["arabic_generic_words"].items()
        if words[0] in area
    }


def _guarded(name: str, kind: str) -> str | None:
    """An Arabic name left out as an ordinary word, behind its kind's generic word (الدورة
    is "the session" too; حي الدورة is the Dora neighbourhood): the geoparser then reads the
    bare name only right after an area word (منطقة الدورة), never alone."""
    generic = _arabic_kind_words().get(KIND_MAP.get(kind, kind))
    if generic is None or name.isascii() or " " in normalize_name(name):
        return None
    return f"{generic} {name}"


def _not_among(names: list[str], others: list[str]) -> list[str]:
    """The names that normalise to none of ``others`` (حي الامين beside حي الأمين)."""
    known = {normalize_name(n) for n in others}
    return [n for n in names if normalize_name(n) not in known]


def _names(entry: dict) -> tuple[list[str], list[str], list[str], list[str]]:
    """English aliases, Arabic aliases, historic names, and the names left out (with why)."""
    primary = _clean(entry["names_en"][0])[0]
    primary_stem = _stem(primary)
    historic_norm = {normalize_name(n) for raw in entry["historic_names"] for n in _clean(raw)}
    english: list[str] = []
    arabic: list[str] = []
    historic: list[str] = []
    left_out: list[str] = []
    guarded_names: list[str] = []  # after the names kept as they are: name_ar stays the first
    for raw in [*entry["names_en"], *entry["names_ar"], *entry["historic_names"]]:
        for name in _clean(raw):
            why = _why_left_out(name, primary_stem)
            guarded = _guarded(name, entry["kind"]) if why == "an ordinary word" else None
            if guarded is not None:
                guarded_names.append(guarded)
                left_out.append(f"{name} ({why}; kept as {guarded})")
                continue
            if why:
                left_out.append(f"{name} ({why})")
                continue
            if normalize_name(name) in historic_norm:
                historic.append(name)
            elif name.isascii():
                english.append(name)
            else:
                arabic.append(name)
    return (
        list(dict.fromkeys(english)),
        list(dict.fromkeys([*arabic, *_not_among(guarded_names, arabic)])),
        list(dict.fromkeys(historic)),
        list(dict.fromkeys(left_out)),
    )


def _feature_names(props: dict) -> list[str]:
    return [
        props["name"],
        *(props.get("aliases") or []),
        *([props["name_ar"]] if props.get("name_ar") else []),
        *(props.get("aliases_ar") or []),
        *(props.get("historic_names") or []),
    ]


def _part_of(geometry, containers: list[tuple[str, object]]) -> str | None:
    """The smallest container that covers the geometry (a line or outline as a whole)."""
    inside = [(area.area, pid) for pid, area in containers if area.covers(geometry)]
    return min(inside)[1] if inside else None


def build(research_path: Path) -> tuple[dict, dict, list[str]]:
    research = json.loads(research_path.read_text(encoding="utf-8"))
    curated = json.loads(CURATED.read_text(encoding="utf-8"))
    curated_by_id = {f["id"]: f for f in curated["features"]}
    report: list[str] = []

    # Entries naming a curated place under another id (the Tigris) merge into it.
    curated_names = {
        normalize_name(n): f["id"]
        for f in curated["features"]
        for n in _feature_names(f["properties"])
    }
    merged_into: dict[str, str] = {}
    for entry in research:
        if entry["id"] in curated_by_id:
            merged_into[entry["id"]] = entry["id"]
            continue
        primary = normalize_name(_clean(entry["names_en"][0])[0])
        target = curated_names.get(primary)
        if (
            target
            and KIND_MAP.get(entry["kind"], entry["kind"])
            == curated_by_id[target]["properties"]["kind"]
        ):
            merged_into[entry["id"]] = target
            report.append(f"{entry['id']}: the same place as curated '{target}', merged into it")

    # Names: count owners among new entries, to drop the ones two of them share.
    prepared = {}
    owners: dict[str, set[str]] = {}
    for entry in research:
        english, arabic, historic, left_out = _names(entry)
        prepared[entry["id"]] = (english, arabic, historic, left_out)
        for name in {normalize_name(n) for n in [*english, *arabic, *historic]}:
            owners.setdefault(name, set()).add(entry["id"])

    by_research_id = {e["id"]: e for e in research}

    def specific_owner(sharing: set[str]) -> str:
        """Of entries sharing a name, the most specific: the smallest radius, then the id."""
        return min(sharing, key=lambda i: (by_research_id[i]["uncertainty_m"], i))

    containers = [
        (f["id"], shape(f["geometry"]))
        for f in curated["features"]
        if f["properties"]["kind"] == "city" and f["geometry"]
    ]
    containers += [
        (e["id"], _geometry(e))
        for e in research
        if e["kind"] == "governorate" and e["id"] not in merged_into
    ]

    features = []
    for entry in research:
        english, arabic, historic, left_out = prepared[entry["id"]]
        if entry["id"] in merged_into:
            target = curated_by_id[merged_into[entry["id"]]]["properties"]
            have = {normalize_name(n) for n in _feature_names(target)}

            def new(name: str, have: set[str] = have, owner: str = entry["id"]) -> bool:
                key = normalize_name(name)
                return (
                    key not in have
                    and len(owners.get(key, ())) == 1
                    and (curated_names.get(key, merged_into[owner]) == merged_into[owner])
                )

            hist = {normalize_name(n) for n in historic}
            target["aliases"] = list(target.get("aliases") or []) + [n for n in english if new(n)]
            target["aliases_ar"] = list(target.get("aliases_ar") or []) + [
                n for n in arabic if new(n)
            ]
            moved = [
                n for n in [*target["aliases"], *target["aliases_ar"]] if normalize_name(n) in hist
            ]
            target["historic_names"] = list(
                dict.fromkeys(
                    [*(target.get("historic_names") or []), *moved]
                    + [n for n in historic if new(n)]
                )
            )
            # a historic name the curated file had as an ordinary alias becomes historic
            target["aliases"] = [n for n in target["aliases"] if normalize_name(n) not in hist]
            target["aliases_ar"] = [
                n for n in target["aliases_ar"] if normalize_name(n) not in hist
            ]
            if entry["id"] != merged_into[entry["id"]] or entry["id"] in curated_by_id:
                research_note = (
                    f"Spellings and historic names added from research entry '{entry['id']}'"
                )
                if research_note not in target.get("notes", ""):
                    target["notes"] = (target.get("notes", "") + " " + research_note + ".").strip()
            continue

        def usable(name: str, owner: str = entry["id"], left_out: list[str] = left_out) -> bool:
            key = normalize_name(name)
            if key in curated_names:
                left_out.append(f"{name} (the curated name of '{curated_names[key]}')")
                return False
            sharing = owners.get(key, set())
            if len(sharing) > 1:
                others = sorted(sharing - {owner})
                if specific_owner(sharing) == owner:
                    return True  # kept on the most specific entry sharing it
                left_out.append(f"{name} (kept on the more specific {specific_owner(sharing)}; "
                                f"also a name of {', '.join(others)})")  # fmt: skip
                return False
            return True

        english = [n for n in english if usable(n)]
        arabic = [n for n in arabic if usable(n)]
        historic = [n for n in historic if usable(n)]
        if not english:
            report.append(f"{entry['id']}: no usable English name; skipped")
            continue
        geometry = _geometry(entry)
        kind = KIND_MAP.get(entry["kind"], entry["kind"])
        part_of = None if kind == "governorate" else _part_of(geometry, containers)
        notes = entry.get("notes", "")
        if _basis(entry) == "estimate" and "estimate" not in notes.casefold():
            notes = f"ESTIMATE (research confidence {entry['confidence']}). {notes}".strip()
        if entry.get("admin_area"):
            notes = f"{notes} Admin area: {entry['admin_area']}.".strip()
        if left_out:
            notes = f"{notes} Names left out as aliases: {'; '.join(left_out)}.".strip()
        props = {
            "id": entry["id"],
            "name": english[0],
            "name_ar": arabic[0] if arabic else None,
            "kind": kind,
            "aliases": english[1:],
            "aliases_ar": arabic[1:],
            "historic_names": historic,
            "part_of": part_of,
            "adjacent_to": [],
            "label_point": (
                [round(entry["lon"], 7), round(entry["lat"], 7)]
                if geometry.geom_type != "Point"
                else None
            ),
            "coordinate_basis": _basis(entry),
            "uncertainty_m": float(max(50, entry["uncertainty_m"])),
            "confidence": entry["confidence"],
            "source": entry["source"],
            "notes": notes,
        }
        features.append(
            {
                "type": "Feature",
                "id": entry["id"],
                "properties": props,
                "geometry": mapping(geometry),
            }
        )
    for feature in curated["features"]:
        props = feature["properties"]
        if not props.get("historic_names"):
            props.pop("historic_names", None)
    out = {
        "type": "FeatureCollection",
        "name": "baghdad_places",
        "source": "scripts/import_research_places.py from shared/research/baghdad_places.json",
        "features": features,
    }
    return out, curated, report


def _dump(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # GeoJSON coordinates as plain JSON lists; keep tuples from shapely as lists
    return text + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("research", nargs="?", type=Path, default=DEFAULT_RESEARCH)
    args = parser.parse_args(argv)
    new, curated, report = build(args.research)
    OUTPUT.write_text(_dump(json.loads(json.dumps(new))), encoding="utf-8")
    CURATED.write_text(_dump(json.loads(json.dumps(curated))), encoding="utf-8")
    for line in report:
        print(line)
    print(f"wrote {OUTPUT.relative_to(REPO)}: {len(new['features'])} places")
    print(f"updated {CURATED.relative_to(REPO)}: {len(curated['features'])} places")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
