"""Inert text: hostile strings through every helper stay exactly their characters."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from rnnlab.core import text

HOSTILE = [
    "![x](http://127.0.0.2/pixel.png)",
    "[Session expired - click here to sign in again](http://127.0.0.2/login)",
    "<a href='http://127.0.0.2'>run</a>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "col`![y](http://127.0.0.2/a.png)`",
    "``double`` and ```triple",
    "`",
    "**bold** _it_ ~~strike~~ # heading",
    "$x^2$ and $$y$$",
    ":red[coloured] :material/home: :smile:",
    "line1\nline2\r\n# heading",
    "a | b | c",
    "\\*escaped\\*",
    "http://127.0.0.2/autolink and <http://127.0.0.2>",
    "&lt;b&gt; entity",
    "mail me: student@127.0.0.2.example or www.127.0.0.2.example",
    "\u202eevil\u202c bidi",
]
GFM_AUTOLINK = re.compile(r"(?i)https?://|ftp://|www\.|[\w.+-]+@[\w-]+\.")  # GitHub's autolink literals
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _visible(rendered_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered_html)).strip()


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_renders_as_its_own_characters(value):
    rendered = MD.render(text.markdown(value))
    assert "<a" not in rendered and "<img" not in rendered and "<script" not in rendered
    assert "<em>" not in rendered and "<strong>" not in rendered and "<h1>" not in rendered
    assert _visible(rendered).replace(text.JOINER, "") == text.clean(value)
    assert not GFM_AUTOLINK.search(_visible(rendered))  # no bare URL or address left for GFM to link


@pytest.mark.parametrize("value", HOSTILE)
def test_code_span_cannot_be_broken(value):
    rendered = MD.render(f"Column {text.code(value)} here")
    assert rendered.count("<code>") == 1 and "<img" not in rendered and "<a" not in rendered
    inner = re.search(r"<code>(.*)</code>", rendered, re.S).group(1)
    assert html.unescape(inner).strip() == text.clean(value).strip()


@pytest.mark.parametrize("value", HOSTILE)
def test_plotly_text_has_no_tags(value):
    out = text.plotly(value)
    assert "<" not in out and ">" not in out
    assert html.unescape(out) == html.unescape(text.clean(value))  # Plotly decodes entities between tags


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_stays_plain_in_markdown_and_code(value):
    for source in (text.markdown(value), f"x {text.code(value)} y"):
        rendered = MD.render(source)
        assert "<a" not in rendered and "<img" not in rendered and "<em>" not in rendered


def test_clean_folds_breaks_drops_controls_and_clips():
    assert text.clean("a\r\nb\x00\u202ec") == "a bc"
    assert len(text.clean("x" * 5000)) == text.MAX_CHARS
    assert text.message(ValueError("`x` [y](z)")) == "\\`x\\` \\[y\\]\\(z\\)"
