"""The validated policy book kept between runs: the same book as the files give, renewed when a file changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qdledger.policy.cache import cached
from qdledger.policy.loader import PolicyFileError, load_book, policies_dir

CAP_FILE = "sci_demo_project.toml"


@pytest.fixture
def root(tmp_path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(policies_dir(), copy)
    return copy


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QDLEDGER_CACHE_DIR", str(folder))
    return folder


def _counting_loader():
    calls = []

    def load(root: Path):
        calls.append(root)
        return load_book(root)

    return load, calls


def test_a_second_run_takes_the_stored_book_and_it_equals_the_files(root, cache):
    load, calls = _counting_loader()
    first = cached(root, load)
    second = cached(root, load)
    assert len(calls) == 1 and len(list(cache.glob("policy-book-*.pickle"))) == 1
    assert second is not first
    assert second.versions == load_book(root).versions
    assert second.ids() == first.ids() and len(second.ids()) > 10


def test_changing_a_program_file_loads_the_files_again(root, cache):
    load, calls = _counting_loader()
    path = root / "programs" / CAP_FILE
    before = cached(root, load).latest("sci_demo_project").program
    text = path.read_text(encoding="utf-8")
    assert 'cap = "1000万"' in text
    path.write_text(text.replace('cap = "1000万"', 'cap = "900万"'), encoding="utf-8")
    after = cached(root, load).latest("sci_demo_project").program
    assert len(calls) == 2
    assert before.rule("project_cap").cap == 1000_0000_00 and after.rule("project_cap").cap == 900_0000_00


def test_a_broken_file_is_refused_every_time_and_nothing_is_stored(root, cache):
    (root / "programs" / CAP_FILE).write_text("id = ", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PolicyFileError):
            cached(root, load_book)
    assert not list(cache.glob("policy-book-*.pickle"))


def test_a_damaged_cache_file_is_ignored(root, cache):
    cached(root, load_book)
    (stored,) = cache.glob("policy-book-*.pickle")
    stored.write_bytes(b"not a pickle")
    load, calls = _counting_loader()
    assert cached(root, load).versions == load_book(root).versions
    assert len(calls) == 1


def test_without_a_usable_cache_folder_the_files_are_read(root, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for setting in (str(blocker / "cache"), "off"):
        monkeypatch.setenv("QDLEDGER_CACHE_DIR", setting)
        load, calls = _counting_loader()
        assert cached(root, load).versions == load_book(root).versions
        assert cached(root, load).versions == load_book(root).versions
        assert len(calls) == 2
