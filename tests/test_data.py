"""The benchmark data shipped with the package: byte-identical to the published files, installed with it, loadable."""
from __future__ import annotations

import fnmatch
import gzip
import hashlib
import tomllib
from pathlib import Path

import pytest

from naslib_mini import ConfigurationError, DataNotFound
from naslib_mini.data import MACRO_FILE, SHIPPED_DATA, load_nas_bench_macro, macro_path

REPO = Path(__file__).resolve().parents[1]
#: The project's read-only originals, when the repository sits beside them (not in a fresh clone).
ORIGINALS = REPO.parent / "shared" / "data"
#: Files of the shipped folder that are documentation, not data.
DOCUMENTS = {"README.md", "CHECKSUMS"}
#: Shipped files that naslib_mini computed (listed in CHECKSUMS, but with no original in shared/data).
COMPUTED = {"nasbench201/synflow_nb201.csv.gz", "nasbench201/cost_nb201.csv.gz"}


def checksums() -> dict[str, str]:
    """``CHECKSUMS`` as {original file name: sha256}."""
    entries = {}
    for line in (SHIPPED_DATA / "CHECKSUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        entries[name] = digest
    return entries


def shipped_bytes(name: str) -> bytes:
    """The content of the original file ``name`` as shipped: as is, or decompressed from ``name.gz``."""
    path = SHIPPED_DATA / name
    if path.exists():
        return path.read_bytes()
    return gzip.decompress((SHIPPED_DATA / f"{name}.gz").read_bytes())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shipped_files() -> list[str]:
    return sorted(p.relative_to(SHIPPED_DATA).as_posix() for p in SHIPPED_DATA.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_checksums_cover_every_shipped_data_file():
    listed = set(checksums())
    assert len(listed) == 6 + len(COMPUTED) and COMPUTED <= listed
    for name in shipped_files():
        if name not in DOCUMENTS:
            assert name in listed or name.removesuffix(".gz") in listed, f"{name} has no checksum"


@pytest.mark.parametrize("name", sorted(checksums()))
def test_every_shipped_file_matches_its_checksum(name):
    assert sha256(shipped_bytes(name)) == checksums()[name]


@pytest.mark.skipif(not ORIGINALS.is_dir(), reason=f"no original data at {ORIGINALS} (a fresh clone)")
@pytest.mark.parametrize("name", sorted(set(checksums()) - COMPUTED))
def test_shipped_files_equal_the_originals_beside_the_repository(name):
    original = (ORIGINALS / name).read_bytes()
    assert sha256(original) == checksums()[name]
    assert shipped_bytes(name) == original


def test_compressed_files_store_no_name_or_time_so_they_are_reproducible():
    compressed = [SHIPPED_DATA / name for name in shipped_files() if name.endswith(".json.gz") or name in COMPUTED]
    assert compressed
    for path in compressed:
        header = path.read_bytes()[:10]
        assert header[:2] == b"\x1f\x8b" and header[3] & 0x08 == 0, f"{path} stores a file name"
        assert header[4:8] == bytes(4), f"{path} stores a time stamp"


def test_package_data_installs_every_shipped_file():
    """``pyproject.toml`` names every file, so a wheel (not only an editable install) carries the data."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["naslib_mini"]
    package = SHIPPED_DATA.parent
    for name in shipped_files():
        path = (SHIPPED_DATA / name).relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), f"{path} would not be installed"


def test_nas_bench_macro_loads_from_the_shipped_gzip_and_from_an_uncompressed_original(tmp_path):
    macro = load_nas_bench_macro()
    assert len(macro) == 3 ** 8 and list(macro.columns) == ["test_acc", "mean_acc", "std", "params", "flops"]
    assert macro.index.is_monotonic_increasing and macro.index[-1] == "22222222"
    row = macro.loc["02012100"]
    assert row["test_acc"] == pytest.approx([89.47, 88.95, 89.17], abs=1e-4) and row["params"] == 890666
    plain = tmp_path / MACRO_FILE.with_suffix("")  # a data directory holding the original .json
    plain.parent.mkdir(parents=True)
    plain.write_bytes(shipped_bytes(MACRO_FILE.with_suffix("").as_posix()))
    assert macro_path(tmp_path) == plain.resolve()
    assert load_nas_bench_macro(tmp_path).equals(macro)


def test_nas_bench_macro_missing_or_incomplete_is_a_clear_error(tmp_path):
    with pytest.raises(DataNotFound, match="nas-bench-macro_cifar10.json.gz.*NASLIB_MINI_DATA"):
        load_nas_bench_macro(tmp_path)
    (tmp_path / MACRO_FILE).parent.mkdir(parents=True)
    (tmp_path / MACRO_FILE).write_bytes(gzip.compress(b'{"01": {"mean_acc": 50.0}}'))
    with pytest.raises(ConfigurationError, match="6561 8-digit keys.*got 1 entries"):
        load_nas_bench_macro(tmp_path)
