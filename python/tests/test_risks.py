"""Known risks (issue 17) from Python: ``risks=``, ``facts=``, ``accept_risk=`` (and the other
commands' risk options) give the same documents and error documents as the command line's
``--risks``, ``--facts``, ``--accept-risk`` with ``--format json``."""

import pytest
from conftest import assert_same_document

import upgrade_planner as up

EX = "data/risks-example"
DEPS = f"{EX}/deps.yml"
RISKS = f"{EX}/risks"
FACTS = f"{EX}/facts.yml"
PURGE = "PurgeRebuildCorruption"

CASES = [
    ("plan-avoids", lambda: up.plan(DEPS, "4.2.1.1", "4.3.0.0", risks=RISKS),
     ["plan", "--deps", DEPS, "--from", "4.2.1.1", "--to", "4.3.0.0", "--risks", RISKS]),
    ("plan-facts", lambda: up.plan(DEPS, "4.2.1.0", "4.3.0.0", risks=RISKS, facts=FACTS),
     ["plan", "--deps", DEPS, "--from", "4.2.1.0", "--to", "4.3.0.0", "--risks", RISKS, "--facts", FACTS]),
    ("plan-accepted", lambda: up.plan(DEPS, "4.2.1.0", "4.3.0.0", risks=RISKS, accept_risk=[PURGE]),
     ["plan", "--deps", DEPS, "--from", "4.2.1.0", "--to", "4.3.0.0", "--risks", RISKS, "--accept-risk", PURGE]),
    ("plan-latest", lambda: up.plan(DEPS, "4.2.1.1", risks=RISKS),
     ["plan", "--deps", DEPS, "--from", "4.2.1.1", "--to", "latest", "--risks", RISKS]),
    ("targets", lambda: up.targets(DEPS, "4.2.1.0", risks=RISKS),
     ["targets", "--deps", DEPS, "--from", "4.2.1.0", "--risks", RISKS]),
    ("targets-all", lambda: up.targets(DEPS, "4.2.1.0", risks=RISKS, include_not_recommended=True),
     ["targets", "--deps", DEPS, "--from", "4.2.1.0", "--risks", RISKS, "--include-not-recommended"]),
    ("graph", lambda: up.graph(DEPS, risks=RISKS, plan=("4.2.1.1", "latest")),
     ["graph", DEPS, "--risks", RISKS, "--plan", "4.2.1.1", "latest", "--format", "json"]),
    ("graph-cincinnati", lambda: up.graph(DEPS, risks=RISKS, format="cincinnati"),
     ["graph", DEPS, "--risks", RISKS, "--format", "cincinnati"]),
    ("diff", lambda: up.diff(DEPS, DEPS, risks_new=RISKS),
     ["diff", DEPS, DEPS, "--risks-new", RISKS, "--format", "json"]),
    ("lint", lambda: up.lint(DEPS, risks=f"{EX}/broken-risks.yml"),
     ["lint", DEPS, "--risks", f"{EX}/broken-risks.yml", "--format", "json"]),
    ("rollout", lambda: up.rollout(DEPS, f"{EX}/cluster.yml", "4.3.0.0", risks=RISKS, accept_risk=[PURGE]),
     ["rollout", "--deps", DEPS, "--cluster", f"{EX}/cluster.yml", "--to", "4.3.0.0", "--risks", RISKS,
      "--accept-risk", PURGE, "--format", "json"]),
]


@pytest.mark.parametrize("call,args", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_same_document_as_the_cli(cli, call, args):
    assert_same_document(cli, call, args)


def test_risks_change_the_route():
    """The risks are applied, not ignored: the plan differs from the one without them."""
    plain = up.plan(DEPS, "4.2.1.1", "4.3.0.0")
    risky = up.plan(DEPS, "4.2.1.1", "4.3.0.0", risks=RISKS)
    assert plain["path"] != risky["path"]
    assert risky["path"] == ["4.2.1.1", "4.2.1.2", "4.3.0.0"]


def test_risks_as_text_give_the_same_document():
    text = open(f"{RISKS}/purge-rebuild-corruption.yml", encoding="utf-8").read()
    by_path = up.plan(DEPS, "4.2.1.0", "4.3.0.0", risks=f"{RISKS}/purge-rebuild-corruption.yml", facts=FACTS)
    assert up.plan(DEPS, "4.2.1.0", "4.3.0.0", risks=text, facts=open(FACTS, encoding="utf-8").read()) == by_path


@pytest.mark.parametrize(
    "kwargs,args,kind,cls",
    [
        ({"risks": RISKS}, ["--risks", RISKS], "not_recommended", up.RouteError),
        ({"risks": RISKS, "accept_risk": ["NoSuchRisk"]}, ["--risks", RISKS, "--accept-risk", "NoSuchRisk"],
         "unknown_risk", up.RisksError),
        ({"risks": f"{EX}/broken-risks.yml"}, ["--risks", f"{EX}/broken-risks.yml"], "invalid_risks", up.RisksError),
        ({"risks": RISKS, "facts": DEPS}, ["--risks", RISKS, "--facts", DEPS], "invalid_facts", up.RisksError),
    ],
    ids=["not_recommended", "unknown_risk", "invalid_risks", "invalid_facts"],
)
def test_same_error_document_as_the_cli(cli, kwargs, args, kind, cls):
    text, parsed, code = cli.json("plan", "--deps", DEPS, "--from", "4.2.1.0", "--to", "4.3.0.0", *args,
                                  "--format", "json")
    assert parsed["error"]["kind"] == kind
    with pytest.raises(cls) as caught:
        up.plan(DEPS, "4.2.1.0", "4.3.0.0", **kwargs)
    assert caught.value.kind == kind
    assert caught.value.document == parsed
    assert caught.value.exit_code == code
