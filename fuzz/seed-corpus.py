#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the test fixtures and data/ (run from anywhere).

Copies small fixture files under readable names (prefix = where they came from) and, for the RPM
targets, cuts the fixture packages apart: `rpm_header` gets each package's lead + headers (the
payload cut off) and two whole packages; `rpm_payload` gets each package's compressed payload (one
per compression). Existing corpus files are kept; files libFuzzer adds have hash names. Re-running
overwrites the seed files with the same bytes.
"""

import pathlib
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
MAX_SEED = 16 * 1024  # keep the corpus small: no seed file above 16 KiB


# Hand-written seeds for `yaml_fast`: each sits on an edge of the fast reader's subset (see
# src/yaml/fast.rs), in or just out of it.
YAML_EDGES = [
    "- version: 4.0.0.0\n  can_be_upgraded_to:\n  - 4.0.0.1\n  - '4.0.0.2'\n",
    "- version: 4.0.0.0\n  can_be_upgraded_to:\n    - 4.0.0.1\n  deprecated:\n",
    "- version: \"4.0\\\"x\"   # c\n  require_from_binary: {value: true, when_come_from: [4.0]}\n",
    "a:\n  b:\n    c: [x, [y, {z: w}], 'q''r']\nd: e # f\n",
    "- - a\n  - b\n- c: d\n  e:\n",
    "- v: 版本 # é\n  w: 'é'\n",
    "- a\n-\n- b\n",
    "a: b\n  c: d\n",
    "- a: |\n    x\n",
    "- &x a\n- *x\n",
    "a: b:c\nd: -1\n",
    "- [a, b,]\n- {a: b, c: d}\n",
    "- version: 4.0.0.0\r\n",
    "\t- a\n",
    "key: 'multi\n  line'\n",
    "---\n- a\n",
    "- a # c\n# d\n\n- b\n",
]


def put(target, name, data):
    if len(data) > MAX_SEED:
        return
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def copy_glob(target, prefix, pattern):
    for p in sorted(ROOT.glob(pattern)):
        if p.is_file() and p.name != "README.md":
            put(target, prefix + p.name, p.read_bytes())


def header_end(data, at):
    """End offset of the RPM header starting at `at` (16-byte intro, index, data store)."""
    magic, il, dl = data[at : at + 4], *struct.unpack(">II", data[at + 8 : at + 16])
    assert magic == b"\x8e\xad\xe8\x01", "not an RPM header"
    return at + 16 + 16 * il + dl


def payload_offset(data):
    sig_end = header_end(data, 96)  # the lead is 96 bytes
    main_at = (sig_end + 7) // 8 * 8  # the signature header is padded to 8
    return header_end(data, main_at)


def main():
    copy_glob("deps_plan", "", "data/*.yml")
    copy_glob("deps_plan", "", "tests/fixtures/plan/*.yml")
    copy_glob("lint", "lint-", "tests/fixtures/lint/*.yml")
    copy_glob("firmware", "firmware-", "tests/fixtures/firmware/*.json")
    copy_glob("lint", "lint-clean-", "tests/fixtures/lint/clean/*.yml")
    copy_glob("lint", "data-", "data/*.yml")
    copy_glob("risks", "example-", "data/risks-example/risks/*.yml")
    copy_glob("risks", "example-", "data/risks-example/broken-risks.yml")
    copy_glob("risks", "lint-", "tests/fixtures/risks/lint/*.yml")
    copy_glob("risks", "lint-clean-", "tests/fixtures/risks/lint/clean/*.yml")
    copy_glob("risks", "bad-", "tests/fixtures/bad/risks-*.yml")
    copy_glob("npm_text", "valid-", "tests/fixtures/npm/valid/*.txt")
    copy_glob("npm_text", "invalid-", "tests/fixtures/npm/invalid/*.txt")
    copy_glob("npm_xml", "valid-", "tests/fixtures/npm/valid/*.xml")
    copy_glob("npm_xml", "invalid-", "tests/fixtures/npm/invalid/*.xml")
    copy_glob("inventory", "rollout-", "tests/fixtures/rollout/*.yml")
    copy_glob("inventory", "rollout-", "tests/fixtures/rollout/*.json")
    copy_glob("inventory", "rollout-invalid-", "tests/fixtures/rollout/invalid/*")
    whole = {"ob-deploy-tools-1.3.0-7.noarch.rpm", "obproxy-ce-4.2.0.0-5.el8.x86_64.rpm"}
    for p in sorted((ROOT / "tests/fixtures/rpm").glob("*.rpm")):
        data = p.read_bytes()
        cut = payload_offset(data)
        put("rpm_header", "headers-" + p.name, data[:cut])
        if p.name in whole:
            put("rpm_header", "whole-" + p.name, data)
        put("rpm_payload", "payload-" + p.name, data[cut:])
    # Tiny hand-made payload seeds: an empty archive (trailer only) in newc form.
    trailer = b"070701" + b"0" * 8 * 11 + b"0000000B" + b"0" * 8 + b"TRAILER!!!\0"
    put("rpm_payload", "newc-trailer-only.cpio", trailer + b"\0" * (-len(trailer) % 4))
    # yaml_fast (fast YAML reader vs saphyr): real files, block fixtures, and the subset's edges.
    copy_glob("yaml_fast", "data-", "data/*.yml")
    copy_glob("yaml_fast", "plan-", "tests/fixtures/plan/*.yml")
    copy_glob("yaml_fast", "rollout-", "tests/fixtures/rollout/*.yml")
    for i, text in enumerate(YAML_EDGES):
        put("yaml_fast", "edge-%02d.yml" % i, text.encode())
    shutil.rmtree(CORPUS / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
