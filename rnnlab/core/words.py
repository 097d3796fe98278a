"""Words for counts in the interface: ``1 run``, ``2 runs``, ``1 sequence``, ``1,204 sequences``."""

from __future__ import annotations


def plural(n: int, word: str, words: str | None = None) -> str:
    """``n`` and the word, singular for exactly one (thousands separated by commas).

    Args:
        n: The count.
        word: The singular (``"run"``).
        words: The plural when it is not ``word + "s"`` (``"classes"``).

    Example:
        >>> plural(1, "run"), plural(3, "run"), plural(1204, "sequence"), plural(2, "class", "classes")
        ('1 run', '3 runs', '1,204 sequences', '2 classes')
    """
    return f"{n:,} {word if n == 1 else (words or word + 's')}"
