"""Catalog: every bundled dataset is described, loads, and matches its catalog entry and SOURCES figures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnnlab.core import settings
from rnnlab.data import catalog
from rnnlab.data.dataset import DataError

KEYS = [
    "ecg5000",
    "ecg200",
    "japanese_vowels",
    "plaid",
    "sunspots",
    "co2",
    "seattle_weather",
    "us_macro",
    "mitbih208",
    "three_cities",
    "flu_cases",
    "us_unemployment",
    "salary",
    "mitbih_beats",
]


def test_catalog_lists_every_key_with_citation_and_licence():
    entries = catalog.list_datasets()
    assert [e.key for e in entries] == KEYS
    for e in entries:
        assert e.title and e.description and e.citation and e.licence and e.source
        assert (settings.SAMPLE_DATA_DIR / e.file).exists()


def test_citations_file_names_every_dataset():
    text = (settings.SAMPLE_DATA_DIR / "CITATIONS.md").read_text()
    for e in catalog.list_datasets():
        assert e.file in text


@pytest.mark.parametrize("key", [k for k in KEYS if k not in ("ecg5000", "plaid")])
def test_each_dataset_loads_with_its_catalog_layout(key):
    entry = catalog.get_entry(key)
    ds = catalog.load_dataset(key)
    assert ds.layout == entry.layout
    assert catalog_task_allowed(entry.task, ds)


def catalog_task_allowed(task, ds):
    return task in ds.allowed_tasks()


def test_ecg5000_matches_sources_figures():
    ds = catalog.load_dataset("ecg5000")
    assert ds.tensor_shape == (5000, 140, 1)
    assert ds.classes == {"1": 2919, "2": 1767, "3": 96, "4": 194, "5": 24}
    assert (ds.splits == "train").sum() == 500


@pytest.mark.slow
def test_plaid_is_ragged():
    ds = catalog.load_dataset("plaid")
    assert ds.n_sequences == 1074 and ds.lengths.min() == 100 and ds.lengths.max() == 1344


def test_three_cities_is_the_course_example():
    ds = catalog.load_dataset("three_cities")
    assert ds.ids == ["Paris", "Berlin", "London"] and ds.label_kind == "value"
    np.testing.assert_array_equal(ds.sequences[0], [[10, 25, 50], [13, 10, 70], [9, 5, 90], [7, 0, 95]])
    assert ds.labels.tolist() == [110, 125, 30]


def test_flu_cases_has_step_targets():
    ds = catalog.load_dataset("flu_cases")
    assert ds.labels is None and ds.step_target_names == ["flu_cases"]
    assert [t.tolist() for t in ds.step_targets] == [[70, 90, 95, 110], [50, 80, 110, 125], [65, 75, 70, 30]]


def test_series_datasets_have_time_and_frequency():
    expected = {"sunspots": "monthly", "co2": "weekly", "seattle_weather": "daily", "us_macro": "quarterly"}
    for key, frequency in expected.items():
        ds = catalog.load_dataset(key)
        assert ds.n_sequences == 1 and ds.time_index is not None and ds.frequency == frequency
    assert catalog.load_dataset("co2").missing_filled == 59


def test_overrides_win_over_catalog_options():
    ds = catalog.load_dataset("co2", fill="drop")
    assert ds.lengths[0] == 2284 - 59


def test_unknown_key_lists_keys():
    with pytest.raises(DataError, match="ecg5000"):
        catalog.get_entry("nope")


def test_adding_a_dataset_is_a_catalog_entry_only():
    raw = {
        "datasets": [
            {
                "key": "k",
                "title": "T",
                "description": "d",
                "file": "f.csv",
                "layout": "series",
                "task": "forecast",
                "citation": "c",
                "licence": "l",
            }
        ]
    }
    (entry,) = catalog.parse_catalog(json.dumps(raw))
    assert entry.key == "k" and entry.read_options == {} and entry.reader_options().to_dict() == {}


def test_catalog_rejects_missing_fields_and_duplicates():
    with pytest.raises(ValueError, match="citation"):
        catalog.parse_catalog(
            json.dumps(
                {
                    "datasets": [
                        {
                            "key": "k",
                            "title": "t",
                            "description": "d",
                            "file": "f",
                            "layout": "long",
                            "task": "tag",
                        }
                    ]
                }
            )
        )
    item = {
        "key": "k",
        "title": "t",
        "description": "d",
        "file": "f",
        "layout": "long",
        "task": "tag",
        "citation": "c",
        "licence": "l",
    }
    with pytest.raises(ValueError, match="unique"):
        catalog.parse_catalog(json.dumps({"datasets": [item, item]}))


def test_many_series_dataset_is_a_collection_to_forecast():
    ds = catalog.load_dataset("us_unemployment")
    assert ds.layout == "long" and ds.n_sequences == 14 and set(ds.lengths.tolist()) == {122}
    assert ds.feature_names == ["unemployed_thousands", "rate"] and ds.frequency == "monthly"
    assert ds.allowed_tasks() == ["forecast"] and ds.ids[0] == "Agriculture"
