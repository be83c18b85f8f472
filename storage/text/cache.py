"""A bounded memo for pure per-word functions.

News vocabulary repeats, so folding, stemming and repairing each distinct word once is
several times faster than doing it for every occurrence. Memory must stay bounded
whatever the input (a flood of made-up words in queries), so a full memo starts over:
cheaper than LRU bookkeeping on every hit, and the hot words come back at once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable


class Memo[K: Hashable, V]:
    """``fn`` remembered for at most ``maxsize`` arguments at a time."""

    __slots__ = ("_data", "_fn", "maxsize")

    def __init__(self, fn: Callable[[K], V], maxsize: int) -> None:
        self._fn = fn
        self._data: dict[K, V] = {}
        self.maxsize = maxsize

    def __call__(self, key: K) -> V:
        try:
            return self._data[key]
        except KeyError:
            pass
        value = self._fn(key)
        if len(self._data) >= self.maxsize:
            self._data.clear()
        self._data[key] = value
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()
