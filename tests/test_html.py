"""The HTML allowlist of FORMAT.md ("Text")."""

import pytest

from followup.html import MAX_LENGTH, TextTooLong, print_ready, sanitize


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
    ("<div><span>text</span></div><table><tr><td>cell</td></tr></table>", "text cell"),
    ("<h1>stor</h1><b>fet</b>", "stor fet"),
    ("<!-- kommentar --><p>1 &lt; 2</p>", "<p>1 &lt; 2</p>"),
    ("<p>öppen", "<p>öppen</p>"),
])
def test_only_the_allowlist_survives_and_text_is_kept(dirty, clean):
    assert sanitize(dirty) == clean


def test_text_of_removed_blocks_keeps_its_word_breaks():
    """Pasted from a web page: the words of a table's cells and a heading ran together
    ("länktRubrik") once their tags were gone."""
    pasted = ('<a href="x">länk</a><table><tr><td>cell</td><td title="<b>">två</td></tr>'
              "</table><h1>Rubrik</h1><p>Stycke</p>")
    assert sanitize(pasted) == "länk cell två Rubrik <p>Stycke</p>"


def test_none_stays_none():
    assert sanitize(None) is None


def test_too_long_is_refused_not_truncated():
    assert sanitize("x" * MAX_LENGTH) == "x" * MAX_LENGTH
    with pytest.raises(TextTooLong, match="högst 100\N{NO-BREAK SPACE}000 tillåts"):
        sanitize("x" * (MAX_LENGTH + 1))


@pytest.mark.parametrize("text, marked", [
    # A paragraph, or a list item, set all in bold heads what follows it.
    ("<p><strong>Tillkommande uppdrag:</strong></p><p>Text</p>",
     '<p class="lead"><strong>Tillkommande uppdrag:</strong></p><p>Text</p>'),
    ("<ul><li><strong>Inflation leder till högre omkostnader</strong></li></ul><p>Text</p>",
     '<ul><li class="lead"><strong>Inflation leder till högre omkostnader</strong></li></ul>'
     "<p>Text</p>"),
    # So does the sentence before a list that ends in a colon.
    ("<p>Nämnden har tre uppdrag:</p><ul><li>ett</li></ul>",
     '<p class="lead">Nämnden har tre uppdrag:</p><ul><li>ett</li></ul>'),
    # Bold words in running text, or a colon before more text, head nothing.
    ("<p><strong>Risk:</strong> flera familjehem</p><p>Se nedan:</p><p>text</p>",
     "<p><strong>Risk:</strong> flera familjehem</p><p>Se nedan:</p><p>text</p>"),
    ("<p>1 &lt; 2 <strong>a</strong> och <strong>b</strong></p>",
     "<p>1 &lt; 2 <strong>a</strong> och <strong>b</strong></p>"),
])
def test_print_marks_the_paragraphs_that_act_as_headings(text, marked):
    assert print_ready(sanitize(text)) == marked
