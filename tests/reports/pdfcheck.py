"""Looking at PDFs from tests with poppler-utils: fonts, text, rendered pixels."""
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

MM_AT_50DPI = 50 / 25.4  # pixels per millimetre at -r 50


def write(tmp_path, name, data: bytes) -> Path:
    """Write PDF bytes to a file under tmp_path and return its path."""
    assert data.startswith(b"%PDF"), data[:20]
    path = Path(tmp_path) / name
    path.write_bytes(data)
    return path


def fonts(path) -> list[dict]:
    """pdffonts rows as dicts (name, type, emb, sub, uni)."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    header = out[0]
    emb_at = header.index("emb")
    rows = []
    for line in out[2:]:
        if not line.strip():
            continue
        rows.append({"name": line.split()[0], "emb": line[emb_at:emb_at + 3].strip(),
                     "line": line})
    return rows


def assert_fonts_embedded(path) -> None:
    """Every font of the PDF is embedded (no base-14 Helvetica, no STSong-Light)."""
    rows = fonts(path)
    assert rows, "no font at all"
    bad = [r["line"] for r in rows if r["emb"] != "yes"]
    assert not bad, "fonts not embedded:\n" + "\n".join(bad)


def text(path, first=None, last=None) -> str:
    """pdftotext -raw (content order, spaces kept) of the document or pages first..last."""
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run(args + [str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squeeze(s: str) -> str:
    """Text without any whitespace: wrapped names become whole again."""
    return "".join(s.split())


def page_count(path) -> int:
    """Number of pages (pdfinfo)."""
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def render(path, page: int) -> Image.Image:
    """One page rendered at 50 dpi as a greyscale image."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-gray", "-f", str(page), "-l",
                        str(page), str(path), f"{tmp}/p"], check=True)
        png = next(Path(tmp).glob("p*.png"))
        with Image.open(png) as img:
            return img.convert("L").copy()


def _dark(img, box) -> int:
    """How many pixels in box (left, top, right, bottom) are not near-white."""
    return sum(img.crop(box).histogram()[:200])


def check_page_layout(path, page: int) -> None:
    """Nothing drawn in a 5 mm border band; ink in the header band and in the body."""
    img = render(path, page)
    w, h = img.size
    band = int(5 * MM_AT_50DPI)
    for name, box in (("top", (0, 0, w, band)), ("bottom", (0, h - band, w, h)),
                      ("left", (0, 0, band, h)), ("right", (w - band, 0, w, h))):
        assert _dark(img, box) == 0, f"page {page}: ink in the {name} margin band"
    header = (int(15 * MM_AT_50DPI), int(8 * MM_AT_50DPI), w - int(15 * MM_AT_50DPI),
              int(22 * MM_AT_50DPI))
    assert _dark(img, header) > 50, f"page {page}: the header band is empty"
    body = (int(15 * MM_AT_50DPI), int(32 * MM_AT_50DPI), w - int(15 * MM_AT_50DPI),
            h - int(20 * MM_AT_50DPI))
    assert _dark(img, body) > 200, f"page {page}: the body is empty"
    footer = (int(15 * MM_AT_50DPI), h - int(14 * MM_AT_50DPI), w - int(15 * MM_AT_50DPI),
              h - int(8 * MM_AT_50DPI))
    assert _dark(img, footer) > 10, f"page {page}: no page number in the footer"
