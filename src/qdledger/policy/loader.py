"""Load and validate ``policies/``: each program file, and the reference tables beside them."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from qdledger.errors import BadInput, RuleViolation, UnknownId
from qdledger.i18n import Text
from qdledger.policy.model import Program

M = TypeVar("M", bound=BaseModel)


class PolicyFileError(BadInput):
    """A policy file that cannot be used; says which file, which field and what is wrong."""

    code = "policy_file"


def policies_dir() -> Path:
    """``$QDLEDGER_POLICIES``, else the copy inside the installed package, else the source tree's."""
    override = os.environ.get("QDLEDGER_POLICIES")
    if override:
        return Path(override)
    return _shipped_policies()


@lru_cache(maxsize=1)
def _shipped_policies() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "policies"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "policies"


def read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyFileError(Text(f"策略文件 {path.name} 无法解析：{exc}", f"policy file {path.name} is not valid TOML: {exc}"),
                              file=path.name, field=None, problem=str(exc)) from None
    except OSError as exc:
        raise PolicyFileError(Text(f"策略文件 {path} 无法读取：{exc.strerror}", f"policy file {path} cannot be read: {exc.strerror}"),
                              file=path.name, field=None, problem=exc.strerror) from None


def load_model(path: Path, model: type[M]) -> M:
    """Validate one policy or reference file; a problem names the file, the field and what is wrong."""
    data = read_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where = ".".join(str(part) for part in first["loc"]) or "(file)"
        problem = first["msg"]
        more = Text(f"（另有 {len(errors) - 1} 处问题）", f" (and {len(errors) - 1} more)") if len(errors) > 1 else Text("", "")
        raise PolicyFileError(
            Text(f"策略文件 {path.name} 字段 {where}：{problem}{more.zh}", f"policy file {path.name}, field {where}: {problem}{more.en}"),
            file=path.name, field=where, problem=problem) from None


def load_program(path: Path) -> Program:
    """Validate one program file."""
    return load_model(path, Program)


@dataclass(frozen=True)
class ProgramVersion:
    program: Program
    file: str
    digest: str

    @property
    def version(self) -> str:
        """Stable name of this version: program id, start of window, content digest."""
        return f"{self.program.id}@{self.program.valid_from.isoformat()}#{self.digest}"


@dataclass
class PolicyBook:
    """Every program version, findable by id and business date."""

    versions: dict[str, list[ProgramVersion]] = field(default_factory=dict)
    root: Path | None = None

    def add(self, version: ProgramVersion) -> None:
        same = self.versions.setdefault(version.program.id, [])
        for other in same:
            if _overlap(other.program, version.program):
                problem = f"overlaps the validity window of {other.file} for {version.program.id}"
                raise PolicyFileError(Text(
                    f"策略文件 {version.file} 字段 valid_from/valid_to：与 {other.file} 的有效期重叠（{version.program.id}）",
                    f"policy file {version.file}, field valid_from/valid_to: {problem}"),
                    file=version.file, field="valid_from/valid_to", problem=problem)
        same.append(version)
        same.sort(key=lambda v: v.program.valid_from)

    def ids(self) -> list[str]:
        return sorted(self.versions)

    def latest(self, program_id: str) -> ProgramVersion:
        if program_id not in self.versions:
            raise UnknownId(Text(f"未知项目类别：{program_id}（用 qdledger policy list 查看）",
                                 f"unknown program {program_id} (see qdledger policy list)"), field="program")
        return self.versions[program_id][-1]

    def in_force(self, program_id: str, day: date) -> ProgramVersion:
        """The version whose window holds ``day``; refuse a date outside every window (D25)."""
        latest = self.latest(program_id)
        for version in self.versions[program_id]:
            if version.program.in_force(day):
                return version
        program = latest.program
        window = f"{program.valid_from}—{program.valid_to or '…'}"
        raise RuleViolation(
            f"{program_id}.validity", program.citation.short(),
            Text(f"{program.name_zh}在 {day} 不在有效期内（{window}）",
                 f"{program.name_en} is not in force on {day} (valid {window})"),
            valid_from=program.valid_from.isoformat(), valid_to=program.valid_to.isoformat() if program.valid_to else None,
            hint=Text(f"按有效期（{window}）内的业务日期记录，或先登记新版政策",
                      f"use a business date inside {window}, or add the new policy version"))

    def all_latest(self) -> list[ProgramVersion]:
        return [self.versions[i][-1] for i in self.ids()]


def _overlap(a: Program, b: Program) -> bool:
    a_end = a.valid_to or date.max
    b_end = b.valid_to or date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


def load_book(root: Path | None = None) -> PolicyBook:
    root = root or policies_dir()
    book = PolicyBook(root=root)
    for path in sorted((root / "programs").glob("*.toml")):
        program = load_program(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        book.add(ProgramVersion(program, path.name, digest))
    return book


@lru_cache(maxsize=4)
def _cached_book(root: str) -> PolicyBook:
    from qdledger.policy.cache import cached

    return cached(Path(root), load_book)


def policy_book() -> PolicyBook:
    """The policies in force for this process, loaded once."""
    return _cached_book(os.environ.get("QDLEDGER_POLICIES") or _shipped_policies_text())


@lru_cache(maxsize=1)
def _shipped_policies_text() -> str:
    return str(_shipped_policies())
