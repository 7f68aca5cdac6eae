"""Shared fixtures: the repository root (tests run from it, as the README's examples do) and the
command-line binary the documents are compared with."""

import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def _binary() -> pathlib.Path:
    given = os.environ.get("UPGRADE_PLANNER_BIN")
    path = pathlib.Path(given) if given else REPO / "target" / "release" / "upgrade-planner"
    if not path.is_file():
        pytest.fail(
            f"the upgrade-planner binary is missing at {path}: build it with "
            "`cargo build --release` (or set UPGRADE_PLANNER_BIN)"
        )
    return path


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    """Every test runs from the repository root, so relative paths are the README's."""
    monkeypatch.chdir(REPO)


class Cli:
    """Runs the real binary: `json(*args)` returns (stdout text, parsed document, exit code)."""

    def __init__(self, path: pathlib.Path):
        self.path = path

    def run(self, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.path), *args],
            cwd=REPO,
            input=stdin,
            capture_output=True,
            env={**os.environ, "NO_COLOR": "1"},
        )

    def json(self, *args: str):
        done = self.run(*args)
        text = done.stdout.decode()
        assert text.endswith("\n"), f"{args}: no JSON on stdout: {done.stderr.decode()}"
        return text[:-1], json.loads(text), done.returncode


def assert_same_document(cli: Cli, call, args) -> None:
    """`call()` gives the document `upgrade-planner ARGS --format json` writes (exit 0 or 1: lint
    findings, rollout steps left unscheduled), parsed and as bytes."""
    if "--format" not in args:
        args = [*args, "--format", "json"]
    text, parsed, code = cli.json(*args)
    assert code in (0, 1), f"the CLI failed: {text}"
    doc = call()
    assert doc == parsed
    assert str(doc) == text
    assert "error" not in parsed


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(_binary())
