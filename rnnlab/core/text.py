"""Inert text: every string that came from a user is shown through these functions, never as markup.

File and column names, labels, link values, run labels and imported configs can hold anything. Shown
in Markdown they could become links, images or styling (``![x](http://…)`` makes every browser that
opens the page fetch an outside image); in a Plotly label ``<a href=…>`` becomes a live link. Three
ways to show such a string, one per place it ends up:

- :func:`markdown` inside Markdown text: every ASCII punctuation mark backslash-escaped (CommonMark's
  escapes, so links, images, emphasis, HTML, ``$`` maths and Streamlit's ``:color[…]`` directives
  stay plain characters), line breaks folded to spaces, and an invisible word joiner (U+2060) inside
  every ``http``, ``ftp`` and ``www`` and before every ``@``: GitHub-flavoured Markdown turns a bare URL or
  e-mail address into a link *after* escapes are decoded, and the joiner is what stops it;
- :func:`code` as an inline code span whose backtick fence is longer than any run of backticks inside,
  so the text cannot close it;
- :func:`plotly` in Plotly text (titles, axis labels, legends, hover): ``<`` and ``>`` as HTML
  entities, which Plotly shows as the characters.

:func:`message` makes an error message inert as a whole (it quotes what the user gave).
No Streamlit or Plotly import: the plots and the command line use it too.

Example:
    >>> markdown("![x](e.png)")
    '\\\\!\\\\[x\\\\]\\\\(e\\\\.png\\\\)'
    >>> markdown("see http://e.com") == "see h\\u2060ttp\\\\:\\\\/\\\\/e\\\\.com"
    True
    >>> code("a`b")
    '``a`b``'
    >>> plotly("<a href='x'>run</a>")
    "&lt;a href='x'&gt;run&lt;/a&gt;"
"""

from __future__ import annotations

import re
import string

PUNCTUATION = frozenset(string.punctuation)  # every ASCII punctuation mark may be backslash-escaped
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"[\r\n\t]+")
_AUTOLINK = re.compile(
    r"(?i)(?<=h)(?=ttp)|(?<=f)(?=tp)|(?<=w)(?=ww)|(?=\\@)"
)  # inside each GFM autolink start
JOINER = "\u2060"  # WORD JOINER: invisible, not a word character, so no autolink pattern matches across it
MAX_CHARS = 2000  # longer user text is clipped, with an ellipsis


def clean(text: object, limit: int = MAX_CHARS) -> str:
    """``str(text)`` on one line: control and bidi-override characters dropped, breaks as spaces, clipped.

    Example:
        >>> clean("a\\nb\\x00c")
        'a bc'
    """
    out = _CONTROL.sub("", _BREAKS.sub(" ", str(text)))
    return out if len(out) <= limit else out[: limit - 1] + "…"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: a spreadsheet reads such a cell as a formula
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with ``= + - @``, tab or CR that is not a number
    gets a leading ``'`` (OWASP's rule for CSV injection); numbers and other values pass unchanged.

    Example:
        >>> print(spreadsheet_cell('=HYPERLINK("http://x","click")'))
        '=HYPERLINK("http://x","click")
        >>> spreadsheet_cell("-1.5e3"), spreadsheet_cell("@SUM(1+1)"), spreadsheet_cell(3)
        ('-1.5e3', "'@SUM(1+1)", 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def markdown(text: object, limit: int = MAX_CHARS) -> str:
    """``text`` for Markdown: shown exactly as its characters, never as a link, image, tag or style.

    Example:
        >>> markdown("*bold* <b>")
        '\\\\*bold\\\\* \\\\<b\\\\>'
    """
    escaped = "".join("\\" + ch if ch in PUNCTUATION else ch for ch in clean(text, limit))
    return _AUTOLINK.sub(JOINER, escaped)


def code(text: object, limit: int = MAX_CHARS) -> str:
    """``text`` as one inline code span that no backtick inside it can close.

    The fence is one backtick longer than the longest run of backticks in the text; a space pads a text
    that starts or ends with a backtick (CommonMark strips one such space on each side).

    Example:
        >>> code("x"), code("``"), code("")
        ('`x`', '``` `` ```', '`  `')
    """
    body = clean(text, limit)
    runs = [len(m) for m in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    if not body or body.startswith("`") or body.endswith("`") or body.isspace():
        body = f" {body} "
    return f"{fence}{body}{fence}"


def plotly(text: object, limit: int = MAX_CHARS) -> str:
    """``text`` for Plotly's HTML-like labels: ``<`` and ``>`` as entities, so no tag or link can form.

    Plotly splits a label at its tags first and decodes entities only in the text between them, so a
    ``&`` is harmless and stays as it is; the function is idempotent (a figure may pass through it twice).

    Example:
        >>> plotly("a<br>b & c"), plotly(plotly("<b>"))
        ('a&lt;br&gt;b & c', '&lt;b&gt;')
    """
    return clean(text, limit).replace("<", "&lt;").replace(">", "&gt;")


def message(err: object, limit: int = MAX_CHARS) -> str:
    """An error (or any message quoting user input) for ``st.error`` / ``st.warning``: all of it inert.

    Example:
        >>> message(ValueError("Unknown key: [x](e)"))
        'Unknown key\\\\: \\\\[x\\\\]\\\\(e\\\\)'
    """
    return markdown(err, limit)
