"""The upload cap applies to uploads, before their bytes are in memory; the bundled datasets are exempt."""

from __future__ import annotations

import pytest

from rnnlab.core import settings
from rnnlab.data import catalog, reader
from rnnlab.data.dataset import DataError


def test_bundled_datasets_are_exempt_from_the_upload_cap(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_UPLOAD_MB", "0.5")
    assert catalog.load_dataset("ecg5000").n_sequences == 5000  # 4.3 MB file
    assert catalog.load_dataset("plaid").n_sequences == 1074  # gzip, larger once unpacked
    with pytest.raises(DataError, match="at most 0.5 MB"):
        reader.read_csv((settings.SAMPLE_DATA_DIR / "ecg5000.csv").read_bytes(), name="upload.csv")
