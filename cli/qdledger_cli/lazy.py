"""Commands imported only when used: one run pays for the one command it invokes, not for all of them.

The top-level group holds a table of ``Entry`` rows (name, where the command lives, its help's first
paragraph). ``qdledger --help`` lists the commands from that table without importing them; invoking
``qdledger grant …`` imports ``qdledger_cli.commands.grant`` alone. Code that walks the whole tree
(the CLI reference, the tests) sees every command: reading ``group.commands[name]`` imports it.
A test keeps each row's help equal to the real command's.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperGroup

try:  # typer ships its own copy of click; older releases use click itself
    from typer._click.utils import make_default_short_help
except ImportError:  # pragma: no cover
    from click.utils import make_default_short_help


@dataclass(frozen=True)
class Entry:
    """One top-level command: its name, ``module:attribute`` (a ``Typer`` group or a function), its help."""

    name: str
    target: str
    help: str

    def load(self) -> Any:
        module, _, attribute = self.target.partition(":")
        return getattr(import_module(module), attribute)


class LazyCommands(MutableMapping):
    """The group's commands: names known up front, each command built the first time it is read."""

    def __init__(self, entries: tuple[Entry, ...], build: Any, loaded: MutableMapping | None = None) -> None:
        self.entries = {entry.name: entry for entry in entries}
        self.build = build
        self.loaded: dict[str, Any] = dict(loaded or {})

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in self.entries:
                raise KeyError(name)
            self.loaded[name] = self.build(self.entries[name])
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.entries.pop(name, None)
        self.loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.entries or name in self.loaded

    def __iter__(self) -> Iterator[str]:
        yield from self.entries
        yield from (name for name in self.loaded if name not in self.entries)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def peek(self, name: str) -> Any:
        """The command if already built, else a stand-in carrying its name and help (for listings)."""
        if name in self.loaded or name not in self.entries:
            return self.loaded.get(name)
        return Listed(self.entries[name].help)


@dataclass(frozen=True)
class Listed:
    """What the help listing needs of a command not yet imported: its help, shortened as click does."""

    help: str
    hidden: bool = False

    def get_short_help_str(self, limit: int = 45) -> str:
        return make_default_short_help(self.help, limit).strip()


class LazyGroup(TyperGroup):
    """A ``TyperGroup`` whose ``ENTRIES`` are imported on first use; see ``lazy_group``."""

    ENTRIES: tuple[Entry, ...] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.ENTRIES, self._build, self.commands)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names alone: nothing imported

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing:
            return self.commands.peek(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List the commands from the table, importing none of them."""
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def _build(self, entry: Entry) -> Any:
        """The click command typer would have built had the entry been registered up front."""
        holder = typer.Typer(rich_markup_mode=self.rich_markup_mode, suggest_commands=self.suggest_commands)
        holder.callback()(_nothing)
        target = entry.load()
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=entry.name)
        else:
            holder.command(entry.name)(target)
        return typer.main.get_group(holder).commands[entry.name]


def _nothing() -> None:
    """The holder's callback: it makes typer build a group, from which one command is taken."""


def lazy_group(entries: tuple[Entry, ...]) -> type[LazyGroup]:
    """A group class (for ``typer.Typer(cls=…)``) holding these entries."""
    return type("QdledgerGroup", (LazyGroup,), {"ENTRIES": entries})
