"""Which kept uploads make room for a new one under the server's total cap: a pure rule, no database.

Every computer that keeps uploads (its client address; a workspace where the address is unknown) is an
*owner*. The cap is shared fairly: an owner's *fair share* is the cap divided by the owners holding
uploads, the newcomer included. When a new file does not fit:

1. files that nothing uses (no run, no saved setup) go first, the largest first;
2. then, if the newcomer stays within its fair share, files that no run uses and that only owners above
   their fair share hold, the largest first (their setup then asks for the file again);
3. if that is not enough, the upload is refused.

So whoever comes next never pushes out a student within their share, and three fresh workspaces of one
computer cannot take the room the others need. A file held by several owners counts fully for each.

Example (a cap of 300 bytes; A holds two files of 100 in its setups, B brings 150):
    >>> a1 = Held("a1", 100, frozenset({"A"}), used=True, run_used=False, last_used=1.0)
    >>> a2 = Held("a2", 100, frozenset({"A"}), used=True, run_used=False, last_used=2.0)
    >>> room_for([a1, a2], size=150, owner="B", total_bytes=300)
    ['a1']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Held:
    """One kept file as the rule sees it.

    Attributes:
        sha256: Its content hash. size: Its bytes. owners: Who links it (client addresses or workspaces).
        used: A run or a saved setup uses it. run_used: A run uses it (then it is never removed for room).
        last_used: When it was last read (ties of size: the least recently used goes first).
    """

    sha256: str
    size: int
    owners: frozenset[str]
    used: bool
    run_used: bool
    last_used: float = 0.0


def holdings(files: Iterable[Held]) -> dict[str, int]:
    """Owner → bytes of the files it links (a shared file counts for each of its owners).

    Example:
        >>> holdings([Held("x", 10, frozenset({"A", "B"}), False, False), Held("y", 5, frozenset({"A"}), False, False)])
        {'A': 15, 'B': 10}
    """
    out: dict[str, int] = {}
    for held in files:
        for owner in sorted(held.owners):
            out[owner] = out.get(owner, 0) + held.size
    return out


def fair_share(files: Iterable[Held], owner: str, total_bytes: int) -> int:
    """The cap divided by the owners holding uploads, ``owner`` included (whole bytes).

    Example:
        >>> fair_share([Held("x", 10, frozenset({"A", "B"}), False, False)], "C", 300)
        100
    """
    return total_bytes // len(set(holdings(files)) | {owner})


def _largest_first(files: Iterable[Held]) -> list[Held]:
    return sorted(files, key=lambda f: (-f.size, f.last_used, f.sha256))


def room_for(files: list[Held], size: int, owner: str, total_bytes: int) -> list[str] | None:
    """The files to remove so that ``size`` more bytes for ``owner`` fit in ``total_bytes``, in removal order;
    ``[]`` when they fit already, ``None`` when they cannot fit (see the module's rule).

    Args:
        files: Every kept file. size: The new file's bytes. owner: Who brings it.
        total_bytes: The server's cap.

    Example (A holds 250 and B 50 of a 300-byte cap; C brings 100, its fair share is 100):
        >>> a = Held("a", 250, frozenset({"A"}), used=True, run_used=False)
        >>> b = Held("b", 50, frozenset({"B"}), used=True, run_used=False)
        >>> room_for([a, b], 100, "C", 300), room_for([a, b], 101, "C", 300)
        (['a'], None)
    """
    total = sum(f.size for f in files)
    if total + size <= total_bytes:
        return []
    removed: list[str] = []
    left = list(files)
    for held in _largest_first(f for f in files if not f.used):  # 1. nothing uses them
        if total + size <= total_bytes:
            return removed
        removed.append(held.sha256)
        left.remove(held)
        total -= held.size
    share = fair_share(left, owner, total_bytes)
    mine = holdings(left).get(owner, 0)
    while total + size > total_bytes and mine + size <= share:  # 2. room taken beyond a fair share
        held_by = holdings(left)
        over = [f for f in left if not f.run_used and owner not in f.owners
                and all(held_by[o] > share for o in f.owners)]  # fmt: skip
        if not over:
            break
        biggest = _largest_first(over)[0]
        removed.append(biggest.sha256)
        left.remove(biggest)
        total -= biggest.size
    return removed if total + size <= total_bytes else None
