"""The built wheel carries the policies, so the installed command works outside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_the_policies_and_works_outside_the_repository(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = next((tmp_path / "dist").glob("qdledger-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [f"qdledger/policies/programs/{p.name}" for p in (ROOT / "policies" / "programs").glob("*.toml")]
    assert shipped and set(shipped) <= names, sorted(n for n in names if "policies" in n)
    assert "qdledger/policies/reference/lpr.toml" in names
    assert "qdledger_cli/main.py" in names
    assert not any(n.startswith(("tests/", "docs/")) for n in names)

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")} | {"PYTHONPATH": str(site)}
    script = ("import json, sys; from qdledger.policy.loader import policies_dir; print(policies_dir()); "
              "sys.argv = ['qdledger', 'policy', 'list', '--json']; from qdledger_cli.main import run; run()")
    done = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    where, listing = done.stdout.split("\n", 1)
    assert Path(where).is_relative_to(site), where
    ids = {p["id"] for p in json.loads(listing)["policies"]}
    assert {"sci_demo_project", "key_tech_project"} <= ids
