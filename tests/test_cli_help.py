"""Help a person can read: Chinese by default, English on request, an example on every command that runs."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections import defaultdict

import pytest

from conftest import QDLEDGER
from qdledger_cli import help_zh
from qdledger_cli.help_lang import example, help_language, param_key


def _commands():
    """Every command (groups too) with its path below qdledger and its parameters, --help included."""
    import typer.main

    from qdledger_cli.main import app
    from qdledger_cli.reference import _walk

    root = typer.main.get_command(app)
    ctx = root.make_context("qdledger", [], resilient_parsing=True)
    return [(" ".join(path), command, command.get_params(ctx)) for path, command in _walk(root, [])]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    return subprocess.run([QDLEDGER, *args], capture_output=True, text=True, env={**clean, **env}, timeout=60)


def test_every_command_has_chinese_help_and_every_entry_names_a_real_command():
    paths = {path for path, _, _ in _commands()}
    assert paths - set(help_zh.COMMANDS) == set(), "commands without Chinese help"
    assert set(help_zh.COMMANDS) - paths == set(), "Chinese help for commands that do not exist"


def test_every_option_has_chinese_help_and_every_entry_names_a_real_option():
    unused_per_command = {(path, key) for path, keys in help_zh.PER_COMMAND.items() for key in keys}
    english_of_shared = defaultdict(set)
    for path, _, params in _commands():
        specific = help_zh.PER_COMMAND.get(path, {})
        for param in params:
            key = param_key(param)
            unused_per_command.discard((path, key))
            if key in specific:
                continue
            assert key in help_zh.OPTIONS, f"no Chinese help for {path or 'qdledger'} {key}"
            english_of_shared[key].add(param.help)
    assert unused_per_command == set(), "Chinese help for options that do not exist"
    assert set(help_zh.OPTIONS) - set(english_of_shared) == set(), "shared Chinese help no option uses"
    differing = {key: helps for key, helps in english_of_shared.items() if len(helps) > 1}
    assert differing == {}, "one Chinese text for options whose English help differs: give each its own entry"


def test_every_command_has_an_example_whose_command_and_options_exist():
    commands = {path: (command, params) for path, command, params in _commands()}
    for path, (command, _) in commands.items():
        shown = example(command.help or "")
        assert shown and shown.startswith("qdledger "), f"no example for {path or 'qdledger'}"
        words, where = shlex.split(shown)[1:], ""
        while words and f"{where} {words[0]}".strip() in commands:
            where = f"{where} {words.pop(0)}".strip()
        runs = not hasattr(commands[where][0], "commands")
        assert runs and where.startswith(path), f"{path}: the example {shown!r} runs no command of its own"
        known = {o for p in commands[where][1] + commands[""][1] for o in p.opts}
        unknown = [w for w in words if w.startswith("-") and w.split("=")[0] not in known]
        assert unknown == [], f"{path}: the example {shown!r} uses options {where} does not have"


@pytest.mark.parametrize(("argv", "env", "lang"), [
    ([], {}, "zh"), (["--lang", "en"], {}, "en"), (["--lang=en"], {}, "en"), ([], {"QDLEDGER_LANG": "en"}, "en"),
    (["--lang", "zh"], {"QDLEDGER_LANG": "en"}, "zh"), (["grant", "show", "--", "--lang", "en"], {}, "zh")])
def test_the_help_language_is_read_before_the_command_line_is_parsed(argv, env, lang):
    assert help_language(argv, env) == lang


def test_help_is_chinese_by_default_and_english_on_request():
    chinese = _run("grant", "award", "--help")
    assert chinese.returncode == 0
    assert "在项目类别的单项上限内立项资助。" in chinese.stdout
    assert "示例：qdledger grant award G1 --enterprise E001" in chinese.stdout
    assert "承担单位编号" in chinese.stdout and "Id of the party receiving the grant" not in chinese.stdout
    assert chinese.stdout.startswith("用法：qdledger grant award") and "\n选项：\n" in chinese.stdout
    assert "--date <str>             业务日期 YYYY-MM-DD  [必填]" in chinese.stdout
    for english in (_run("--lang", "en", "grant", "award", "--help"), _run("grant", "award", "--help", QDLEDGER_LANG="en")):
        assert "Award a grant within the program's project cap" in english.stdout
        assert "Id of the party receiving the grant" in english.stdout and "承担单位编号" not in english.stdout
        assert english.stdout.startswith("Usage: qdledger grant award") and "[required]" in english.stdout


def test_a_group_lists_its_commands_in_chinese():
    shown = _run("grant").stderr  # a group called without a command shows its help as a usage error
    assert "release     在已达阶段的累计拨付上限内拨付一笔资金。" in shown
    assert "示例：qdledger grant show G1" in shown


NO_DETECTION = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}  # name the shell instead of detecting it


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete -o default -F _qdledger_completion qdledger"),
                                               ("zsh", "#compdef qdledger")])
def test_shell_completion_scripts_are_printed_for_bash_and_zsh(shell, marker):
    done = _run("--show-completion", shell, **NO_DETECTION)
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout and "_QDLEDGER_COMPLETE" in done.stdout


def test_one_command_installs_completion_and_the_shell_then_completes_commands(tmp_path):
    done = _run("--install-completion", "bash", HOME=str(tmp_path), **NO_DETECTION)
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "qdledger.sh"
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    completed = _run(_QDLEDGER_COMPLETE="complete_bash", COMP_WORDS="qdledger gr", COMP_CWORD="1")
    assert completed.stdout.split() == ["grant"]


def test_version_prints_the_package_version():
    from qdledger import __version__

    done = _run("--version")
    assert (done.returncode, done.stdout) == (0, f"qdledger {__version__}\n")


def test_help_made_twice_in_one_process_is_the_same(monkeypatch):
    import typer.main

    from qdledger_cli import help_lang
    from qdledger_cli.main import app

    monkeypatch.setattr(help_lang, "_chinese", True)
    help_lang._install()
    root = typer.main.get_command(app)
    ctx = root.make_context("qdledger", ["grant"], resilient_parsing=True)
    grant = root.get_command(ctx, "grant")
    sub = grant.make_context("grant", [], parent=ctx, resilient_parsing=True)
    first, second = sub.get_help(), sub.get_help()
    assert first == second and "示例：qdledger grant show G1" in first


@pytest.mark.parametrize("args, chinese, english", [
    (("grant", "release", "G1", "--date", "2025-01-01"), "错误：缺少选项 '--amount'。", "Error: Missing option '--amount'."),
    (("grant", "relase"), "错误：没有命令 'relase'。是否想用 'release'？",
     "Error: No such command 'relase'. Did you mean 'release'?"),
    (("grant", "release", "G1", "--amont", "5"), "错误：没有选项 --amont（可能的选项：--amount",
     "Error: No such option: --amont (Possible options: --amount"),
])
def test_a_command_line_that_does_not_parse_is_explained_in_the_runs_language(args, chinese, english):
    zh, en = _run(*args), _run("--lang", "en", *args)
    assert (zh.returncode, en.returncode) == (2, 2)
    assert zh.stderr.startswith("用法：qdledger grant") and "查看帮助。" in zh.stderr and chinese in zh.stderr
    assert en.stderr.startswith("Usage: qdledger grant") and english in en.stderr
    assert zh.stdout == en.stdout == ""


def test_a_usage_error_under_json_is_one_object_in_chinese():
    import json

    done = _run("grant", "release", "G1", "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["message"] == "缺少选项 '--amount'。"
