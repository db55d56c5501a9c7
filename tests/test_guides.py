"""Every guide in docs/guides/ is a session transcript; replaying it must print what it shows.

A transcript is a ```console block: lines starting with ``$ qdledger`` are commands, the lines
after them are the expected output (stdout and stderr together), and a last line ``[exit N]``
states a non-zero exit code. Each guide runs on its own fresh ledger, in English or Chinese as
its first line ``<!-- lang: en -->`` says (Chinese by default).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from conftest import QDLEDGER

GUIDES = sorted((Path(__file__).resolve().parents[1] / "docs" / "guides").glob("*.md"))
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def transcript(path: Path) -> list[tuple[str, list[str], int]]:
    """(command, expected output lines, expected exit code) in the order the guide shows them."""
    steps: list[tuple[str, list[str], int]] = []
    for block in BLOCK.findall(path.read_text(encoding="utf-8")):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], [], 0))
            elif steps:
                command, output, _ = steps[-1]
                exit_mark = re.fullmatch(r"\[exit (\d+)\]", line.strip())
                if exit_mark:
                    steps[-1] = (command, output, int(exit_mark.group(1)))
                else:
                    output.append(line)
    return steps


def replay(path: Path, workdir: Path) -> list[str]:
    lang = "en" if "<!-- lang: en -->" in path.read_text(encoding="utf-8").splitlines()[0] else "zh"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    env.update(QDLEDGER_DB=str(workdir / "guide.db"), QDLEDGER_ACTOR="officer", QDLEDGER_LANG=lang,
               COLUMNS="120", NO_COLOR="1", TERM="dumb")
    mismatches = []
    for command, expected, code in transcript(path):
        argv = shlex.split(command)
        assert argv[0] == "qdledger", f"{path.name}: only qdledger commands are replayed: {command}"
        done = subprocess.run([QDLEDGER, *argv[1:]], capture_output=True, text=True, env=env, cwd=workdir, timeout=120)
        shown = [line.rstrip() for line in (done.stdout + done.stderr).rstrip("\n").splitlines()]
        wanted = [line.rstrip() for line in expected]
        while wanted and not wanted[-1]:
            wanted.pop()
        if shown != wanted or done.returncode != code:
            mismatches.append(f"$ {command}\n--- expected (exit {code})\n" + "\n".join(wanted)
                              + f"\n--- got (exit {done.returncode})\n" + "\n".join(shown))
    return mismatches


@pytest.mark.parametrize("guide", GUIDES, ids=[g.name for g in GUIDES])
def test_guide_transcript_replays(guide, tmp_path):
    assert transcript(guide), f"{guide.name} shows no commands"
    mismatches = replay(guide, tmp_path)
    assert not mismatches, "\n\n".join(mismatches)
