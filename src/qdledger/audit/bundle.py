"""The auditor bundle: the stored events, the chain, a digest, the policies in force and a README,
checked by ``qdledger verify --bundle`` on any machine, without the original database.

A folder (or a ``.zip`` of one) holding:
``events.jsonl`` — one stored event per line: position, originator_id, version, topic, state
(the stored bytes as UTF-8 text, or ``state_base64`` when they are not text);
``chain.jsonl`` — the chain link kept at each position; ``digest.json`` — position and digest of
the last event; ``policies.json`` and ``policies/`` — the policy versions in force and their
files; ``trial_balance.json``; ``manifest.json`` — the SHA-256 of every other file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qdledger.audit.chain import current_digest
from qdledger.audit.rows import Link, Row, event_store
from qdledger.errors import BadInput
from qdledger.i18n import Text

README = """# Auditor bundle / 审计包

Made by qdledger {version} on {made_at}. It holds every stored event of the ledger up to
position {position}, the hash chain over them, and the digest of the last one:

    {position}:{digest}

## Check it with qdledger (no database needed)

    qdledger verify --bundle {name} --digest {position}:{digest}

Give the digest you kept yourself (from `qdledger digest` at the time) rather than the one
printed above: a bundle can only vouch for itself. Exit 0 means the events hash to that digest,
every aggregate replays, and every invariant holds; exit 1 names the first bad position.

## Check the chain by hand

Each line of `events.jsonl` is one stored event. With `prev` = 32 zero bytes, for each line in
order compute

    link = SHA-256(prev || u64(position) || u16(len(id)) || u64(version) || u32(len(topic))
                   || u32(len(state)) || id || topic || state)

(integers big-endian; `id` the 32 ASCII hex digits, `topic` UTF-8, `state` the UTF-8 bytes of
`state`, or the base64-decoded `state_base64`), then `prev = link`. Every link must equal the one
in `chain.jsonl` at that position; the last must equal the digest. In Python:

    import hashlib, json, struct, base64
    prev = bytes(32)
    for line in open("events.jsonl", encoding="utf-8"):
        e = json.loads(line)
        state = base64.b64decode(e["state_base64"]) if "state_base64" in e else e["state"].encode()
        oid, topic = e["originator_id"].encode(), e["topic"].encode()
        head = struct.pack(">QHQII", e["position"], len(oid), e["version"], len(topic), len(state))
        prev = hashlib.sha256(prev + head + oid + topic + state).digest()
    print(prev.hex())

## Files

- `events.jsonl` — the stored events, in ledger order
- `chain.jsonl` — the chain link kept by the ledger at each position
- `digest.json` — position and digest of the last event
- `policies.json`, `policies/` — the policy versions in force, and their files
- `trial_balance.json` — the trial balance at the time of the bundle
- `manifest.json` — SHA-256 of every file above
"""


def export_bundle(ledger: Any, out: Path, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    from qdledger import __version__
    from qdledger.policy.loader import policy_book
    from qdledger.reports import trial_balance

    digest = current_digest(ledger)
    files: dict[str, bytes] = {}
    store = event_store(ledger)
    try:
        events = io.StringIO()
        count = 0
        for page in store.pages(0, digest.position):
            for row in page:
                events.write(json.dumps(_row_json(row), ensure_ascii=False) + "\n")
            count += len(page)
            if progress:
                progress(len(page))
        chain = "".join(json.dumps({"position": p, "link": h.hex()}) + "\n"
                        for page in store.links() for p, h in page if p <= digest.position)
    finally:
        store.close()
    files["events.jsonl"] = events.getvalue().encode()
    files["chain.jsonl"] = chain.encode()
    made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    files["digest.json"] = _json({**digest.as_dict(), "events": count, "made_at": made_at})
    book = policy_book()
    versions = [{"id": v.program.id, "version": v.version, "file": f"policies/{v.file}",
                 "valid_from": v.program.valid_from.isoformat(),
                 "valid_to": v.program.valid_to.isoformat() if v.program.valid_to else None}
                for vs in book.versions.values() for v in vs]
    files["policies.json"] = _json({"policies": versions})
    for version in versions:
        files[version["file"]] = (book.root / "programs" / Path(version["file"]).name).read_bytes()
    files["trial_balance.json"] = _json(trial_balance(ledger))
    files["README.md"] = README.format(version=__version__, made_at=made_at, position=digest.position,
                                       digest=digest.digest, name=Path(out).name).encode()
    files["manifest.json"] = _json({name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())})
    _write(files, Path(out))
    return {"bundle": str(out), **digest.as_dict(), "events": count, "files": sorted(files)}


def _row_json(row: Row) -> dict[str, Any]:
    position, oid, version, topic, state = row
    body: dict[str, Any] = {"position": position, "originator_id": oid, "version": version, "topic": topic}
    try:
        text = state.decode("utf-8")
        if text.encode("utf-8") != state:
            raise UnicodeError
        body["state"] = text
    except UnicodeError:
        body["state_base64"] = base64.b64encode(state).decode()
    return body


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _write(files: dict[str, bytes], out: Path) -> None:
    if out.suffix == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return
    if out.exists() and any(out.iterdir()):
        raise BadInput(Text(f"目录 {out} 不为空", f"folder {out} is not empty"), field="out")
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class Bundle:
    """Reads a bundle folder or zip."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise BadInput(Text(f"审计包不存在：{path}", f"no bundle at {path}"), field="bundle")
        self.archive = zipfile.ZipFile(self.path) if self.path.is_file() else None

    def read(self, name: str) -> bytes:
        try:
            if self.archive is not None:
                return self.archive.read(name)
            return (self.path / name).read_bytes()
        except (KeyError, FileNotFoundError):
            raise BadInput(Text(f"审计包缺少 {name}", f"the bundle has no {name}"), field="bundle") from None

    def rows(self) -> Iterator[list[Row]]:
        page: list[Row] = []
        for line in self.read("events.jsonl").decode("utf-8").splitlines():
            e = json.loads(line)
            state = base64.b64decode(e["state_base64"]) if "state_base64" in e else e["state"].encode("utf-8")
            page.append((e["position"], e["originator_id"], e["version"], e["topic"], state))
            if len(page) == 10_000:
                yield page
                page = []
        if page:
            yield page

    def links(self) -> Iterator[Link]:
        for line in self.read("chain.jsonl").decode("utf-8").splitlines():
            e = json.loads(line)
            yield e["position"], bytes.fromhex(e["link"])

    def digest(self) -> tuple[int, str]:
        d = json.loads(self.read("digest.json"))
        return d["position"], d["digest"]

    def count(self) -> int:
        return json.loads(self.read("digest.json")).get("events") or 0


def verify_bundle(path: Path, digest: tuple[int | None, str] | None = None, quick: bool = False,
                  progress_factory: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Verify a bundle as ``verify`` does a ledger; without ``digest``, against the bundle's own."""
    from qdledger.audit.decode import Decoder
    from qdledger.audit.verify import verify_rows
    from qdledger.ledger.storage import open_ledger

    bundle = Bundle(path)
    own = bundle.digest()
    offline = open_ledger(":memory:")  # only its mapper is used: the transcodings events were stored with
    try:
        with (progress_factory("verify", bundle.count()) if progress_factory else nullcontext()) as advance:
            report = verify_rows(bundle.rows(), bundle.links(), None if quick else Decoder(offline),
                                 digest or own, advance)
    finally:
        offline.close()
    for problem in check_manifest(bundle):
        report.add(problem)
    return {**report.as_dict(), "bundle": str(path), "bundle_digest": f"{own[0]}:{own[1]}"}


def check_manifest(bundle: Bundle) -> Iterator[Any]:
    """The files beside the events (policies, trial balance …) are as they were written."""
    from qdledger.audit.checks import Problem

    for name, expected in json.loads(bundle.read("manifest.json")).items():
        if hashlib.sha256(bundle.read(name)).hexdigest() != expected:
            yield Problem("manifest", Text(f"审计包文件 {name} 已被改动", f"bundle file {name} was changed"), None, name)
