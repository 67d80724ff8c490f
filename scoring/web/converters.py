"""URL converters: `<int:...>` only matches ids that a database's integer column can hold.

Werkzeug's own converter takes any run of digits (Unicode digits too): an id beyond
64 bits raised OverflowError in SQLite's driver and one beyond 32 bits is out of range
for PostgreSQL's and MariaDB's INTEGER. Such an id names no row, so the address matches
no page and the answer is an ordinary 404.
"""
from werkzeug.routing import IntegerConverter, ValidationError

from ..rules.numbers import MAX_ID  # INTEGER on PostgreSQL and MariaDB


class BoundedIntConverter(IntegerConverter):
    """ASCII digits for a whole number from 0 to MAX_ID (or the rule's own max if lower)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        bound = MAX_ID if max is None else max if max < MAX_ID else MAX_ID
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=False)

    def to_python(self, value: str) -> int:
        """The id, or ValidationError (no match, so 404) when it is out of range."""
        if len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


def init_app(app) -> None:
    """Use the bounded converter for every `<int:...>` rule (before blueprints register)."""
    app.url_map.converters["int"] = BoundedIntConverter
