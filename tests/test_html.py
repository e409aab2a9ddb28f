"""The HTML allowlist of FORMAT.md ("Text")."""

import os
import re

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.core.html import (
    ALLOWED_TAGS, MAX_DEPTH, MAX_LENGTH, TextTooLong, limit_nesting, print_ready, sanitize,
)


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


# --- nesting: no text may nest deeper than a word processor allows --------------------

def nesting(html_text):
    """(deepest element, deepest list) of an HTML text, counted without recursion."""
    from html.parser import HTMLParser

    class Depth(HTMLParser):
        depth = lists = deepest = deepest_list = 0

        def handle_starttag(self, tag, attrs):
            if tag in ("br",):
                return
            self.depth += 1
            self.lists += tag in ("ul", "ol")
            self.deepest = max(self.deepest, self.depth)
            self.deepest_list = max(self.deepest_list, self.lists)

        def handle_endtag(self, tag):
            self.depth -= 1
            self.lists -= tag in ("ul", "ol")

    parser = Depth()
    parser.feed(html_text)
    return parser.deepest, parser.deepest_list


def nested_list(depth, items=True):
    """``depth`` lists inside one another, as a reporter's comment pasted or typed them:
    an item per level ("punkt 1" …), or only the deepest with text."""
    if items:
        return "".join(f"<ul><li>punkt {i}" for i in range(1, depth + 1)) + "</li></ul>" * depth
    return "<ul><li>" * depth + "djupast" + "</li></ul>" * depth


@pytest.mark.parametrize("dirty, clean", [
    # Three levels stay as they are.
    ("<ul><li>ett<ul><li>två<ol><li>tre</li></ol></li></ul></li></ul>",
     "<ul><li>ett<ul><li>två<ol><li>tre</li></ol></li></ul></li></ul>"),
    # A fourth level's items join the third, in order; what followed the deeper list in
    # its item becomes an item of its own.
    ("<ul><li>a<ul><li>b<ul><li>c<ul><li>d</li><li>e</li></ul>efter c</li><li>f</li></ul>"
     "efter b</li></ul></li></ul>",
     "<ul><li>a<ul><li>b<ul><li>c</li><li>d</li><li>e</li><li>efter c</li><li>f</li></ul>"
     "efter b</li></ul></li></ul>"),
    # Items that only held a deeper list, and so hold no text once it is flattened, go.
    ("<ul><li><ul><li><ul><li><ul><li><ul><li>x</li></ul></li></ul></li></ul></li></ul></li></ul>",
     "<ul><li><ul><li><ul><li>x</li></ul></li></ul></li></ul>"),
    # Lists directly inside lists count too.
    ("<ul><ul><ul><ul><ul><li>x</li></ul></ul></ul></ul></ul>",
     "<ul><ul><ul><li>x</li></ul></ul></ul>"),
    # Bold inside bold, italics inside italics: the inner tag changes nothing and goes.
    ("<p><strong>a<strong>b<em>c<em>d</em></em></strong></strong></p>",
     "<p><strong>ab<em>cd</em></strong></p>"),
])
def test_lists_nest_at_most_three_deep_and_no_text_is_lost(dirty, clean):
    assert sanitize(dirty) == clean
    assert sanitize(clean) == clean


@pytest.mark.parametrize("depth", [4, 120, 5000])
def test_a_deeply_nested_list_keeps_every_item_three_levels_deep(depth):
    """The reporter's comment of issue 23: 120 nested lists (2 161 characters) stopped
    every document of the case; 5 000 kept a thread busy for 46 s a request."""
    text = nested_list(depth, items=depth <= 120)
    clean = sanitize(text)
    assert nesting(clean)[1] == 3
    if depth <= 120:
        assert [f"punkt {i}" for i in range(1, depth + 1)] == \
            re.findall(r"punkt \d+", clean)
    else:
        assert clean == "<ul><li><ul><li><ul><li>djupast</li></ul></li></ul></li></ul>"


@pytest.mark.parametrize("text", [
    "<em>" * 20_000 + "kursiv",
    "<strong><em>" * 8_000 + "fet",
    "<ol>" * 20_000 + "lista",
    "<ul><li><p><strong><em>" * 4_000 + "djupt",
    "<h3><ul><li>" * 7_000 + "rubrik",
])
def test_no_allowed_element_nests_deeper_than_the_limit(text):
    clean = sanitize(text)
    deepest, lists = nesting(clean)
    assert deepest <= MAX_DEPTH and lists <= 3
    assert nh3.clean(clean, tags=set()).strip().endswith(text.rsplit(">", 1)[1])


def test_a_text_within_the_limits_is_not_touched():
    text = ("<h3>Rubrik</h3><p>Hej <strong>fet <em>och kursiv</em></strong><br>rad</p>"
            "<ol><li>ett<ul><li>två<ul><li><p>tre</p></li></ul></li></ul></li></ol>")
    assert limit_nesting(text) is text
    assert sanitize(text) == text


def test_print_limits_the_nesting_of_texts_saved_before_the_limit():
    """A comment stored before the allowlist limited nesting prints flattened too."""
    stored = nested_list(120)
    printed = str(print_ready(stored))
    assert nesting(printed)[1] == 3 and "punkt 120" in printed and "punkt 1<" in printed


_TAGS = ["p", "ul", "ol", "li", "strong", "em", "h3", "h4"]
_HTML = st.recursive(
    st.sampled_from(["ord", "två ord", " ", "<br>", "1 &lt; 2"]),
    lambda inner: st.builds(lambda tag, parts: f"<{tag}>{''.join(parts)}</{tag}>",
                            st.sampled_from(_TAGS), st.lists(inner, max_size=4))
    | st.lists(inner, min_size=2, max_size=4).map("".join),
    max_leaves=60)


@given(st.lists(_HTML, max_size=3).map("".join), st.integers(0, 40))
@settings(max_examples=int(os.environ.get("FOLLOWUP_HYPOTHESIS_EXAMPLES", "300")),
          deadline=None, derandomize=True, database=None)
def test_any_nesting_is_limited_and_keeps_every_word_in_order(text, extra_depth):
    """Whatever the allowed elements and however deep (a list wrapped ``extra_depth``
    times more), the allowlist's output is within the limits, says every word the
    unlimited allowlist kept, in the same order, and stays as it is when cleaned again."""
    text = "<ul><li>" * extra_depth + text + "</li></ul>" * extra_depth
    clean = sanitize(text)
    deepest, lists = nesting(clean)
    assert deepest <= MAX_DEPTH and lists <= 3

    def words(html_text):
        return re.sub(r"\s+", "", nh3.clean(html_text, tags=set()))

    unlimited = nh3.clean(text, tags=set(ALLOWED_TAGS), attributes={}, strip_comments=True)
    assert words(clean) == words(unlimited)
    assert sanitize(clean) == clean
