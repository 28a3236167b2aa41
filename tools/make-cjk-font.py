#!/usr/bin/env python3
"""Make assets/fonts/ChainmeshCJK-Regular.otf: the font the zh-TW PNG charts
are drawn with.

It is a subset of Noto Sans CJK TC Regular (SIL Open Font License 1.1, see
assets/fonts/OFL.txt), renamed "Chainmesh CJK" as the OFL's Reserved Font
Name rule asks of a modified font. CI does not run this script: the font file
is committed. Run it again after adding Chinese text to src/ or scenarios/
(the test `embedded_font_covers_*` in src/handout/charts.rs says when).

Needs: Debian's fonts-noto-cjk (NotoSansCJK-Regular.ttc) and fontTools.

    apt-get install -y fonts-noto-cjk
    pip install fonttools
    python3 tools/make-cjk-font.py            # from the repository root

Kept: Basic Latin, Latin-1, Greek (φ), general punctuation, arrows and math
operators used in charts, CJK symbols and punctuation, fullwidth forms, the
5,401 common Traditional characters of Big5 level 1 (0xA440-0xC67E), and
every non-ASCII character of src/**/*.rs and scenarios/*.toml. Outlines stay
CFF (ab_glyph reads them through ttf-parser); hinting, vertical metrics and
OpenType layout tables are dropped (ab_glyph does not shape text).
"""

import argparse
import pathlib
import sys

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE = "Noto Sans CJK TC"
FAMILY = "Chainmesh CJK"
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "assets/fonts/ChainmeshCJK-Regular.otf"

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0370, 0x03FF),  # Greek (φ in axis labels)
    (0x2000, 0x206F),  # General Punctuation
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]


def big5_level1():
    """The 5,401 common characters of Big5 level 1: 0xA440-0xC67E."""
    chars = set()
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            code = (lead << 8) | trail
            if code < 0xA440 or code > 0xC67E:
                continue
            try:
                chars.add(bytes([lead, trail]).decode("big5"))
            except UnicodeDecodeError:
                pass
    return chars


def project_chars():
    """Every non-ASCII character of the sources and the shipped scenarios."""
    chars = set()
    files = sorted(ROOT.glob("src/**/*.rs")) + sorted(ROOT.glob("scenarios/*.toml"))
    for f in files:
        chars.update(c for c in f.read_text(encoding="utf-8") if ord(c) > 0x7F)
    return chars


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", default=SOURCE, help="NotoSansCJK-Regular.ttc")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()

    coll = TTCollection(args.source)
    faces = [f for f in coll.fonts if f["name"].getDebugName(1) == FACE]
    if not faces:
        sys.exit(f"no face named {FACE!r} in {args.source}")
    font = faces[0]

    big5 = big5_level1()
    assert len(big5) == 5401, len(big5)
    ours = project_chars()
    unicodes = set(big5) | ours
    for lo, hi in RANGES:
        unicodes.update(chr(c) for c in range(lo, hi + 1))
    cmap = font.getBestCmap()
    # Characters of the project the source face lacks (TUI symbols, etc.).
    missing = sorted(c for c in ours if ord(c) not in cmap and c.isprintable())
    wanted = sorted(ord(c) for c in unicodes if ord(c) in cmap)

    opts = Options()
    opts.layout_features = []
    opts.hinting = False
    opts.desubroutinize = False
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    opts.name_languages = [0x409]
    opts.drop_tables += ["vhea", "vmtx", "VORG", "GSUB", "GPOS", "GDEF", "BASE", "DSIG", "meta"]
    opts.notdef_outline = True
    sub = Subsetter(opts)
    sub.populate(unicodes=wanted)
    sub.subset(font)

    # OFL Reserved Font Name: the modified font is not called "Noto".
    name = font["name"]
    ps = FAMILY.replace(" ", "") + "-Regular"
    for rec in list(name.names):
        if rec.nameID in (1, 4, 16):
            rec.string = FAMILY if rec.nameID == 1 or rec.nameID == 16 else FAMILY + " Regular"
        elif rec.nameID == 2:
            rec.string = "Regular"
        elif rec.nameID == 3:
            rec.string = f"{ps};subset of {FACE}"
        elif rec.nameID == 6:
            rec.string = ps
    name.removeNames(nameID=16)
    name.removeNames(nameID=17)
    name.setName(
        f"{FAMILY} is a subset of {FACE} Regular (Noto Sans CJK, "
        "Copyright 2014-2021 Adobe, with Reserved Font Name 'Source'), made for "
        "chainmesh by tools/make-cjk-font.py; licensed under the SIL Open Font "
        "License 1.1.",
        10, 3, 1, 0x409,
    )
    cff = font["CFF "].cff
    cff.fontNames = [ps]
    top = cff.topDictIndex[0]
    for attr, value in (("FullName", FAMILY + " Regular"), ("FamilyName", FAMILY)):
        if hasattr(top, attr):
            setattr(top, attr, value)

    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Keep the source's timestamp: the same inputs give the same bytes.
    font.recalcTimestamp = False
    font.save(out)
    print(f"{out}: {out.stat().st_size} bytes, {len(font.getGlyphOrder())} glyphs, "
          f"{len(wanted)} characters")
    if missing:
        print(f"not in {FACE}: {''.join(missing)!r}")


if __name__ == "__main__":
    main()
