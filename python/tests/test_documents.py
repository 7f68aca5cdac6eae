"""Every function against the command line's `--format json`, on the files in data/ and the test
fixtures: the same bytes (``str(doc)``), the same parsed document, and for errors the same error
document and exit code."""

import json

import pytest
from conftest import REPO, assert_same_document

import upgrade_planner as up


def _glob(pattern: str):
    """Paths relative to the repository root (tests run from there)."""
    return sorted(str(p.relative_to(REPO)) for p in REPO.glob(pattern))


SEED = "data/seed-oceanbase-ce-4.2.1.1.yml"
MASTER = "data/oceanbase-master.yml"
RPM = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64"
RO = "tests/fixtures/rollout"

# (id, Python call, CLI arguments). The CLI's exit code may be 0 or 1 (lint findings, rollout steps
# left unscheduled): the Python function returns the document either way.
CASES = [
    ("plan-seed", lambda: up.plan(SEED, "4.0.0.0"), ["plan", "--deps", SEED, "--from", "4.0.0.0", "--to", "latest"]),
    ("plan-stops", lambda: up.plan(SEED, "4.0.0.0", "4.2.1.1", "stops"),
     ["plan", "--deps", SEED, "--from", "4.0.0.0", "--to", "4.2.1.1", "--objective", "stops"]),
    ("plan-build", lambda: up.plan(SEED, "4.1.0.0-100000192023032010.el7", "4.2.1.1"),
     ["plan", "--deps", SEED, "--from", "4.1.0.0-100000192023032010.el7", "--to", "4.2.1.1"]),
    ("plan-master", lambda: up.plan(MASTER, "4.2.1.1"), ["plan", "--deps", MASTER, "--from", "4.2.1.1", "--to", "latest"]),
    ("plan-ontap", lambda: up.plan("data/ontap-example.yml", "7.2.2.0.1000"),
     ["plan", "--deps", "data/ontap-example.yml", "--from", "7.2.2.0.1000", "--to", "latest"]),
    ("plan-package", lambda: up.plan(start="4.0.0.0", target=None, package=f"{RPM}.xz.rpm"),
     ["plan", "--package", f"{RPM}.xz.rpm", "--from", "4.0.0.0"]),
    ("targets", lambda: up.targets(SEED, "4.1.0.0"), ["targets", "--deps", SEED, "--from", "4.1.0.0"]),
    ("diff", lambda: up.diff("tests/fixtures/diff/old.yml", "tests/fixtures/diff/new.yml"),
     ["diff", "tests/fixtures/diff/old.yml", "tests/fixtures/diff/new.yml"]),
    ("graph", lambda: up.graph(SEED), ["graph", SEED]),
    ("graph-plan", lambda: up.graph(SEED, plan=("4.0.0.0", "latest")), ["graph", SEED, "--plan", "4.0.0.0", "latest"]),
    ("inspect-many", lambda: up.inspect(_glob("tests/fixtures/rpm/*.rpm")),
     ["inspect", *_glob("tests/fixtures/rpm/*.rpm")]),
    ("rollout-twelve", lambda: up.rollout(SEED, f"{RO}/twelve.yml", "4.3.0.0", window="4h"),
     ["rollout", "--deps", SEED, "--cluster", f"{RO}/twelve.yml", "--to", "4.3.0.0", "--window", "4h"]),
    ("rollout-windows", lambda: up.rollout(SEED, f"{RO}/twelve.yml", "4.3.0.0", windows=f"{RO}/windows.yml"),
     ["rollout", "--deps", SEED, "--cluster", f"{RO}/twelve.yml", "--to", "4.3.0.0", "--windows", f"{RO}/windows.yml"]),
    ("requests-pulp", lambda: up.rollout(SEED, f"{RO}/pair-endpoints.yml", "4.2.1.1", format="pulp",
                                         packages="tests/fixtures/rpm", endpoint_url="https://pulp.example"),
     ["rollout", "--deps", SEED, "--cluster", f"{RO}/pair-endpoints.yml", "--to", "4.2.1.1",
      "--packages", "tests/fixtures/rpm", "--format", "pulp", "--endpoint-url", "https://pulp.example"]),
    ("requests-redfish-hpe", lambda: up.rollout(SEED, f"{RO}/pair-endpoints.yml", "4.2.1.1", format="redfish-hpe",
                                                packages="tests/fixtures/rpm", image_base_url="https://repo.example/ob"),
     ["rollout", "--deps", SEED, "--cluster", f"{RO}/pair-endpoints.yml", "--to", "4.2.1.1",
      "--packages", "tests/fixtures/rpm", "--format", "redfish-hpe", "--image-base-url", "https://repo.example/ob"]),
]
CASES += [
    (f"inspect-{p.split('/')[-1]}", (lambda p=p: up.inspect(p)), ["inspect", p])
    for p in _glob("tests/fixtures/rpm/*.rpm")
]
CASES += [
    (f"lint-{p.split('/')[-1]}", (lambda p=p: up.lint(p)), ["lint", p])
    for p in _glob("tests/fixtures/lint/*.yml") + [SEED, MASTER]
]
CASES += [
    (f"npm-{p.split('/')[-1]}", (lambda p=p: up.npm(p)), ["npm", p])
    for p in _glob("tests/fixtures/npm/valid/*.txt")
]
VALID_NPM = _glob("tests/fixtures/npm/valid/*.txt")
CASES += [
    ("npm-check", lambda: up.npm_check(VALID_NPM[0], VALID_NPM[1]),
     ["npm", "check", "--installed", VALID_NPM[0], "--package", VALID_NPM[1]]),
    ("lint-sarif", lambda: up.lint([SEED, "tests/fixtures/lint/cycle.yml"], format="sarif"),
     ["lint", SEED, "tests/fixtures/lint/cycle.yml", "--format", "sarif"]),
]


@pytest.mark.parametrize("call,args", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_same_document_as_the_cli(cli, call, args):
    assert_same_document(cli, call, args)


def test_print_gives_the_cli_document(cli, capsys):
    """The issue's "done when": print(up.plan(...)) prints the CLI's document."""
    print(up.plan(SEED, "4.0.0.0"))
    text, _, code = cli.json("plan", "--deps", SEED, "--from", "4.0.0.0", "--to", "latest", "--format", "json")
    assert code == 0
    assert capsys.readouterr().out == text + "\n"


def test_deps_as_text_or_bytes_or_pathlike(cli):
    import pathlib

    by_path = up.plan(SEED, "4.0.0.0")
    content = open(SEED, encoding="utf-8").read()
    assert up.plan(content, "4.0.0.0") == by_path
    assert up.plan(content.encode(), "4.0.0.0") == by_path
    assert up.plan(pathlib.Path(SEED), "4.0.0.0") == by_path
    # `--deps -` (standard input) gives the CLI the same document as text gives Python
    done = cli.run("plan", "--deps", "-", "--from", "4.0.0.0", "--to", "latest", "--format", "json", stdin=content.encode())
    assert done.returncode == 0
    assert done.stdout.decode() == str(by_path) + "\n"


def test_extract_same_bytes_as_the_cli(cli):
    for compression in ("xz", "zstd", "gzip", "bzip2", "none"):
        package = f"{RPM}.{compression}.rpm"
        done = cli.run("extract", package)
        assert done.returncode == 0
        assert up.extract(package) == done.stdout
    assert up.extract(f"{RPM}.xz.rpm") == open(SEED, "rb").read()
    done = cli.run("extract", f"{RPM}.xz.rpm", "--file", "/home/admin/oceanbase/bin/observer")
    assert up.extract(f"{RPM}.xz.rpm", "/home/admin/oceanbase/bin/observer") == done.stdout


def test_documents_are_plain_json(cli):
    doc = up.rollout(SEED, f"{RO}/twelve.yml", "4.3.0.0")
    assert json.loads(json.dumps(doc)) == doc
    assert isinstance(doc, dict) and isinstance(doc, up.Document)
    many = up.inspect([f"{RPM}.xz.rpm", f"{RPM}.gzip.rpm"])
    assert isinstance(many, list) and len(many) == 2
