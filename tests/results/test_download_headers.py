"""Downloads name their content type once: results.csv was served as
"text/csv; charset=utf-8; charset=utf-8"."""
import pytest


@pytest.mark.parametrize("fmt, content_type", [
    ("csv", "text/csv; charset=utf-8"), ("json", "application/json; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_results_downloads_have_one_content_type(client, login, demo, fmt, content_type):
    login()
    with client.get(f"/admin/c/{demo}/results.{fmt}") as r:
        assert r.status_code == 200
        assert r.headers.getlist("Content-Type") == [content_type]


def test_no_download_repeats_its_charset(app, client, login, demo):
    login()
    urls = [f"/admin/c/{demo}/results.{f}" for f in ("csv", "json", "xlsx")] + [
        f"/admin/c/{demo}/teams/template.xlsx", f"/results/{demo}", f"/admin/c/{demo}/"]
    for url in urls:
        with client.get(url) as r:
            value = r.headers.get("Content-Type", "")
            assert value.lower().count("charset") <= 1, (url, value)
