"""`pip install .` (not editable): the installed package translates a page outside the checkout with the
glossary it ships, and carries its templates and data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT, SEED

KEEP_OUT = shutil.ignore_patterns(".venv", ".git", "output", "build", "dist", "*.egg-info", "__pycache__",
                                  ".pytest_cache", ".hypothesis", "tests", "bench")


@pytest.mark.slow
def test_installed_wheel_translates_outside_the_checkout(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=KEEP_OUT)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("bilingual-*.whl")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    shutil.rmtree(source)  # nothing of a checkout is left to fall back on

    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(SEED, work / "page.txt")
    script = ("import bilingual, sys; from bilingual.cli import main; "
              "print(bilingual.__file__, file=sys.stderr); "
              "sys.exit(main(['translate', 'page.txt', '--engine', 'gloss', '--no-cache', '--format', 'json,html']))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("BILINGUAL_GLOSSARY_DIR", None)
    result = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert str(site) in result.stderr  # the installed copy ran, not the checkout
    english = (work / "output" / "page" / "page.json").read_text(encoding="utf-8")
    assert "Secretary of the CPC Hengyang Municipal Committee" in english  # from the shipped glossary
    assert (work / "output" / "page" / "page.zh-en.html").stat().st_size > 10_000  # the templates shipped
