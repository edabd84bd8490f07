"""Make workflow/documents/fonts/DejaVuSans-Stamp.ttf, the signature stamp's font, from Debian's
DejaVu Sans (fonts-dejavu-core): see workflow/documents/fonts/README.md for why each step.

    .venv/bin/python scripts/make_stamp_font.py [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

SOURCE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TARGET = Path(__file__).resolve().parents[1] / "workflow" / "documents" / "fonts" / "DejaVuSans-Stamp.ttf"
# Latin (Basic, Latin-1, Extended-A/B, IPA letters used in names, modifiers, combining marks,
# Extended Additional), Greek, Cyrillic, punctuation, the euro and a few symbols
UNICODES = (
    "U+0020-007E,U+00A0-024F,U+0259,U+02B0-02FF,U+0300-036F,U+0370-03FF,U+0400-04FF,U+1E00-1EFF,"
    "U+2000-206F,U+20AC,U+2122,U+2212,U+FFFD"
)


def main(source: str = SOURCE) -> None:
    options = subset.Options(hinting=False, layout_features=[])
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    # pyHanko 0.38 writes the CID widths (/W) in the font's own units; PDF reads them per 1000 em,
    # so a 2048-unit font (DejaVu) would be set twice too wide
    scale_upem(font, 1000)
    font.save(TARGET)
    print(f"{TARGET}: {len(font.getGlyphOrder())} glyphs, {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
