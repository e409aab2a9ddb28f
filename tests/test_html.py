"""The HTML allowlist of FORMAT.md ("Text")."""

import pytest

from followup.html import MAX_LENGTH, TextTooLong, sanitize


@pytest.mark.parametrize("dirty, clean", [
    ("<p>Hej <strong>fet</strong> <em>kursiv</em><br></p>",
     "<p>Hej <strong>fet</strong> <em>kursiv</em><br></p>"),
    ("<ul><li>ett</li></ul><ol><li>två</li></ol><h3>Rubrik</h3><h4>Under</h4>",
     "<ul><li>ett</li></ul><ol><li>två</li></ol><h3>Rubrik</h3><h4>Under</h4>"),
    ('<p style="color:red" class="x" onclick="f()">text</p>', "<p>text</p>"),
    ("<script>alert(1)</script><p>kvar</p>", "<p>kvar</p>"),
    ("<p>a<style>p{}</style>b</p>", "<p>ab</p>"),
    ('<a href="javascript:alert(1)">länk</a>', "länk"),
    ('<img src="x" onerror="alert(1)">bild', "bild"),
    ("<div><span>text</span></div><table><tr><td>cell</td></tr></table>", "textcell"),
    ("<h1>stor</h1><b>fet</b>", "storfet"),
    ("<!-- kommentar --><p>1 &lt; 2</p>", "<p>1 &lt; 2</p>"),
    ("<p>öppen", "<p>öppen</p>"),
])
def test_only_the_allowlist_survives_and_text_is_kept(dirty, clean):
    assert sanitize(dirty) == clean


def test_none_stays_none():
    assert sanitize(None) is None


def test_too_long_is_refused_not_truncated():
    assert sanitize("x" * MAX_LENGTH) == "x" * MAX_LENGTH
    with pytest.raises(TextTooLong, match="högst 100\N{NO-BREAK SPACE}000 tillåts"):
        sanitize("x" * (MAX_LENGTH + 1))
