"""Untrusted text inside the Markdown that Streamlit renders (``st.markdown``, ``st.error``...).

Streamlit's Markdown turns ``*a*`` into italics, ``$x$`` into LaTeX and ``www.x.com`` into
a link, so a file name a user uploads could come out changed. Inside a code span none of
that applies: the text is shown as it is. Control characters (a NUL, an escape, the
right-to-left override that makes ``txt.exe`` read ``exe.txt``) are shown as escapes.
"""

from __future__ import annotations

import re
import unicodedata

#: bidirectional overrides and isolates, and the invisible direction marks
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def code(text: str) -> str:
    """``text`` as an inline code span, shown literally whatever backticks it holds."""
    flat = "".join(_visible(ch) for ch in " ".join(str(text).splitlines())) or " "
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _visible(ch: str) -> str:
    if ch in _BIDI or unicodedata.category(ch) == "Cc":
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    return ch
