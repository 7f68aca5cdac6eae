"""Thread safety (several threads planning and inspecting at once give the answers one thread
gives), and the documentation's Python examples run as doctests (README.md, docs/python.md and the
module's docstrings)."""

import doctest
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import REPO

import upgrade_planner as up

SEED = "data/seed-oceanbase-ce-4.2.1.1.yml"
RPM = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm"
STARTS = ["4.0.0.0", "4.1.0.0", "4.1.0.2", "4.2.0.0", "4.2.1.0"]


def test_threads_plan_at_once():
    def work(i):
        start = STARTS[i % len(STARTS)]
        return start, up.plan(SEED, start), up.targets(SEED, start), up.inspect(RPM)

    alone = {s: (up.plan(SEED, s), up.targets(SEED, s)) for s in STARTS}
    record = up.inspect(RPM)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(40)))
    assert len(results) == 40
    for start, plan, targets, inspected in results:
        assert (plan, targets) == alone[start]
        assert str(plan) == str(alone[start][0])
        assert inspected == record


def test_threads_see_their_own_errors():
    def work(i):
        try:
            up.plan(SEED, "3.9.0.0" if i % 2 else "4.0.0.0")
            return "ok"
        except up.RouteError as e:
            return e.kind

    with ThreadPoolExecutor(max_workers=6) as pool:
        kinds = list(pool.map(work, range(30)))
    assert kinds == ["ok" if i % 2 == 0 else "unknown_start" for i in range(30)]


def _python_blocks(path):
    text = (REPO / path).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("path", ["README.md", "docs/python.md"])
def test_documentation_examples(path):
    blocks = _python_blocks(path)
    assert blocks, f"{path} has no ```python block"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    examples = 0
    for n, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"{path}[{n}]", path, 0)
        examples += len(test.examples)
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert examples > 0, f"{path}: no >>> examples"
    assert result.failed == 0, f"{path}: {result.failed} of {result.attempted} examples failed"


def test_docstring_examples():
    result = doctest.testmod(up, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10
    assert result.failed == 0
