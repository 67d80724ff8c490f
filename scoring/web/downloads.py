"""Downloads: one way to name the file a response is saved as.

A file name is made of keys, and keys come from organizers and contest files: Chinese
("赛-results.csv"), quotes, semicolons. Written straight into the header, a Chinese name
made the whole response fail in waitress (headers are Latin-1: a 500 for
/admin/c/赛/results.csv), and a quote cut the name short. `attachment` writes an
ASCII name with everything else replaced, plus the exact name as RFC 6266 filename*.
"""
import re
from urllib.parse import quote

from flask import Response

_UNSAFE = re.compile(r'[^A-Za-z0-9._+\-()\[\]@=,!~ ]')


def content_disposition(name: str) -> str:
    """`attachment; filename="..."` for name: a Latin-1 header whatever name holds."""
    ascii_name = _UNSAFE.sub("_", name).strip(" .") or "download"
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def attachment(data, name: str, content_type: str) -> Response:
    """A download of data (bytes or text) saved as name; content_type is sent as given."""
    return Response(data, content_type=content_type,
                    headers={"Content-Disposition": content_disposition(name)})
