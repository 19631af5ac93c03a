"""The print shop's bundle: manifest.json, README.txt, and the files a build may delete."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from workflow import __version__
from workflow.fsutil import check_writable, write_if_changed
from workflow.languages import english_name
from workflow.pdf.preflight import declared_variant
from workflow.pdf.prepress import page_box
from workflow.pdf.settings import (
    MM,
    VARIANT_NAMES,
    PrintSettings,
    output_condition,
    sheet_for,
)


@dataclass(frozen=True)
class BundleFile:
    """One print file of a bundle: its name, what it is, its bytes."""

    name: str
    kind: str  # "pages" or "booklet"
    data: bytes
    layout: str
    languages: tuple[str, ...]
    binding: str


def describe(file: BundleFile) -> dict:
    """One manifest entry, read back from the file itself."""
    with pikepdf.open(io.BytesIO(file.data)) as doc:
        trim = page_box(doc.pages[0], "/TrimBox")
        bleed = page_box(doc.pages[0], "/BleedBox")
        media = page_box(doc.pages[0], "/MediaBox")
        entry = {
            "file": file.name,
            "kind": file.kind,
            "pages": len(doc.pages),
            "trim_mm": [round((trim[2] - trim[0]) / MM, 1), round((trim[3] - trim[1]) / MM, 1)],
            "bleed_mm": round((trim[0] - bleed[0]) / MM, 2),
            "media_mm": [round((media[2] - media[0]) / MM, 1),
                         round((media[3] - media[1]) / MM, 1)],
            "variant": VARIANT_NAMES.get(declared_variant(doc) or "", "none"),
            "sha256": hashlib.sha256(file.data).hexdigest(),
        }
    entry.update(layout=file.layout, languages=list(file.languages), binding=file.binding)
    return entry


def manifest(files: list[BundleFile], settings: PrintSettings, info: dict) -> dict:
    """The bundle's manifest.json: `info` (statement, title, author, final, built) and an
    entry per file."""
    entries = []
    for file in files:
        entry = describe(file)
        if file.kind == "booklet":
            sheet, sheet_mm = sheet_for(settings.page_size, tuple(entry["media_mm"]),
                                        settings.crop_marks)
            entry.update(sheet=sheet, sheet_mm=list(sheet_mm), sides=entry.pop("pages"))
        entries.append(entry)
    return {
        **info,
        "pamphlet": __version__,
        "page_size": settings.page_size,
        "trim_mm": list(settings.trim_mm),
        "bleed_mm": settings.bleed_mm,
        "variant": VARIANT_NAMES[settings.variant],
        "output_intent": ("{} ({})".format(*output_condition(settings)) if settings.cmyk
                          else None),
        "crop_marks": settings.crop_marks,
        "files": entries,
    }


def readme(data: dict) -> str:
    """The bundle's README.txt: what a print shop needs to know, in plain words."""
    width, height = data["trim_mm"]
    lines = [
        f"{data['title']}",
        f"{data['author']}",
        "",
        f"Print files made by pamphlet {data['pamphlet']} on {data['built']}"
        + ("." if data["final"] else ": DRAFT, contains unreviewed machine translation."),
        "",
        f"Trim size:   {data['page_size']} portrait, {width:g} x {height:g} mm"
        " (TrimBox on every page)",
        f"Bleed:       {data['bleed_mm']:g} mm on every side (BleedBox on every page)",
        f"Standard:    {data['variant']}"
        + (f", CMYK, output intent {data['output_intent']}" if data["output_intent"] else "")
        # Tagged reading order is for the page files: an imposed sheet has none to give.
        + (" (the page files; booklets are untagged print sheets)"
           if data["variant"] == VARIANT_NAMES["pdf/ua-1"] else ""),
        "Crop marks:  " + ("drawn outside the bleed" if data["crop_marks"]
                           else "none: please use the TrimBox"),
        "Binding:     saddle stitch; every page count is a multiple of 4 (blank pages go"
        " before the last page, the back cover)",
        "",
        "Files (checksums in manifest.json):",
    ]
    for entry in data["files"]:
        languages = " + ".join(english_name(code) for code in entry["languages"])
        if entry["kind"] == "pages":
            what = (f"{languages}, {entry['pages']} pages in reading order,"
                    f" binds on the {entry['binding']}")
        else:
            sheet_w, sheet_h = entry["sheet_mm"]
            media_w, media_h = entry["media_mm"]
            what = (f"booklet: {entry['sides']} sides of {media_w:g} x {media_h:g} mm (2 pages,"
                    f" trim {entry['trim_mm'][0]:g} x {entry['trim_mm'][1]:g} mm, plus bleed):"
                    f" print on {entry['sheet']} ({sheet_w:g} x {sheet_h:g} mm landscape), cut"
                    " to the trim")
        lines += [f"  {entry['file']}", f"      {what}"]  # names are long: one line each
    lines += [
        "",
        "Booklets are already in saddle-stitch order: print them centred on the sheet named",
        "above, double-sided, flipping on the short edge, at 100 % (no scaling; the trimmed",
        "spread is exactly twice the page, the bleed runs past it on the outer edges), cut",
        "to the TrimBox, keep the sheets in order, fold them in half together and staple on",
        "the fold. Arabic and Persian pamphlets open the other way:",
        "they bind on the right, and their booklets are imposed right to left already.",
        "",
    ]
    return "\n".join(lines)


def bundled_files(folder: Path) -> set[str]:
    """The files an earlier build put in the bundle, as its manifest lists them: the only
    ones a build may delete there (a shop's own files, or anything else, stay)."""
    names = {"manifest.json", "README.txt"}
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        listed = [entry["file"] for entry in data["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return names
    return names | {name for name in listed
                    if isinstance(name, str) and name == Path(name).name
                    and name not in (".", "..")}


def remove_bundled(folder: Path, names: set[str]) -> list[Path]:
    """Delete the named regular files of the bundle (never a link or a folder)."""
    removed = []
    for name in sorted(names):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            check_writable(path)  # not through a linked build/ or build/print/
            path.unlink()
            removed.append(path)
    return removed


def write_bundle(folder: Path, files: list[BundleFile], settings: PrintSettings,
                 info: dict, earlier: set[str] | None = None) -> Path:
    """manifest.json and README.txt beside the print files in `folder` (build/print/<slug>/,
    where the build wrote them). Files are written only when changed; files the previous
    manifest listed (`earlier`, read before the build wrote into the folder; by default
    now) that are not in this one are removed, so the folder holds what its manifest
    lists (and whatever someone else put there)."""
    earlier = bundled_files(folder) if earlier is None else earlier
    data = manifest(files, settings, info)
    write_if_changed(folder / "manifest.json",
                     json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_if_changed(folder / "README.txt", readme(data))
    keep = {"manifest.json", "README.txt", *(file.name for file in files)}
    remove_bundled(folder, earlier - keep)
    return folder
