"""The contest file (DESIGN section 6): a whole competition as one JSON document.

export_competition / export_text write it; import_document / import_text read it, all
or nothing; ContestFileError carries every problem as (place, message, params).
"""
from .exporter import dumps, export_competition, export_text
from .importer import import_document, import_text
from .schema import FORMAT, VERSION, ContestFileError, parse_document, parse_json_text

# The name the backup command uses.
export_json = export_text

__all__ = [
    "FORMAT", "VERSION", "ContestFileError", "dumps", "export_competition", "export_text",
    "export_json",
    "import_document", "import_text", "parse_document", "parse_json_text",
]
