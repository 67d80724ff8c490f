"""The label shown for an uploaded file: the last path part only, cleaned and bounded
(rules/text.py file_label, pure: no app)."""
import pytest

from scoring.rules.text import FILE_LABEL_LIMIT, file_label

CASES = [
    ("plan.pdf", "plan.pdf"),
    ("C:\\fakepath\\plan.pdf", "plan.pdf"),
    ("D:\\Users\\me\\计划书.pdf", "计划书.pdf"),
    ("../../plan.pdf", "plan.pdf"),
    ("/etc/passwd", "passwd"),
    ("a/b\\c.png", "c.png"),
    ("dir/", ""),
    ("..", ""),
    (".", ""),
    ("", ""),
    (None, ""),
    (b"plan.pdf", ""),
    ("  plan .pdf  ", "plan .pdf"),
    ("x\u202egnp.exe", "xgnp.exe"),          # a direction override dropped
    ("plan\u200b.pdf", "plan.pdf"),           # a zero-width space dropped
    ("plan\x00.pdf\n", "plan.pdf"),
]


@pytest.mark.parametrize("name, label", CASES)
def test_file_label(name, label):
    assert file_label(name) == label


def test_a_long_name_keeps_its_extension_and_the_limit():
    label = file_label("计" * 10000 + ".pdf")
    assert len(label) == FILE_LABEL_LIMIT and label.endswith("….pdf")
    assert file_label("x" * 500) == "x" * (FILE_LABEL_LIMIT - 1) + "…"
