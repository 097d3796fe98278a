"""Train / validation / test splits: temporal for windows, stratified, random or the archive's own.

Every function returns one integer code per sample: ``0`` train, ``1`` val,
``2`` test and ``-1`` dropped (a window whose target steps would straddle two
splits). All are deterministic for a seed.
"""

from __future__ import annotations

import numpy as np

from rnnlab.data.dataset import DataError

TRAIN, VAL, TEST, DROPPED = 0, 1, 2, -1
NAMES = ("train", "val", "test")


def check_shares(val_share: float, test_share: float) -> None:
    """Raise ``ValueError`` unless both shares are in [0, 1) and leave room for training."""
    for name, share in (("val_share", val_share), ("test_share", test_share)):
        if not 0 <= share < 1:
            raise ValueError(f"`{name}` must be in [0, 1). Received: {name}={share}")
    if val_share + test_share >= 1:
        raise ValueError(
            "`val_share + test_share` must be below 1 so that something is left to train on. "
            f"Received: val_share={val_share}, test_share={test_share}"
        )


def split_counts(n: int, val_share: float, test_share: float) -> tuple[int, int, int]:
    """``(n_train, n_val, n_test)``: ``round(share · n)`` each, at least 1 when the share is positive.

    Example:
        >>> split_counts(3114, 0.0, 0.2)
        (2491, 0, 623)
        >>> split_counts(3, 0.15, 0.15)
        (1, 1, 1)
    """
    check_shares(val_share, test_share)
    n_test = max(1, int(round(test_share * n))) if test_share > 0 else 0
    n_val = max(1, int(round(val_share * n))) if val_share > 0 else 0
    n_train = n - n_val - n_test
    if n_train < 1:
        raise DataError(
            f"Too few samples to split: {n} samples leave {n_train} for training "
            f"after {n_val} validation and {n_test} test samples. Lower the shares or use more data."
        )
    return n_train, n_val, n_test


def temporal_split(first_target: np.ndarray, last_target: np.ndarray, val_share: float, test_share: float):
    """Split windows in time order; drop earlier windows whose targets reach into a later split.

    The last ``round(test_share · n)`` windows are test; going back in time,
    windows whose last target step reaches the test's first target step are
    dropped, the next ``round(val_share · n)`` are validation, again the
    overlapping ones are dropped, and the rest is train. So no target step is
    in two splits (inputs may look back freely).

    Args:
        first_target: ``(n,)`` series index of each window's first target step, increasing.
        last_target: ``(n,)`` series index of each window's last target step.
        val_share: Share of windows for validation.
        test_share: Share of windows for test.

    Returns:
        ``(n,)`` int codes (0 train, 1 val, 2 test, -1 dropped).

    Example:
        >>> temporal_split(np.arange(12), np.arange(12) + 2, 0.2, 0.2).tolist()
        [0, 0, 0, 0, -1, -1, 1, 1, -1, -1, 2, 2]
    """
    n = len(first_target)
    _, n_val, n_test = split_counts(n, val_share, test_share)
    last_target = np.asarray(last_target)
    codes = np.full(n, DROPPED, dtype=np.int64)
    end = n  # windows [end, n) are assigned
    for code, count in ((TEST, n_test), (VAL, n_val)):
        if count == 0:
            continue
        if end - count < 1:
            raise DataError(
                f"Too few windows ({n}) for these splits once windows whose targets straddle a split boundary "
                "are dropped. Use a longer series, a shorter horizon or smaller shares."
            )
        codes[end - count : end] = code
        end -= count
        start = first_target[end]
        while end > 0 and last_target[end - 1] >= start:
            end -= 1
    codes[:end] = TRAIN
    if not np.any(codes == TRAIN):
        raise DataError(
            "No training window is left once windows straddling a split are dropped. "
            "Use a longer series, a shorter horizon or smaller shares."
        )
    return codes


def order_split(n: int, val_share: float, test_share: float) -> np.ndarray:
    """Split samples in their dataset order: first train, then val, then test.

    Example:
        >>> order_split(5, 0.2, 0.2).tolist()
        [0, 0, 0, 1, 2]
    """
    n_train, n_val, _ = split_counts(n, val_share, test_share)
    codes = np.full(n, TEST, dtype=np.int64)
    codes[:n_train] = TRAIN
    codes[n_train : n_train + n_val] = VAL
    return codes


def random_split(n: int, val_share: float, test_share: float, seed: int = 0) -> np.ndarray:
    """Shuffle with ``seed`` and split by counts (see :func:`split_counts`)."""
    codes = order_split(n, val_share, test_share)
    return codes[np.random.default_rng(seed).permutation(n)]


def _quotas(counts: np.ndarray, total: int) -> np.ndarray:
    """Share ``total`` over groups in proportion to ``counts`` (largest remainder)."""
    if total == 0 or counts.sum() == 0:
        return np.zeros_like(counts)
    exact = counts * total / counts.sum()
    quota = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - quota), kind="stable")
    quota[order[: total - quota.sum()]] += 1
    return np.minimum(quota, counts)


def stratified_split(labels: np.ndarray, val_share: float, test_share: float, seed: int = 0) -> np.ndarray:
    """Split so that every class keeps its share in train, val and test (seeded).

    Example:
        >>> codes = stratified_split(np.array([0] * 8 + [1] * 2), 0.0, 0.5, seed=1)
        >>> [int(np.sum((codes == 2) & (np.arange(10) >= 8))), int(np.sum(codes == 2))]
        [1, 5]
    """
    labels = np.asarray(labels)
    n = len(labels)
    n_train, n_val, n_test = split_counts(n, val_share, test_share)
    rng = np.random.default_rng(seed)
    classes, inverse = np.unique(labels, return_inverse=True)
    members = [rng.permutation(np.flatnonzero(inverse == k)) for k in range(len(classes))]
    counts = np.array([len(m) for m in members])
    test_q = _quotas(counts, n_test)
    val_q = _quotas(counts - test_q, n_val)
    codes = np.full(n, TRAIN, dtype=np.int64)
    for m, t, v in zip(members, test_q, val_q):
        codes[m[:t]] = TEST
        codes[m[t : t + v]] = VAL
    return codes


def archive_split(
    splits: np.ndarray, labels: np.ndarray | None, val_share: float, seed: int = 0
) -> np.ndarray:
    """The archive's own test split as test; validation carved from its train part (stratified when labelled).

    ``val_share`` is the share of the archive's *train* part that becomes validation.

    Example:
        >>> archive_split(np.array(["train"] * 4 + ["test"] * 2), None, 0.25).tolist().count(1)
        1
    """
    splits = np.asarray(splits).astype(str)
    is_test = np.char.lower(splits) == "test"
    train_idx = np.flatnonzero(~is_test)
    if train_idx.size == 0 or not is_test.any():
        raise DataError(
            "The archive split needs both train and test rows. Received: "
            f"{train_idx.size} train and {int(is_test.sum())} test rows"
        )
    codes = np.full(len(splits), TEST, dtype=np.int64)
    if labels is not None:
        inner = stratified_split(np.asarray(labels)[train_idx], val_share, 0.0, seed)
    else:
        inner = random_split(train_idx.size, val_share, 0.0, seed)
    codes[train_idx] = inner
    return codes


def resolve_mode(mode: str, has_archive: bool, has_classes: bool) -> str:
    """The split a collection's ``split_mode`` means: ``"auto"`` → the archive's own, else stratified or random.

    Example:
        >>> resolve_mode("auto", has_archive=True, has_classes=True)
        'archive'
        >>> resolve_mode("auto", has_archive=False, has_classes=False)
        'random'
    """
    if mode != "auto":
        return mode
    return "archive" if has_archive else ("stratified" if has_classes else "random")


def offered_modes(kind: str, has_archive: bool) -> list[str]:
    """The split modes a collection task of ``kind`` can use: archive only with a split column, stratified
    only when classifying.

    Example:
        >>> offered_modes("regress", has_archive=True)
        ['auto', 'archive', 'random', 'temporal']
    """
    modes = ["auto"] + (["archive"] if has_archive else [])
    return modes + (["stratified"] if kind == "classify" else []) + ["random", "temporal"]


def archive_test(kind: str, mode: str, has_archive: bool) -> bool:
    """Whether the test split is the archive's own (so a test share does not apply).

    Example:
        >>> archive_test("classify", "auto", has_archive=True), archive_test("forecast", "auto", True)
        (True, False)
    """
    return kind != "forecast" and resolve_mode(mode, has_archive, kind == "classify") == "archive"
