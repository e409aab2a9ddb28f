"""The plan appendices print their nodes in the order the real reports print them.

``../shared/reference/`` holds the text of the real reports the fixtures were written
from. For each plan appendix, every listed node's title and the first words of every
comment paragraph are looked up in the real report's appendix and in ours; found in
both, they must come in the same order.
"""

import html
import json
import re
from pathlib import Path

import pytest

from followup.documents.tests.test_documents import render
from tests.fixtures import FIXTURES, load_json
from tests.pdftext import HYPHENATION, reading_order

REFERENCE = FIXTURES.parent / "reference"
# reference/README.md: which text is which fixture.
REFERENCES = {"uppsala-scn-2023": "000_fe82823408052537.txt",
              "uppsala-scn-2019": "001_a4175b97a69d8896.txt"}
WORDS_PER_ELEMENT = 6
PAGE_TURN = 300  # words: a page's foot, the next one's head and the cells before the rest


def tokens(text):
    text = html.unescape(re.sub(r"<[^>]+>", " ", text or ""))
    return re.findall(r"[0-9A-Za-zÅÄÖåäöÉéÜü]+", text.lower())


def pdf_tokens(words, vocabulary=frozenset()):
    """The PDF's words as tokens, with words hyphenated over a line joined again. A word
    hyphenated on a page's last line goes on after the running foot and head (and a
    table's repeated header): there, its rest is the first word that makes a word of
    ``vocabulary`` with it."""
    words, joined, carry = list(words), [], ""
    for i, word in enumerate(words):
        if word is None:
            continue
        if word.endswith(HYPHENATION):
            carry += word[:-1]
            continue
        if carry and vocabulary and not set(tokens(carry + word)) <= vocabulary:
            rest = next((k for k in range(i, min(i + PAGE_TURN, len(words)))
                         if words[k] and set(tokens(carry + words[k])) <= vocabulary), None)
            if rest is not None:
                joined.append(carry + words[rest])
                words[rest], carry = None, ""
        joined.append(carry + word)
        carry = ""
    return tokens(" ".join(joined))


def vocabulary(data):
    """Every word of the plan file's titles and comments, as tokens."""
    return frozenset(tokens(json.dumps(data, ensure_ascii=False)))


def reference_appendix(text, number):
    """The real report's text of appendix ``number``: from its heading to the next one."""
    lines = text.splitlines()

    def starts(n):
        return [i for i, line in enumerate(lines)
                if re.match(rf"^Bilaga {n}(\s*[-,:–].*)?$", line.strip())]

    if not starts(number):
        return None
    begin = starts(number)[-1]
    end = next((i for i in starts(number + 1) if i > begin), len(lines))
    return "\n".join(lines[begin:end])


def elements(data, appendix, phase):
    """The listed nodes in tree order: (key, title tokens, first comment paragraph's
    tokens or None, keys of the list children that print in its row or after it)."""
    listed = set(appendix.get("node_types") or [])
    layout = appendix.get("layout") or {}
    scales = {k: t["scale"] for k, t in data["node_types"].items()}
    out = []

    def is_list(n):
        display = (layout.get(n["type"]) or {}).get("display")
        return display == "list" or (display is None and scales[n["type"]] is None)

    def walk(nodes, parent):
        for n in nodes:
            if n["type"] in listed:
                comment = (n["followups"].get(phase) or {}).get("comment") or ""
                paragraphs = [tokens(p) for p in re.split(r"</p>|<br\s*/?>|</li>", comment)]
                first = next((p[:WORDS_PER_ELEMENT] for p in paragraphs if len(p) >= 4), None)
                children = [c["key"] for c in n["children"] if c["type"] in listed and is_list(c)]
                out.append((n["key"], tokens(n["title"])[:WORDS_PER_ELEMENT], first, children,
                            parent is not None and is_list(n)))
            walk(n["children"], n)

    walk(data["nodes"], None)
    return out


def positions(haystack, elements_):
    """Where each (label, words) element occurs: the k-th element with the same words
    takes the k-th occurrence. Elements not found are left out."""
    seen, found = {}, {}
    index = {}
    for i, word in enumerate(haystack):
        index.setdefault(word, []).append(i)
    for label, words in elements_:
        if not words:
            continue
        starts = [i for i in index.get(words[0], [])
                  if haystack[i:i + len(words)] == words]
        k = seen.get(tuple(words), 0)
        seen[tuple(words)] = k + 1
        if k < len(starts):
            found[label] = starts[k]
    return found


def fixture_with_reference():
    params = []
    for stem, name in REFERENCES.items():
        path = FIXTURES / f"{stem}.json"
        if path.exists() and (REFERENCE / name).exists():
            params.append(pytest.param(path, REFERENCE / name, id=stem))
    return params or [pytest.param(None, None, marks=pytest.mark.skip(
        reason="../shared/reference saknas"))]


@pytest.mark.parametrize("path, reference", fixture_with_reference())
def test_plan_appendices_print_nodes_in_the_order_of_the_real_report(
        cli, ctx, path, reference, tmp_path):
    data = load_json(path)
    memo = data["documents"][0]
    text = Path(reference).read_text(encoding="utf-8")
    imported = False
    for appendix in memo["appendices"]:
        if appendix["kind"] != "plan":
            continue
        ref = reference_appendix(text, appendix["number"])
        assert ref, f'bilaga {appendix["number"]} finns inte i referensen'
        if imported:
            out = tmp_path / f'bilaga-{appendix["number"]}.pdf'
            key = f'{data["organisation"]["board_code"]}-{data["year"]}'
            assert cli.invoke(args=["report", "render", key, memo["phase"], "--appendix",
                                    str(appendix["number"]), "--out", str(out)]).exit_code == 0
            pdf = out.read_bytes()
        else:
            _, pdf = render(cli, path, tmp_path, "--appendix", str(appendix["number"]))
            imported = True
        nodes = elements(data, appendix, memo["phase"])
        titles = [(key, words) for key, words, *_ in nodes]
        comments = [(key, first) for key, _, first, *_ in nodes if first]
        ref_words = tokens(ref)
        our_words = pdf_tokens(reading_order(pdf)[0], vocabulary(data))
        ref_titles, our_titles = positions(ref_words, titles), positions(our_words, titles)
        ref_comments, our_comments = (positions(ref_words, comments),
                                      positions(our_words, comments))
        assert [k for k, _ in titles if k not in our_titles] == [], "titlar saknas i vår PDF"
        assert [k for k, _ in comments if k not in our_comments] == [], \
            "kommentarer saknas i vår PDF"
        both = [k for k, _ in titles if k in ref_titles]
        assert len(both) >= 0.8 * len(titles), "referensen och fixturen hör inte ihop"
        # The nodes come in the real report's order.
        assert sorted(both, key=our_titles.get) == sorted(both, key=ref_titles.get)
        # A comment follows its own title and comes before the next row or section, and
        # the titles of a row's list children (its åtgärder) come before its comment.
        in_order = 0
        heads = [k for k, _, _, _, is_child in nodes if not is_child]
        for key, _, first, children, is_child in nodes:
            if not first or key not in ref_comments or is_child:
                continue
            following = heads[heads.index(key) + 1:heads.index(key) + 2]
            for where_title, where_comment in ((ref_titles, ref_comments),
                                               (our_titles, our_comments)):
                assert where_title[key] < where_comment[key]
                if following and following[0] in where_title:
                    assert where_comment[key] < where_title[following[0]], key
                if children and children[0] in where_title:
                    assert where_title[children[0]] < where_comment[key], key
            in_order += 1
        print(f'{path.stem} bilaga {appendix["number"]}: {len(titles)} punkter och '
              f'{len(comments)} kommentarer i vår PDF; {len(both)} punkter i samma ordning '
              f'som i referensen, {in_order} kommentarer på sin plats i båda')
