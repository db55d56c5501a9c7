"""Who may record what: a roles file maps actors to roles, and roles to the commands they may run.

Without a roles file everyone may run every command (a single officer's own ledger). With one,
every write is checked before it is decided: an actor not in the file, or whose role does not
allow the command, is refused and nothing is written. Auditors (审计) may only read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from qdledger.errors import BadInput, NotPermitted
from qdledger.i18n import Text

CLERK = ("enterprise.register", "grant.release", "grant.midterm", "grant.acceptance", "recovery.*",
         "subsidy.*", "loan.*", "payment.*")


@dataclass(frozen=True)
class Role:
    """A role's name in both languages and the command names (shell patterns) it may run."""

    zh: str
    en: str
    allow: tuple[str, ...]

    def allows(self, command: str) -> bool:
        return any(fnmatchcase(command, pattern) for pattern in self.allow)


ROLES: dict[str, Role] = {
    "admin": Role("系统管理员", "administrator", ("*",)),
    "finance_clerk": Role("财务经办", "finance officer (preparer, 经办)", CLERK),
    "finance_reviewer": Role("财务复核", "finance officer (reviewer, 复核)",
                             CLERK + ("grant.award", "integrity.*", "lpr.*")),
    "investment_manager": Role("投资管理（受托管理机构）", "investment manager", ("equity.*", "enterprise.register")),
    "auditor": Role("审计", "auditor (read only)", ()),
}
"""The roles every ledger knows; a roles file may redefine them or add its own under [roles.NAME]."""

ALIASES = {"管理员": "admin", "系统管理员": "admin", "经办": "finance_clerk", "财务经办": "finance_clerk",
           "复核": "finance_reviewer", "财务复核": "finance_reviewer", "投资经理": "investment_manager",
           "受托管理机构": "investment_manager", "审计": "auditor"}


@dataclass(frozen=True)
class Access:
    """The actors of one roles file and the roles they hold."""

    source: str
    actors: dict[str, str]
    roles: dict[str, Role]

    def role_of(self, actor: str) -> Role:
        name = self.actors.get(actor)
        if name is None:
            raise NotPermitted(Text(f"操作员 {actor} 不在角色文件 {self.source} 中，不能记账；请管理员为其分配角色",
                                    f"actor {actor} is not listed in the roles file {self.source}; "
                                    f"an administrator must give them a role"),
                               actor=actor, role=None)
        return self.roles[name]

    def check(self, actor: str, command: str) -> None:
        """Refuse a command the actor's role does not allow."""
        role = self.role_of(actor)
        if role.allows(command):
            return
        name = self.actors[actor]
        allowed = ", ".join(role.allow) or Text("无（只读）", "nothing (read only)").render()
        raise NotPermitted(Text(f"操作员 {actor}（{role.zh}）无权执行 {command}；该角色可执行：{allowed}",
                                f"actor {actor} ({role.en}) may not run {command}; this role may run: {allowed}"),
                           actor=actor, role=name, command=command)


def load_access(path: str | Path) -> Access:
    """Read and check a roles file; a problem names the file and the entry."""
    path = Path(path)
    data = _read(path)
    roles = dict(ROLES)
    for name, body in (data.get("roles") or {}).items():
        allow = body.get("allow") if isinstance(body, dict) else None
        if not isinstance(allow, list) or not all(isinstance(p, str) for p in allow):
            raise _bad(path, f"[roles.{name}] 需要 allow = [\"命令\", …]", f"[roles.{name}] needs allow = [\"command\", …]")
        roles[name] = Role(str(body.get("zh", name)), str(body.get("en", name)), tuple(allow))
    actors: dict[str, str] = {}
    for actor, role in (data.get("actors") or {}).items():
        name = ALIASES.get(role, role) if isinstance(role, str) else None
        if name not in roles:
            raise _bad(path, f"操作员 {actor} 的角色 {role!r} 未定义（可用：{', '.join(roles)}）",
                       f"actor {actor} has unknown role {role!r} (known: {', '.join(roles)})")
        actors[actor] = name
    return Access(path.name, actors, roles)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _bad(path, "角色文件不存在", "roles file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad(path, f"无法读取：{exc}", f"cannot be read: {exc}") from None


def _bad(path: Path, zh: str, en: str) -> BadInput:
    return BadInput(Text(f"角色文件 {path.name}：{zh}", f"roles file {path.name}: {en}"), field="roles")
