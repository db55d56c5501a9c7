"""Progress bars for a person at a terminal; nothing at all with --quiet, and no bar when output is piped."""

from __future__ import annotations

import os
import pty
import subprocess

import pytest

from conftest import QDLEDGER

REGISTER = ("enterprise", "register", "E001", "--name", "青岛海研科技有限公司", "--credit-code", "91370212MA3C5Y2K1H",
            "--district", "崂山区", "--date", "2025-01-02")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}


def _piped(ledger: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([QDLEDGER, "--ledger", ledger, *args], capture_output=True, text=True, env=_env(), timeout=120)


def _at_terminal(ledger: str, *args: str) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal, as a person would see it."""
    main, side = pty.openpty()
    done = subprocess.Popen([QDLEDGER, "--ledger", ledger, *args], stdin=side, stdout=side, stderr=side, env=_env())
    os.close(side)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    code = done.wait(timeout=120)
    os.close(main)
    return code, shown.decode("utf-8", "replace")


@pytest.fixture
def ledger_file(tmp_path) -> str:
    return str(tmp_path / "ledger.db")


def test_quiet_prints_nothing_for_a_successful_write_and_a_verify(ledger_file):
    for args in (REGISTER, ("verify",)):
        done = _piped(ledger_file, "--quiet", *args)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert _piped(ledger_file, "grant", "show", "G404").returncode == 2  # quiet or not, the exit code still tells


def test_quiet_prints_nothing_at_a_terminal_either(ledger_file):
    assert _at_terminal(ledger_file, "--quiet", *REGISTER) == (0, "")
    assert _at_terminal(ledger_file, "--quiet", "verify") == (0, "")


@pytest.mark.parametrize(("args", "label"), [(("verify",), "核验"), (("rebuild",), "重建查询库")])
def test_a_long_operation_shows_a_bar_at_a_terminal_and_none_when_piped(ledger_file, args, label):
    assert _piped(ledger_file, *REGISTER).returncode == 0
    code, shown = _at_terminal(ledger_file, *args)
    assert code == 0 and f"{label} " in shown and "2/2" in shown  # registration records the party and its name handle
    piped = _piped(ledger_file, *args)
    assert piped.returncode == 0 and piped.stderr == ""


def test_benchmark_data_generation_reports_progress_on_stderr_unless_quiet(tmp_path):
    import sys

    def generate(name: str, *flags: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qdledger.bench.generate", "--ledger", str(tmp_path / name),
                               "--events", "1000", *flags], capture_output=True, text=True, timeout=300)

    shown, quiet = generate("shown.db"), generate("quiet.db", "--quiet")
    assert shown.returncode == quiet.returncode == 0
    assert "/ ~" in shown.stderr and "events/s" in shown.stderr  # the bar: done / expected, and the rate
    assert quiet.stderr == "" and " events, " in quiet.stdout  # the summary is the result, not progress
