"""The pages a process keeps: served only at the stamp they were built at, the oldest let go."""

from __future__ import annotations

from assistance.reading.kept_pages import KeptPage, KeptPages


def _page(stamp: int) -> KeptPage:
    return KeptPage(stamp, f'{{"stamp": {stamp}}}', 1)


def test_a_page_is_served_only_at_its_stamp() -> None:
    pages = KeptPages(10)
    assert pages.get("a", 1) is None
    pages.keep("a", _page(1))
    assert pages.get("a", 1) == _page(1)
    assert pages.get("a", 2) is None
    assert (pages.served, pages.built) == (1, 2)


def test_the_page_read_longest_ago_is_let_go_first() -> None:
    pages = KeptPages(2)
    pages.keep("a", _page(1))
    pages.keep("b", _page(1))
    assert pages.get("a", 1) is not None  # "b" is now the one read longest ago
    pages.keep("c", _page(1))
    assert pages.get("b", 1) is None
    assert pages.get("a", 1) is not None and pages.get("c", 1) is not None
    pages.clear()
    assert pages.get("a", 1) is None
