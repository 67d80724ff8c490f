"""Chinese first, with English: locale choice and a catalog that is never stale.

Translations live as .po fragments, one per area of the app, in
scoring/translations/<locale>/LC_MESSAGES/*.po. At start the fragments are merged and
compiled into instance/translations when any of them is newer than the compiled file,
so a stale .mo can never be served.
"""
import os
import tempfile
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_request_context, request, session

SOURCE = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogs(target: Path) -> None:
    """Merge every .po fragment per locale into one messages.mo under target, if stale."""
    for locale_dir in sorted(p for p in SOURCE.iterdir() if p.is_dir()):
        fragments = sorted((locale_dir / "LC_MESSAGES").glob("*.po"))
        if not fragments:
            continue
        # Flask-Babel looks catalogs up by the parsed locale's name ("zh_Hans_CN").
        out = target / str(Locale.parse(locale_dir.name)) / "LC_MESSAGES" / "messages.mo"
        newest = max(f.stat().st_mtime for f in fragments)
        if out.exists() and out.stat().st_mtime >= newest:
            continue
        merged = Catalog(locale=locale_dir.name)
        for fragment in fragments:
            with fragment.open("rb") as fh:
                for message in read_po(fh, locale=locale_dir.name):
                    if message.id and message.string:
                        merged[message.id] = message
        out.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: several workers may start at once.
        fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, merged, use_fuzzy=False)
        os.replace(tmp, out)


def select_locale() -> str:
    """The language chosen with the switch, else Chinese (the interface is Chinese first).

    Outside a request (the `scoring` command printing a translated message) there is no
    session to read: the default language."""
    from flask import current_app

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") or request.args.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app, babel) -> None:
    """Compile the catalogs into the instance folder and bind Flask-Babel."""
    target = Path(app.instance_path) / "translations"
    compile_catalogs(target)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["datetimeformat"] = datetime_text


def datetime_text(moment, format=None) -> str:
    """Flask-Babel's datetimeformat filter, except for a stored time outside
    rules.moments' range (kept before inputs were checked): shown as stored, in UTC,
    where converting it to the venue's time zone overflowed (a 500 on every page)."""
    from flask_babel import format_datetime

    from ..rules.moments import in_range

    if moment is not None and not in_range(moment):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return format_datetime(moment, format)
