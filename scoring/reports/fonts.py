"""The embedded TrueType fonts of the printed reports (DESIGN section 7).

Every glyph, Chinese and Latin, is drawn with a TrueType font that reportlab embeds as
a subset, so a PDF prints the same on any computer. Reportlab's CID font STSong-Light is
never used: it is not embedded and prints boxes where no Chinese font is installed.
"""
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
DEFAULT_FONT = FONT_DIR / "wqy-microhei.ttc"
# wqy-microhei.ttc holds two faces: 0 = Micro Hei, 1 = Micro Hei Mono.
REGULAR_INDEX = 0
MONO_INDEX = 1


class FontError(Exception):
    """The configured report font cannot be used (a message for the organizer)."""


@dataclass(frozen=True)
class Fonts:
    """Registered reportlab font names: `regular` for all text, `mono` for links and seeds."""

    regular: str
    mono: str


_cache: dict = {}
_lock = threading.Lock()  # the server builds reports in several threads


def _register(name: str, path: Path, index: int) -> str:
    if name not in pdfmetrics.getRegisteredFontNames():
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except Exception as exc:  # reportlab raises plain TTFError / OSError variants
            raise FontError(f"cannot load the report font {path}: {exc}") from exc
        pdfmetrics.registerFont(font)
        # <b> and <i> in a Paragraph must map to this same embedded font: otherwise
        # reportlab would silently fall back to Helvetica-Bold, which is not embedded.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)
    return name


def report_fonts(path: str | None = None) -> Fonts:
    """Register (once) and return the report fonts; path is a .ttf/.ttc (SCORING_PDF_FONT)."""
    key = str(path or "")
    if key in _cache:
        return _cache[key]
    with _lock:
        return _cache.get(key) or _load(key, path)


def _load(key, path) -> Fonts:
    mono = _register("WQYMicroHeiMono", DEFAULT_FONT, MONO_INDEX)
    if path:
        custom = Path(path)
        if not custom.is_file():
            raise FontError(f"SCORING_PDF_FONT: no such font file {custom}")
        if custom.suffix.lower() not in (".ttf", ".ttc"):
            raise FontError("SCORING_PDF_FONT must be a TrueType .ttf or .ttc file "
                            "(reportlab cannot embed PostScript-outline .otf fonts)")
        tag = hashlib.sha256(str(custom.resolve()).encode()).hexdigest()[:8]
        regular = _register(f"ReportFont-{tag}", custom, 0)
    else:
        regular = _register("WQYMicroHei", DEFAULT_FONT, REGULAR_INDEX)
    fonts = Fonts(regular=regular, mono=mono)
    _cache[key] = fonts
    return fonts
