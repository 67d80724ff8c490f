"""Renders an uploaded material into page images, run as its own process.

`python render_worker.py SOURCE OUTDIR KIND CPU_SECONDS MEMORY_BYTES` writes
OUTDIR/NNN.webp and prints one JSON line: {"pages": [...names]} or {"error": CODE,
...params}. The parent (materials.py) runs it with a wall-clock timeout; the worker first
limits its own CPU time and address space where the OS has such limits (POSIX), so a
hostile file (a page bomb, a huge page, a decompression bomb) costs a bounded few
seconds and megabytes, and never the server itself.
"""
import json
import sys
from pathlib import Path

MAX_PAGES = 60
MAX_SIDE_PT = 5000        # points (1/72 in); A0 is 2384 x 3370
MAX_IMAGE_PIXELS = 40_000_000
WIDTH_PX = 1240           # A4 at 150 dpi: sharp on a tablet, about 100-250 KB a page
MAX_HEIGHT_PX = 2400
QUALITY = 80


class Refused(Exception):
    """The file is refused; args: (code, params)."""


def _save(image, out: Path, number: int) -> str:
    name = f"{number:03d}.webp"
    image.save(out / name, "WEBP", quality=QUALITY, method=1)
    return name


def _fit(width, height) -> float:
    """The scale that brings a page to WIDTH_PX wide without passing MAX_HEIGHT_PX."""
    return min(WIDTH_PX / width, MAX_HEIGHT_PX / height)


def render_pdf(source: Path, out: Path) -> list[str]:
    """Every page of the PDF as an image; Refused for what the product does not take."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        doc = pdfium.PdfDocument(str(source))
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise Refused("encrypted", {}) from None
        raise Refused("malformed", {}) from None
    try:
        count = len(doc)
        if count == 0:
            raise Refused("no_pages", {})
        if count > MAX_PAGES:
            raise Refused("too_many_pages", {"pages": count, "max": MAX_PAGES})
        sizes = [doc.get_page_size(i) for i in range(count)]
        for number, (w, h) in enumerate(sizes, start=1):
            if max(w, h) > MAX_SIDE_PT or min(w, h) < 1:
                raise Refused("page_size", {"page": number, "width": round(w / 72 * 25.4),
                                            "height": round(h / 72 * 25.4)})
        names = []
        for i, (w, h) in enumerate(sizes):
            page = doc[i]
            try:
                image = page.render(scale=_fit(w, h)).to_pil()
            finally:
                page.close()
            names.append(_save(image.convert("RGB"), out, i + 1))
        return names
    finally:
        doc.close()


def render_image(source: Path, out: Path) -> list[str]:
    """One image file as one page, re-encoded (nothing of the original file is served)."""
    from PIL import Image, UnidentifiedImageError

    # The size is checked here from the header, before any pixel is decoded, so that the
    # message can name it (Pillow's own bomb check only says "too large").
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(source) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise Refused("image_size", {"width": image.width, "height": image.height})
            image.load()
            scale = min(1.0, _fit(image.width, image.height))
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise Refused("malformed", {}) from None
    if scale < 1:
        rgb = rgb.resize((max(1, int(rgb.width * scale)), max(1, int(rgb.height * scale))))
    return [_save(rgb, out, 1)]


def _limit(cpu_seconds: int, memory_bytes: int) -> None:
    """Bound this process before it reads the file (set here, not in the parent: a
    preexec_fn is unsafe in a threaded server)."""
    try:
        import resource
    except ImportError:  # Windows: the parent's timeout still bounds the time
        return
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def main(argv) -> int:
    """Render argv[0] (of kind argv[2]) into argv[1]; prints the JSON answer."""
    source, out, kind = Path(argv[0]), Path(argv[1]), argv[2]
    _limit(int(argv[3]), int(argv[4]))
    try:
        pages = render_pdf(source, out) if kind == "pdf" else render_image(source, out)
    except Refused as e:
        code, params = e.args
        print(json.dumps({"error": code, **params}))
        return 0
    except MemoryError:
        print(json.dumps({"error": "too_big"}))
        return 0
    print(json.dumps({"pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
