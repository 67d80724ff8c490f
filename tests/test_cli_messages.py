"""The `scoring` command prints a translated message outside any request: a loopback
public address is one line, never "Working outside of request context"."""


def test_a_venue_error_reads_outside_a_request(app):
    from scoring.web.venue import VenueError, clean_public_url

    with app.app_context():
        try:
            clean_public_url("http://127.0.0.1:8765")
        except VenueError as exc:
            text = str(exc.message)
        else:
            raise AssertionError("a loopback address was accepted")
    assert "127.0.0.1" in text and "平板" in text


def test_report_judge_links_with_a_loopback_address_says_so(runner, demo, tmp_path):
    out = tmp_path / "cards.pdf"
    result = runner.invoke(args=["report", "judge-links", demo, "-o", str(out),
                                 "--base-url", "http://127.0.0.1:8765"])
    assert result.exit_code == 1, result.output
    assert "127.0.0.1" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()
