"""The search text's normalization: the cheaper ``normalized`` gives what the first one gave."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from service.read_models.search import bigrams, normalized, search_text

_SPACE = re.compile(r"\s+")


def first_normalized(text: str) -> str:
    """``normalized`` as it was first written (NFKC always, a regular expression for spaces)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "\u3000\u2028\u2029\u205f"
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any character but a surrogate
        st.sampled_from(SPACES),
        st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),  # conjoining jamo
        st.characters(min_codepoint=0x3131, max_codepoint=0x318E),  # compatibility jamo
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul syllables
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
        st.sampled_from("ﬁİẞΣσς\u0301\u0130"),  # ligatures, case mappings that change length
    ),
    max_size=60,
)


@given(TEXT)
@example("")
@example(" \t\n\x1c\x1d\x1e\x1f\x85\xa0\u3000 ")
@example("ㅅㅡㅌㅏㅌㅡ　ＡＩ")
@example("İ\u0307")
def test_the_cheaper_normalized_gives_what_the_first_one_gave(text):
    assert normalized(text) == first_normalized(text)


@given(st.lists(TEXT, max_size=5))
def test_a_search_text_has_no_newline_inside_a_part_and_no_empty_part(parts):
    text = search_text(tuple(parts))
    for part in text.split("\n") if text else []:
        assert part and part == normalized(part)
    assert all("\n" not in pair for pair in bigrams(text))
