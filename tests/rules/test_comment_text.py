"""A comment (评语) in the form the tablet stores it, and the spacing-only hint (pure: no
app, no database). The paper double entry compares the first exactly."""
import pytest

from scoring.rules.text import comment_text, differ_only_in_spacing


@pytest.mark.parametrize("typed, stored", [
    ("思路清晰", "思路清晰"),
    ("  思路清晰\n表达流畅  ", "思路清晰\n表达流畅"),      # the tablet strips the ends
    ("思路清晰\r\n表达流畅\r\n", "思路清晰\n表达流畅"),    # a form posts CRLF
    ("思路清晰\r表达流畅", "思路清晰\n表达流畅"),          # an old Mac's CR
    ("a\r\n\r\nb", "a\n\nb"),                              # a blank line stays one
    ("\u3000好\u3000", "好"),                              # an ideographic space is blank
    ("a  b\tc", "a  b\tc"),                                # inside: kept as typed
    (" \r\n\t ", ""),
])
def test_comment_text_is_what_the_tablet_stores(typed, stored):
    assert comment_text(typed) == stored


@pytest.mark.parametrize("a, b, spacing", [
    ("思路清晰\n表达流畅", "思路清晰表达流畅", True),
    ("a b", "a  b", True),
    ("a b", "a b", False),            # not different at all
    ("思路清晰", "思路清楚", False),
    ("a\nb", "a\nc", False),
])
def test_differ_only_in_spacing(a, b, spacing):
    assert differ_only_in_spacing(a, b) is spacing
