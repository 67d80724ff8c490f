"""Every user-facing string has a Chinese translation (the interface is Chinese first)."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2)}
METHODS = [("scoring/**.py", "python"), ("templates/**.html", "jinja2")]


def _extracted() -> dict[str, str]:
    found = {}
    for (filename, _lineno, message, _comments, _context) in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS,
            options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, filename)
    return found


def _translated() -> dict[str, str]:
    out = {}
    for po in (ROOT / "scoring/translations/zh_CN/LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            for message in read_po(fh):
                if message.id:
                    # A plural message (ngettext) covers its singular and plural ids;
                    # Chinese has one form.
                    ids = message.id if isinstance(message.id, tuple) else (message.id,)
                    string = message.string
                    if isinstance(string, tuple):
                        string = string[0]
                    for msgid in ids:
                        out[msgid] = string
    return out


def test_every_string_has_a_chinese_translation():
    translated = _translated()
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in _extracted().items()
                     if not translated.get(msgid))
    assert not missing, "untranslated strings:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    import re

    for msgid, msgstr in _translated().items():
        strings = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        for text in strings:
            if text:
                assert set(re.findall(r"%\(\w+\)s", msgid)) == set(
                    re.findall(r"%\(\w+\)s", text)), msgid


def test_chinese_pages_put_a_full_width_colon_after_chinese(app, demo, client, login):
    """'校验码: …' or '位评委: 0 校外' on a Chinese page: a label's colon goes through
    _(": ") (msgstr '：') instead of being typed into the template."""
    import html
    import re

    from scoring.extensions import db
    from scoring.models import Competition, Judge

    login()
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=demo)).one()
        judge = db.session.scalars(db.select(Judge).filter_by(competition_id=comp.id)).first()
        judge_id = judge.id
    pages = [f"/admin/c/{demo}/", f"/admin/c/{demo}/results", f"/admin/c/{demo}/stages",
             f"/admin/c/{demo}/draw", f"/admin/c/{demo}/judges/{judge_id}",
             "/admin/audit", f"/results/{demo}"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        visible = re.sub(r"<[^>]+>", "", html.unescape(response.get_data(as_text=True)))
        assert not re.search(r"[\u4e00-\u9fff]: ", visible), (path, re.findall(
            r".{0,12}[\u4e00-\u9fff]: .{0,12}", visible)[:3])
