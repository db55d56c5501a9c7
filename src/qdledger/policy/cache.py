"""The validated policy book, kept between runs so one command does not re-read and re-validate every file.

The book is stored (pickled) in the user's cache folder — ``$QDLEDGER_CACHE_DIR``, else
``$XDG_CACHE_HOME/qdledger``, else ``~/.cache/qdledger`` — under a key made of the package version,
the policy folder, and the name, size and change times of every program file and of the code that
validates them. Any change to those makes a new key, so the files are read and validated again. A
cache that cannot be read or written is ignored: the book is then loaded from the files as before.
``QDLEDGER_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

OFF = "off"


def cache_dir() -> Path | None:
    chosen = os.environ.get("QDLEDGER_CACHE_DIR")
    if chosen:
        return None if chosen == OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qdledger"


def _stamps(paths: list[Path]) -> list[tuple[str, int, int, int]]:
    stamps = []
    for path in sorted(paths):
        stat = path.stat()
        stamps.append((path.name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return stamps


def book_key(root: Path) -> str:
    """What the cached book depends on: version, folder, program files, and the validating code."""
    from qdledger import __version__

    here = Path(__file__).resolve().parent
    code = [*here.glob("*.py"), here.parent / "money.py"]  # the rule kinds, and the amounts they parse
    parts = (__version__, str(root.resolve()), _stamps(list((root / "programs").glob("*.toml"))), _stamps(code))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def cached(root: Path, load: Callable[[Path], Any]) -> Any:
    """``load(root)``, or the book stored by an earlier run when nothing it depends on has changed."""
    folder = cache_dir()
    if folder is None:
        return load(root)
    try:
        key = book_key(root)
    except OSError:
        return load(root)
    path = folder / f"policy-book-{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]}.pickle"
    book = _read(path, key)
    if book is None:
        book = load(root)
        _write(path, key, book)
    return book


def _read(path: Path, key: str) -> Any:
    try:
        with path.open("rb") as file:
            if pickle.load(file) != key:
                return None
            return pickle.load(file)
    except Exception:  # missing, unreadable, written by other code: load from the files instead
        return None


def _write(path: Path, key: str, book: Any) -> None:
    """Write atomically (another process may be reading); a cache that cannot be written is no error."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".policy-book-")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(key, file, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(book, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except Exception:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
