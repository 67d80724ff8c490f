"""`scoring demo --edition municipal`: the municipal edition, imported as a contest file."""
from ..contestfile import import_document
from ..extensions import db
from ..models import Competition
from ..operations.demo_municipal import MUNICIPAL_KEY, municipal_document


def load_municipal() -> str:
    """Import the municipal demo once; a second run leaves it as it is."""
    if db.session.scalar(db.select(Competition).filter_by(key=MUNICIPAL_KEY)) is not None:
        return f"The demo contest '{MUNICIPAL_KEY}' is already loaded."
    doc = municipal_document()
    import_document(doc, actor=None)
    return (f"Loaded the demo contest '{MUNICIPAL_KEY}': {len(doc['teams'])} teams in two "
            f"divisions, four preliminary rooms (room_mean), a final of 12.")
