"""One Chinese term for each thing across the interface: 总评委 (the printed reports' word
for the chief judge), 现场 / 现场看板 for the live page, 评分规则 for the rules page, 环节
for a stage (the stages page is 环节与评分标准), 大屏 for the projector, 重新开放 for
reopening a stage or a sheet (the board's link, the tablet and the audit log). The retired
synonyms appear in no translation, template or user guide."""
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
RETIRED = {"裁判长": "总评委", "实时看板": "现场看板", "计分规则": "评分规则",
           "“规则”页": "“评分规则”页", "规则页面": "评分规则页面",
           "阶段": "环节", "投影屏": "大屏", "重新打开": "重新开放"}


def _texts():
    for po in sorted((ROOT / "scoring/translations/zh_CN/LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh):
                strings = message.string if isinstance(message.string, tuple) else (
                    message.string,)
                for text in strings:
                    yield f"{po.name}: {message.id!r}", text or ""
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "docs").glob("*.md")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def test_one_term_each_across_the_chinese_interface():
    found = [f"{where}: {old} (use {new})" for where, text in _texts()
             for old, new in RETIRED.items() if old in text.replace(new, "")]
    assert not found, "\n".join(found)


# The stage's close button, its state and everything said of it use 关闭 (not 结束,
# which is the ceremony's and the presentation clock's word).
STAGE_CLOSED = ("Judges can no longer save or submit sheets in this stage.", "closed a stage")


def test_closing_a_stage_is_called_close_wherever_it_is_mentioned():
    said = {where.split(": ", 1)[1]: text for where, text in _texts() if ".po: " in where}
    wrong = [f"{msgid}: {said[repr(msgid)]}" for msgid in STAGE_CLOSED
             if "关闭" not in said[repr(msgid)]]
    assert not wrong, "\n".join(wrong)
