"""Whatever JSON a client sends, text a database cannot store is refused with the path of the
field that carries it, and everything else passes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistance import storable
from assistance.errors import InvalidInput

STORABLE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)
KEYS = st.text(alphabet="abcdefghij_", min_size=1, max_size=5)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | STORABLE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)


@given(JSON)
def test_storable_json_passes(data: Any) -> None:
    storable.check_json(data)


@given(
    KEYS, st.lists(KEYS, min_size=0, max_size=5), STORABLE_TEXT, st.sampled_from(["\x00", "\ud800", "\udfff"])
)
def test_unstorable_text_is_refused_with_its_path(first: str, rest: list[str], text: str, bad: str) -> None:
    keys = [first, *rest]
    data: Any = text[:3] + bad + text[3:]
    for key in reversed(keys):
        data = {key: [data]}
    with pytest.raises(InvalidInput) as refused:
        storable.check_json(data)
    assert refused.value.errors[0].field == "".join(
        f"{k}[0]" if i == 0 else f".{k}[0]" for i, k in enumerate(keys)
    )


@given(st.integers(min_value=storable.DEEPEST + 1, max_value=storable.DEEPEST + 200))
def test_nesting_past_the_deepest_body_is_refused(depth: int) -> None:
    data: Any = 1
    for _ in range(depth):
        data = [data]
    with pytest.raises(InvalidInput):
        storable.check_json(data)
