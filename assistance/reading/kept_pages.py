"""Case pages a process keeps, each good for as long as its stamp stands.

A case page is a dozen reads; between two changes of a case it is read many times. A kept page
is served after one read of its stamp (the case's version and revision, the revision of what all
pages share, the parameters entered), taken before the page is built, so a page is only ever
newer than its stamp, never older (``assistance.models.revisions``)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeptPage:
    stamp: Hashable
    text: str  # the page as JSON: each reader parses its own copy, so none can change another's
    version: int


class KeptPages:
    def __init__(self, size: int) -> None:
        self._size = size
        self._pages: OrderedDict[Hashable, KeptPage] = OrderedDict()
        self._lock = threading.Lock()
        self.served = 0
        self.built = 0

    def get(self, key: Hashable, stamp: Hashable) -> KeptPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.stamp != stamp:
                self.built += 1
                return None
            self._pages.move_to_end(key)
            self.served += 1
            return page

    def keep(self, key: Hashable, page: KeptPage) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
