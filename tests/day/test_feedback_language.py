"""The team's feedback report from its own link comes in the language the team reads the
page in: a team that switched the page to English used to download a Chinese report."""
import subprocess

from tests.judging.hall_util import publish_all
from tests.materials.util import team_link


def _pdftext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


def test_the_feedback_report_follows_the_page_language(app, demo):
    publish_all(app)
    link = team_link(app, "T01")
    chinese = app.test_client()
    assert "参赛队反馈报告" in _pdftext(chinese.get(link + "/feedback.pdf").data)
    english = app.test_client()
    english.get("/lang/en")
    assert 'lang="en"' in english.get(link).get_data(as_text=True)
    text = _pdftext(english.get(link + "/feedback.pdf").data)
    assert "Team feedback" in text and "参赛队反馈报告" not in text
