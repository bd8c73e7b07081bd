"""The NATS-Bench converter reproduces the shipped table from the official per-architecture files.

Reads the official sample files the package ships, whatever ``NASLIB_MINI_DATA`` says.
"""
from __future__ import annotations

import argparse
import bz2
import pickle
import shutil

import pandas as pd
import pytest

import naslib_mini as nm
from naslib_mini.data import SHIPPED_DATA
from naslib_mini.estimators.tabular import DATASETS, TabularEstimator
from naslib_mini.cli.convert_nats import add_arguments, main
from naslib_mini.nats_convert import COLUMN_SOURCES, convert, load_release_file


SAMPLES = SHIPPED_DATA / "nasbench201" / "nats_official_sample"


@pytest.fixture
def sample_dir():
    return SAMPLES


@pytest.fixture(scope="module")
def converted():
    return convert(SAMPLES)


def test_converted_rows_equal_the_shipped_table(converted):
    table = nm.load_nb201(SHIPPED_DATA)
    assert list(converted["index"]) == [0, 11, 284]
    shipped = table.set_index("index").loc[[0, 11, 284]].reset_index()
    for column in ("arch_str", "unique_str"):
        assert list(converted[column]) == list(shipped[column])
    numeric = list(COLUMN_SOURCES)
    assert len(numeric) == 26
    pd.testing.assert_frame_equal(converted[numeric], shipped[numeric], check_dtype=False, rtol=0, atol=1e-5)


def test_converted_table_has_every_column_the_estimator_reads(converted):
    for columns in DATASETS.values():
        for name in (*columns.valid.values(), columns.test, *columns.train_time.values(), columns.params):
            assert name in converted.columns


def test_written_table_is_readable_by_the_estimator(sample_dir, tmp_path):
    """A converted partial release, written as csv.gz, reads back with the same values."""
    out = tmp_path / "nasbench201" / "nb201.csv.gz"
    rows = convert(sample_dir, out)
    again = pd.read_csv(out)
    pd.testing.assert_frame_equal(again, rows, check_dtype=False)
    # a partial table is refused by the loader, which needs all 15,625 rows
    with pytest.raises(nm.ConfigurationError, match="15624"):
        TabularEstimator(data_dir=tmp_path).estimate(nm.NB201Arch(("none",) * 6))


def test_cli_entry_point(sample_dir, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out = tmp_path / "t.csv.gz"
    assert main(parser.parse_args([str(sample_dir), str(out)])) == 0
    assert len(pd.read_csv(out)) == 3 and "3 architectures" in capsys.readouterr().out


def test_refuses_pickles_that_would_build_other_objects(tmp_path):
    path = tmp_path / "000001.pickle.pbz2"
    with bz2.open(path, "wb") as stream:
        pickle.dump({"payload": shutil.rmtree}, stream)  # a global the release never uses
    with pytest.raises(pickle.UnpicklingError, match="refusing to load shutil.rmtree"):
        load_release_file(path)


def test_missing_or_empty_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        convert(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="NNNNNN.pickle.pbz2"):
        convert(tmp_path)


def test_file_holding_another_architecture_is_refused(sample_dir, tmp_path):
    shutil.copy(sample_dir / "tss_000011.pickle.pbz2", tmp_path / "000012.pickle.pbz2")
    with pytest.raises(ValueError, match="holds architecture 11, not 12"):
        convert(tmp_path)
