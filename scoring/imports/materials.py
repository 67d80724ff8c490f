"""Materials files: check an upload, render its pages in a bounded worker process, and
keep every file in the instance folder named by its SHA-256 (DESIGN section 11).

Nothing here touches the database. Rendering runs in its own process
(render_worker.py) with a wall-clock timeout and CPU and memory limits, and at most
RENDERS_AT_ONCE at a time; the calling thread only waits, so other requests (judges
saving scores) go on. Messages are English templates marked with N_, translated by the
view.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..rules import N_, RuleError
from ..rules.text import file_label
from .render_worker import MAX_PAGES

MAX_BYTES = 15 * 1024 * 1024
MAX_FILES = MAX_PAGES
TIMEOUT_SECONDS = 60
CPU_SECONDS = 45
MEMORY_BYTES = 1536 * 1024 * 1024
RENDERS_AT_ONCE = 2
FOLDER = "materials"
IMAGE_KINDS = {"jpg", "png", "webp"}
_renders = threading.BoundedSemaphore(RENDERS_AT_ONCE)

MESSAGES = {
    "empty": N_("The file is empty."),
    "none": N_("Choose a PDF or images first."),
    "too_large": N_("The file is %(size)s MB; at most %(max)s MB are accepted."),
    "zip": N_("This file is a ZIP archive (a Word or PowerPoint file is one), not a PDF: "
              "save it as PDF and upload that."),
    "unknown": N_("Only PDF files and images (JPEG, PNG, WebP) are accepted."),
    "mixed": N_("Upload either one PDF or images, not both at once."),
    "too_many_files": N_("At most %(max)s images in one upload."),
    "encrypted": N_("The PDF is protected by a password: save it without protection and "
                    "upload it again."),
    "malformed": N_("The file cannot be read: it is damaged or not really a PDF or an image."),
    "no_pages": N_("The PDF has no page."),
    "too_many_pages": N_("The PDF has %(pages)s pages; at most %(max)s are accepted."),
    "page_size": N_("Page %(page)s measures %(width)s × %(height)s mm, larger than any "
                    "paper accepted (at most 1.7 m a side)."),
    "image_size": N_("The image measures %(width)s × %(height)s pixels; it is too large."),
    "timeout": N_("Rendering the file took too long and was stopped: save it again as a "
                  "simpler PDF."),
    "too_big": N_("Rendering the file needed too much memory and was stopped: save it "
                  "again as a simpler PDF."),
    "busy": N_("Other files are being rendered now; try again in a minute."),
}


class MaterialError(RuleError):
    """An upload refused as a whole; message says why, in words a team can act on."""


def refused(code: str, file: str = "", **params) -> MaterialError:
    """The MaterialError for code (a key of MESSAGES), naming file when there is one."""
    error = MaterialError(MESSAGES[code], params)
    error.file = file
    error.code = code
    return error


@dataclass
class Rendered:
    """A checked, rendered upload: what the material row records."""

    filename: str
    kind: str          # pdf | image
    sha256: str        # the upload (for images: of their SHA-256s in order)
    size: int
    pages: list        # SHA-256 names of the page images, in order


def sniff(data: bytes) -> str:
    """What the bytes are: pdf, jpg, png, webp, zip or unknown (never the file name)."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "unknown"


def folder(instance_path) -> Path:
    """The materials folder of the instance (backed up with the database)."""
    return Path(instance_path) / FOLDER


def stored_path(instance_path, sha: str, ext: str) -> Path:
    """Where the file of that SHA-256 lives: materials/ab/abcdef….ext."""
    return folder(instance_path) / sha[:2] / f"{sha}.{ext}"


def _store(instance_path, data: bytes, ext: str) -> str:
    sha = hashlib.sha256(data).hexdigest()
    path = stored_path(instance_path, sha, ext)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)   # atomic: a reader never sees half a file
    return sha


def _run_worker(source: Path, out: Path, kind: str, name: str) -> list[str]:
    worker = Path(__file__).with_name("render_worker.py")
    try:
        done = subprocess.run(
            [sys.executable, str(worker), str(source), str(out), kind,
             str(CPU_SECONDS), str(MEMORY_BYTES)],
            capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise refused("timeout", name) from None
    try:
        answer = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        # Killed (CPU limit) or out of memory inside pdfium: no answer line.
        raise refused("too_big" if done.returncode else "malformed", name) from None
    if "error" in answer:
        code = answer.pop("error")
        raise refused(code if code in MESSAGES else "malformed", name, **answer)
    return answer["pages"]


def render_upload(instance_path, files: list[tuple[str, bytes]]) -> Rendered:
    """Check and render an upload (one PDF, or images each one page); store every file.

    files: [(name, bytes)]. Raises MaterialError, having stored nothing, when refused.
    """
    # The name is only a label the pages show: its folder ("C:\fakepath\", "../") and
    # what the team's computer put in it that no typed text may hold (a direction
    # override showing "exe.png" for "gnp.exe", a zero-width space) are dropped rather
    # than refusing the team's file for it (rules/text.py file_label).
    files = [(file_label(name), data) for name, data in files]
    if not files:
        raise refused("empty")
    kinds = []
    for name, data in files:
        if not data:
            raise refused("empty", name)
        if len(data) > MAX_BYTES:
            raise refused("too_large", name, size=f"{len(data) / 1048576:.1f}",
                          max=MAX_BYTES // 1048576)
        kind = sniff(data)
        if kind in ("zip", "unknown"):
            raise refused(kind, name)
        kinds.append(kind)
    if "pdf" in kinds and len(files) > 1:
        raise refused("mixed")
    if len(files) > MAX_FILES:
        raise refused("too_many_files", max=MAX_FILES)
    if not _renders.acquire(timeout=10):
        raise refused("busy")
    try:
        work = folder(instance_path) / "tmp"
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            tmp = Path(tmp)
            page_files = []
            for index, ((name, data), kind) in enumerate(zip(files, kinds, strict=True)):
                source = tmp / f"source-{index}.{kind}"
                source.write_bytes(data)
                out = tmp / f"out-{index}"
                out.mkdir()
                page_files += [out / p for p in _run_worker(source, out, kind, name)]
            pages = [_store(instance_path, p.read_bytes(), "webp") for p in page_files]
    finally:
        _renders.release()
    originals = [_store(instance_path, data, kind) for (_, data), kind in zip(files, kinds,
                                                                               strict=True)]
    if kinds == ["pdf"]:
        return Rendered(files[0][0], "pdf", originals[0], len(files[0][1]), pages)
    manifest = hashlib.sha256("\n".join(originals).encode()).hexdigest()
    return Rendered(files[0][0] if len(files) == 1 else f"{files[0][0]} (+{len(files) - 1})",
                    "image", manifest, sum(len(d) for _, d in files), pages)


def render_files(instance_path, files) -> Rendered:
    """render_upload for uploaded files (werkzeug FileStorage, as request.files gives).

    The caller has ended its transaction first; nothing here touches the database.
    """
    chosen = [f for f in files if f and f.filename]
    if not chosen:
        raise refused("none")
    return render_upload(instance_path, [(f.filename, f.stream.read(MAX_BYTES + 1))
                                         for f in chosen])


def error_text(error) -> str:
    """A MaterialError in the current language, naming the file when there is one."""
    from flask_babel import gettext

    text = gettext(error.message, **error.params) if error.params else gettext(error.message)
    name = getattr(error, "file", "")
    return gettext("%(file)s: %(problem)s", file=name, problem=text) if name else text


def copy_folder(instance_path, target: Path) -> Path | None:
    """Copy the materials folder into target (a backup); None when there is none."""
    source = folder(instance_path)
    if not source.is_dir():
        return None
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("tmp"), dirs_exist_ok=True)
    return target
