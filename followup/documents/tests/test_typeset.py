"""How a printed table is set (followup/documents/typeset.py): column widths from the
content, and which rows stay whole."""

from followup.core import typeset

PAGE_WIDTH = typeset.PAGE["portrait"]["width"]
TEXT = "Nämnden har under året arbetat med uppföljningen av sina uppdrag och åtgärder. "


def points(share):
    return PAGE_WIDTH * share / 100


def test_a_number_column_is_as_narrow_as_its_widest_figure_and_header():
    """One value column took 70 % of the width; five-digit figures ran into the next
    cell in another table."""
    label = typeset.Column("mnkr", [["Totala kostnader"], ["Antal vård dygn"]],
                           hyphenates=False)
    value = typeset.Column("Bokslut 2023", [["176\N{NO-BREAK SPACE}017"], ["5,0"]],
                           fit=True, bold=True, nowrap=True)
    shares = typeset.widths([label, value])
    widest = max(typeset.text_width("176\N{NO-BREAK SPACE}017", bold=True),
                 typeset.text_width("Bokslut", bold=True))
    needed = widest + typeset.CELL_PADDING
    assert needed <= points(shares[1]) <= needed + 3
    assert shares[1] < 15 and abs(sum(shares) - 100) < 0.05


def test_labels_and_names_break_between_words_only_on_two_lines_at_most():
    level = typeset.Column("Bedömning", [["I hög grad uppfyllt"], ["Delvis uppfyllt"]], fit=True)
    comment = typeset.Column("Kommentar", [[TEXT * 3], [TEXT]])
    shares = typeset.widths([level, comment])
    room = points(shares[0]) - typeset.CELL_PADDING
    assert typeset.text_width("Bedömning", bold=True) <= room  # the header, whole
    assert typeset.text_width("I hög grad", bold=False) <= room  # two lines, not three
    assert typeset.text_width("I hög grad uppfyllt", bold=False) > room


def test_the_text_that_sets_the_rows_heights_gets_the_room():
    """A narrow Åtgärder column broke every other word while the comment beside it had
    room to spare."""
    title = typeset.Column("Uppdrag", [["Utveckla samverkan"]] * 4)
    actions = typeset.Column("Åtgärder", [[TEXT * 2, TEXT * 2]] * 4)
    comment = typeset.Column("Kommentar", [[TEXT]] * 4)
    shares = typeset.widths([title, actions, comment])
    assert shares[1] == max(shares) > 50
    # None narrower than a readable line.
    floor = typeset.MIN_TEXT_CHARS * typeset.TABLE_SIZE / 2
    assert min(points(s) for s in shares) >= floor - 0.5


def test_rows_up_to_a_third_of_a_page_stay_whole():
    title = typeset.Column("Uppdrag", [["Kort"], ["Lång"], ["Lagom"]])
    comment = typeset.Column("Kommentar", [[TEXT], [TEXT] * 40, [TEXT] * 8])
    shares = typeset.widths([title, comment])
    heights = typeset.row_heights([title, comment], shares)
    third = typeset.PAGE["portrait"]["height"] / 3
    assert heights[0] < heights[2] < third < heights[1]
    assert typeset.keeps([title, comment], shares) == [True, False, True]


def test_the_sizes_are_read_from_print_css():
    """print.css sets the page, the tables' type and their cells' padding; typeset.py
    reads them there (issue 22.5): a margin changed in print.css changes the widths."""
    mm = 72 / 25.4
    assert typeset.PAGE == {"portrait": {"width": 170 * mm, "height": 253 * mm},
                            "landscape": {"width": 265 * mm, "height": 174 * mm}}
    assert (typeset.TABLE_SIZE, typeset.LINE_HEIGHT, typeset.PARAGRAPH_GAP,
            typeset.CELL_PADDING, typeset.ROW_PADDING) == (9, 1.4, 0.55, 8.5, 6.5)
    rules = typeset.stylesheet_rules(
        typeset.STYLESHEET.read_text(encoding="utf-8").replace("22mm; }", "32mm; }")
        .replace("margin: 24mm 18mm 20mm 22mm;", "margin: 24mm 18mm 20mm 32mm;"))
    assert typeset._sizes(rules)["page"]["portrait"]["width"] == 160 * mm
