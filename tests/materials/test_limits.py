"""The render of a material is bounded: a file that needs more time or memory than
allowed is stopped and refused with a message, and the server process is untouched (the
work runs in its own process). Limits made tiny here so that an ordinary file hits them."""
import pytest

from scoring.imports import materials as store
from tests.materials import samples


def test_a_render_past_the_time_limit_is_stopped_and_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "TIMEOUT_SECONDS", 0.01)
    with pytest.raises(store.MaterialError) as caught:
        store.render_upload(tmp_path, [("slow.pdf", samples.pdf(5))])
    assert caught.value.code == "timeout" and caught.value.file == "slow.pdf"
    assert not list((tmp_path / "materials").glob("??/*"))  # nothing stored


def test_a_render_past_the_memory_limit_is_stopped_and_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MEMORY_BYTES", 32 * 1024 * 1024)
    with pytest.raises(store.MaterialError) as caught:
        store.render_upload(tmp_path, [("big.pdf", samples.pdf(2))])
    assert caught.value.code == "too_big"
    assert not list((tmp_path / "materials").glob("??/*"))


def test_too_big_a_file_is_refused_before_any_render(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_run_worker", lambda *a: pytest.fail("rendered"))
    data = b"%PDF-1.4\n" + b"0" * store.MAX_BYTES
    with pytest.raises(store.MaterialError) as caught:
        store.render_upload(tmp_path, [("huge.pdf", data)])
    assert caught.value.code == "too_large" and caught.value.params["max"] == 15


@pytest.mark.parametrize("files, code", [
    ([("a.pdf", samples.pdf(1)), ("b.png", samples.png())], "mixed"),
    ([(f"{i}.png", samples.png(10, 10)) for i in range(61)], "too_many_files"),
    ([], "empty"),
])
def test_uploads_that_do_not_fit_are_refused(tmp_path, files, code):
    with pytest.raises(store.MaterialError) as caught:
        store.render_upload(tmp_path, files)
    assert caught.value.code == code


def test_sniffing_reads_the_bytes_not_the_name():
    assert store.sniff(samples.zip_as_pdf()) == "zip"
    assert store.sniff(samples.pdf(1)) == "pdf"
    assert store.sniff(samples.png()) == "png"
    assert store.sniff(b"GIF89a...") == "unknown"
