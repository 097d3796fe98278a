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


APP = str(settings.PROJECT_DIR / "app.py")


@pytest.fixture
def restore_upload_option():
    from streamlit import config

    before = config.get_option("server.maxUploadSize")
    yield
    config.set_option("server.maxUploadSize", before)


def test_the_app_sets_streamlits_upload_cap_from_the_setting(monkeypatch, restore_upload_option):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RNNLAB_MAX_UPLOAD_MB", "3")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert config.get_option("server.maxUploadSize") == 3  # Streamlit refuses a larger body itself
    at.switch_page("pages/data_page.py").run()
    at.radio(key="data-source").set_value("Upload a CSV").run()
    uploaders = at.get("file_uploader")
    assert uploaders and all(u.proto.max_upload_size_mb == 3 for u in uploaders)


def test_an_unwritable_data_directory_is_one_banner(monkeypatch, tmp_path, restore_upload_option):
    from streamlit.testing.v1 import AppTest

    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(blocker / "data"))  # under a file: never writable
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "data directory must be writable" in at.error[0].value
    assert "RNNLAB\\_DATA\\_DIR" in at.error[0].value  # inert: the path and name shown as typed
    at.switch_page("pages/compare_page.py").run()  # no page runs under the banner: it stays the one line
    assert not at.exception, at.exception
    assert len(at.error) == 1 and not at.dataframe
