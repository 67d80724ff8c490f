"""Column types and helpers shared by the models."""
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeDecorator

from ..extensions import db


def utcnow() -> datetime:
    """Timezone-naive UTC now, the same on every database."""
    return datetime.now(UTC).replace(tzinfo=None)


class Exact(TypeDecorator):
    """A fixed-point decimal: NUMERIC where the database has it, text on SQLite.

    SQLite has no decimal type (NUMERIC columns hold floats), so there the value is kept
    as its exact decimal string; every other database stores NUMERIC(precision, scale).
    Python always sees decimal.Decimal, never float.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision=9, scale=3):
        super().__init__()
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect):
        """Text on SQLite, NUMERIC elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        """Store a Decimal (given as Decimal, int or str), never a float."""
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("scores are exact: pass a Decimal or a string, never a float")
        value = Decimal(value)
        if dialect.name == "sqlite":
            return format(value.normalize(), "f")
        return value

    def process_result_value(self, value, dialect):
        """Always hand back a Decimal."""
        if value is None:
            return None
        return Decimal(str(value)) if not isinstance(value, Decimal) else value


def Key(length: int = 64):  # noqa: N802 (a type, named like one)
    """A string compared byte for byte on every database.

    MariaDB's default collation ignores case, so "t01" and "T01" would collide in a unique
    index there while every check in Python (and SQLite, PostgreSQL) tells them apart.
    """
    return String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


Model = db.Model
