"""Every error class: the exception carries the CLI's error document (`details` is its `error`
object), its kind, message and exit code, and the class says which family it is."""

import pytest

import upgrade_planner as up

SEED = "data/seed-oceanbase-ce-4.2.1.1.yml"
RO = "tests/fixtures/rollout"
NOYAML = "tests/fixtures/rpm/obproxy-ce-4.2.0.0-5.el8.x86_64.rpm"

# (id, Python call, CLI arguments, class, kind, exit code)
ERRORS = [
    ("unknown-start", lambda: up.plan(SEED, "3.9.0.0"), ["plan", "--deps", SEED, "--from", "3.9.0.0", "--to", "latest"],
     up.RouteError, "unknown_start", 1),
    ("did-you-mean-latest", lambda: up.plan(SEED, "4.0.0.0", "latst"), ["plan", "--deps", SEED, "--from", "4.0.0.0", "--to", "latst"],
     up.RouteError, "unknown_target", 1),
    ("did-you-mean-no-v", lambda: up.plan(SEED, "v4.0.0.0"), ["plan", "--deps", SEED, "--from", "v4.0.0.0", "--to", "latest"],
     up.RouteError, "unknown_start", 1),
    ("subset-order", lambda: up.rollout(SEED, f"{RO}/twelve.yml", "4.3.0.0", only=["node-01", "node-02"]),
     ["rollout", "--deps", SEED, "--cluster", f"{RO}/twelve.yml", "--to", "4.3.0.0", "--only", "node-01,node-02"],
     up.RouteError, "subset_order", 1),
    ("invalid-document", lambda: up.plan("tests/fixtures/lint/yaml-syntax.yml", "1.0"),
     ["plan", "--deps", "tests/fixtures/lint/yaml-syntax.yml", "--from", "1.0", "--to", "latest"],
     up.InvalidDocumentError, "invalid_document", 2),
    ("missing-file", lambda: up.targets("no/such/file.yml", "1.0"), ["targets", "--deps", "no/such/file.yml", "--from", "1.0"],
     up.InvalidDocumentError, "invalid_document", 2),
    ("no-upgrade-deps", lambda: up.plan(start="4.0.0.0", target=None, package=NOYAML),
     ["plan", "--package", NOYAML, "--from", "4.0.0.0"], up.PackageError, "no_upgrade_deps", 1),
    ("not-rpm", lambda: up.inspect(SEED), ["inspect", SEED], up.PackageError, "not_rpm", 2),
    ("npm-invalid", lambda: up.npm("tests/fixtures/npm/invalid/t03-missing-pkg-type.txt"),
     ["npm", "tests/fixtures/npm/invalid/t03-missing-pkg-type.txt"], up.MetadataError, None, 1),
    ("invalid-inventory", lambda: up.rollout(SEED, f"{RO}/invalid/duplicate-name.yml", "4.3.0.0"),
     ["rollout", "--deps", SEED, "--cluster", f"{RO}/invalid/duplicate-name.yml", "--to", "4.3.0.0"],
     up.InventoryError, "invalid_inventory", 2),
    ("invalid-windows", lambda: up.rollout(SEED, f"{RO}/twelve.yml", "4.3.0.0", windows=f"{RO}/windows-overlap.yml"),
     ["rollout", "--deps", SEED, "--cluster", f"{RO}/twelve.yml", "--to", "4.3.0.0", "--windows", f"{RO}/windows-overlap.yml"],
     up.InventoryError, "invalid_windows", 2),
]


@pytest.mark.parametrize("call,args,cls,kind,exit_code", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error_document_as_the_cli(cli, call, args, cls, kind, exit_code):
    _, parsed, code = cli.json(*args, "--format", "json")
    assert code == exit_code
    with pytest.raises(cls) as caught:
        call()
    e = caught.value
    assert isinstance(e, up.UpgradePlannerError)
    assert e.document == parsed
    assert e.details == parsed["error"]
    assert e.kind == parsed["error"]["kind"]
    if kind is not None:
        assert e.kind == kind
    assert e.message == parsed["error"]["message"]
    assert e.message in str(e)
    assert e.exit_code == exit_code
    assert e.refused == (exit_code == up.EXIT_REFUSED)
    assert e.schema == parsed["schema"]


def test_suggestions_are_in_the_details():
    with pytest.raises(up.RouteError) as caught:
        up.plan(SEED, "4.0.0.0", "latst")
    assert caught.value.details["did_you_mean"] == "latest"
    assert "did you mean `latest`?" in caught.value.message
    with pytest.raises(up.RouteError) as caught:
        up.plan(SEED, "v4.0.0.0")
    assert caught.value.details["did_you_mean"] == "4.0.0.0"


@pytest.mark.parametrize(
    "call",
    [
        lambda: up.plan(SEED, "4.0.0.0", objective="fastest"),
        lambda: up.plan(SEED),
        lambda: up.plan(SEED, "4.0.0.0", package=NOYAML),
        lambda: up.targets(42, "4.0.0.0"),
        lambda: up.lint(SEED, format="xml"),
        lambda: up.inspect([]),
        lambda: up.inspect(NOYAML, chunk_size=0),
        lambda: up.rollout(SEED, f"{RO}/twelve.yml", "4.3.0.0", format="yaml"),
        lambda: up.rollout(SEED, f"{RO}/twelve.yml", "4.3.0.0", window="4 fortnights"),
    ],
)
def test_usage_errors(call):
    with pytest.raises(up.UsageError) as caught:
        call()
    e = caught.value
    assert isinstance(e, ValueError)
    assert e.kind == "usage" and e.exit_code == up.EXIT_INVALID_INPUT and not e.refused
    assert e.details["kind"] == "usage" and e.message


def test_extract_refuses_a_missing_file():
    with pytest.raises(up.PackageError) as caught:
        up.extract("tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm", "/no/such/file")
    assert caught.value.kind == "file_not_found"
    assert caught.value.refused
