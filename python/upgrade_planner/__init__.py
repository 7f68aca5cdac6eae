"""Safe upgrade routes, package checks and cluster rollouts: the upgrade-planner library.

Every function returns the same document as the command line's ``--format json`` (the same
bytes, parsed into dicts and lists), and raises an :class:`UpgradePlannerError` subclass where the
command line writes an error object. Files are named by path (``str`` or ``os.PathLike``); a
dependency file, an inventory or NPM metadata may also be given as its content (a ``str`` with a
line break, or ``bytes``). The GIL is released while files are read and graphs searched, so
threads plan in parallel.

>>> import upgrade_planner as up
>>> route = up.plan("data/seed-oceanbase-ce-4.2.1.1.yml", "4.0.0.0")
>>> route["path"][-1], route["binary_stops"]
('4.3.0.0', ['4.1.0.2', '4.2.1.1'])
>>> try:
...     up.plan("data/seed-oceanbase-ce-4.2.1.1.yml", "3.9.0.0")
... except up.RouteError as e:
...     print(e.kind, e.exit_code, e.details["nearest"])
unknown_start 1 ['4.0.0.0']
"""

import json as _json
import os as _os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _native

__all__ = [
    "plan",
    "targets",
    "lint",
    "diff",
    "graph",
    "inspect",
    "extract",
    "npm",
    "npm_check",
    "rollout",
    "UpgradePlannerError",
    "UsageError",
    "InvalidDocumentError",
    "RouteError",
    "PackageError",
    "MetadataError",
    "InventoryError",
    "RisksError",
    "Document",
    "DocumentList",
    "EXIT_REFUSED",
    "EXIT_INVALID_INPUT",
]

__version__ = _native.library_version()

#: Exit code of a refusal: the command ran and said no (``unknown_start``, ``digest_mismatch``).
EXIT_REFUSED = 1
#: Exit code of unusable input: a usage error, an unreadable or invalid file.
EXIT_INVALID_INPUT = 2

PathArg = Union[str, "_os.PathLike[str]"]
Input = Union[str, bytes, "_os.PathLike[str]"]


class UpgradePlannerError(Exception):
    """The base of every error: the command's JSON error document, as an exception.

    Attributes: ``kind`` (``unknown_start``, ``invalid_document``, ...), ``message`` (the one-line
    message), ``details`` (the JSON ``error`` object: ``kind``, ``message`` and every detail such
    as ``nearest`` or ``diagnostics``), ``document`` (the whole error document, with ``schema``),
    ``schema``, ``exit_code`` (1: refused; 2: invalid input or usage) and ``refused``.
    """

    def __init__(self, kind: str, message: str, document: Dict[str, Any], exit_code: int):
        super().__init__(message)
        self.kind = kind
        self.document = document
        self.schema = document.get("schema", "")
        error = document.get("error")
        self.details = error if isinstance(error, dict) else {}
        # The document's message (str(e) may say more, e.g. NetApp's error code first).
        self.message = self.details.get("message", message)
        self.exit_code = exit_code

    @property
    def refused(self) -> bool:
        """True when the command ran and refused (exit code 1), False for unusable input (2)."""
        return self.exit_code == EXIT_REFUSED

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.kind!r}, message={self.message!r}, exit_code={self.exit_code})"


class UsageError(UpgradePlannerError, ValueError):
    """Arguments the command cannot run with (kind ``usage``; exit code 2)."""


class InvalidDocumentError(UpgradePlannerError):
    """The upgrade-dependency file cannot be read or is invalid (``invalid_document``, with every
    finding in ``details["diagnostics"]``), too large to compare (``too_large``), or too cyclic
    for the exact search (``search_limit``). Exit code 2."""


class RouteError(UpgradePlannerError):
    """No route, as asked: ``unknown_start``, ``unknown_target``, ``deprecated_target``,
    ``no_route``, and the rollout's ``unknown_version``, ``past_target``, ``cannot_converge``,
    ``subset_order``, ``unknown_node``, ``empty_cluster``. Exit code 1 (``unknown_node``: 2)."""


class PackageError(UpgradePlannerError):
    """An RPM package refused or unreadable: ``digest_mismatch``, ``bad_signature``,
    ``unverified_header``, ``signature_required``, ``no_upgrade_deps``, ``corrupt_payload``,
    ``file_not_found`` (exit code 1); ``unreadable``, ``not_rpm``, ``truncated``, ``malformed``,
    ``invalid_keyring`` (exit code 2); and a rollout's ``missing_packages``,
    ``ambiguous_package`` (1) and ``invalid_packages`` (2)."""


class MetadataError(UpgradePlannerError):
    """NetApp NPM metadata that cannot be read or is invalid (``details["code"]`` is NetApp's
    name such as ``ENPMERXMETA``), or an ONTAP plan refused (``not_ontap``, ``mode_mismatch``,
    ``unplaceable_release``, ``invalid_metadata``, ``wrong_scheme``)."""


class InventoryError(UpgradePlannerError):
    """A cluster inventory, windows file or firmware inventory that cannot be read or is invalid
    (``invalid_inventory``, ``invalid_windows``, ``invalid_firmware_inventory``). Exit code 2."""


class RisksError(UpgradePlannerError):
    """Known risks or facts that cannot be read or are invalid (``invalid_risks``,
    ``invalid_facts``, with every finding in ``details["diagnostics"]``), or an ``accept_risk``
    name that no risk has (``unknown_risk``). Exit code 2. A route refused because a known risk
    applies is a :class:`RouteError` (``not_recommended``)."""


_DOCUMENT_KINDS = {"invalid_document", "too_large", "search_limit"}
_ROUTE_KINDS = {
    "unknown_start",
    "unknown_target",
    "deprecated_target",
    "no_route",
    "unknown_version",
    "past_target",
    "cannot_converge",
    "subset_order",
    "unknown_node",
    "empty_cluster",
    "not_recommended",
}
_INVENTORY_KINDS = {"invalid_inventory", "invalid_windows", "invalid_firmware_inventory"}
_METADATA_KINDS = {"invalid_metadata", "not_ontap", "mode_mismatch", "unplaceable_release", "wrong_scheme"}
_RISKS_KINDS = {"invalid_risks", "unknown_risk", "invalid_facts"}
_NPM_SCHEMAS = {"upgrade-planner/npm/v1", "upgrade-planner/npm-check/v1"}


def _error_class(schema: str, kind: str) -> type:
    """The exception class of an error document: by kind, by schema for NPM metadata errors."""
    if kind == "usage":
        return UsageError
    if kind in _DOCUMENT_KINDS:
        return InvalidDocumentError
    if kind in _ROUTE_KINDS:
        return RouteError
    if kind in _INVENTORY_KINDS:
        return InventoryError
    if kind in _RISKS_KINDS:
        return RisksError
    if kind in _METADATA_KINDS or schema in _NPM_SCHEMAS:
        return MetadataError
    return PackageError


def _call(function, *args):
    try:
        return function(*args)
    except _native.NativeError as native:
        document, kind, message, exit_code = native.args
        parsed = _json.loads(document)
        cls = _error_class(parsed.get("schema", ""), kind)
        raise cls(kind, message, parsed, exit_code) from None


class Document(dict):
    """A JSON document: a ``dict`` whose ``str()`` is the document exactly as the command line's
    ``--format json`` writes it (without the final newline), so ``print(up.plan(...))`` prints the
    CLI's bytes. ``json.dumps(doc)`` and ``doc == {...}`` work as for any dict."""

    __slots__ = ("_text",)

    def __str__(self) -> str:
        return self._text


class DocumentList(list):
    """A JSON array document (``inspect`` of several packages): a ``list`` whose ``str()`` is the
    command line's ``--format json`` output."""

    __slots__ = ("_text",)

    def __str__(self) -> str:
        return self._text


def _document(function, *args) -> Any:
    text = _call(function, *args)
    parsed = _json.loads(text)
    out = Document(parsed) if isinstance(parsed, dict) else DocumentList(parsed)
    out._text = text
    return out


def plan(
    deps: Optional[Input] = None,
    start: Optional[str] = None,
    target: Optional[str] = "latest",
    objective: str = "hops",
    *,
    package: Optional[PathArg] = None,
    keyring: Union[PathArg, Sequence[PathArg], None] = None,
    require_signature: bool = False,
    scheme: Optional[str] = None,
    firmware_inventory: Optional[PathArg] = None,
    component: Optional[str] = None,
    from_npm: Optional[Input] = None,
    to_npm: Optional[Input] = None,
    risks: Optional[Input] = None,
    facts: Optional[Input] = None,
    accept_risk: Sequence[str] = (),
) -> Dict[str, Any]:
    """The upgrade route from ``start`` to ``target``: ``plan --format json``.

    ``deps`` is the upgrade-dependency file (a path, or the YAML itself); or ``package`` names an
    RPM whose upgrade YAML is used once it verifies (``keyring``: key files or directories,
    ``require_signature``), and ``target=None`` then plans to the package's own version.
    ``objective`` is ``"hops"`` or ``"stops"``. ``from_npm``/``to_npm`` plan between the ONTAP
    releases of two NetApp NPM metadata files instead of ``start``/``target``. ``risks`` (a
    risks file or directory, or the YAML itself), ``facts`` and ``accept_risk`` (names) are
    ``--risks``, ``--facts`` and ``--accept-risk``: routes avoid the updates a known risk applies
    to (docs/risks.md), and a route that cannot raises :class:`RouteError` ``not_recommended``.

    >>> import upgrade_planner as up
    >>> p = up.plan("data/seed-oceanbase-ce-4.2.1.1.yml", "4.1.0.0-100000192023032010.el7", "4.2.1.1")
    >>> p["from"], p["from_match"], p["hops"]
    ('4.1.0.0-100000192023032010', 'without_distribution', 6)
    >>> up.plan("- version: 1.0\\n  can_be_upgraded_to: [2.0]\\n", "1.0")["path"]
    ['1.0', '2.0']
    """
    return _document(
        _native.plan,
        deps,
        start,
        target,
        objective,
        scheme,
        package,
        keyring,
        require_signature,
        firmware_inventory,
        component,
        from_npm,
        to_npm,
        risks,
        facts,
        list(accept_risk),
    )


def targets(
    deps: Input,
    start: str,
    objective: str = "hops",
    *,
    scheme: Optional[str] = None,
    risks: Optional[Input] = None,
    facts: Optional[Input] = None,
    accept_risk: Sequence[str] = (),
    include_not_recommended: bool = False,
) -> Dict[str, Any]:
    """Every version ``start`` can be upgraded to, newest first, with its best route:
    ``targets --format json``. ``risks``, ``facts``, ``accept_risk`` and
    ``include_not_recommended`` are the command's ``--risks``, ``--facts``, ``--accept-risk`` and
    ``--include-not-recommended``.

    >>> import upgrade_planner as up
    >>> [t["version"] for t in up.targets("data/seed-oceanbase-ce-4.2.1.1.yml", "4.2.0.0")["targets"]]
    ['4.3.0.0', '4.2.1.1', '4.2.1.0']
    """
    return _document(
        _native.targets, deps, start, objective, scheme, risks, facts, list(accept_risk), include_not_recommended
    )


def lint(
    files: Union[Input, Sequence[Input]],
    *,
    scheme: Optional[str] = None,
    format: str = "json",
    risks: Optional[Input] = None,
) -> Dict[str, Any]:
    """Lint findings of one or several dependency files: ``lint --format json`` (or
    ``format="sarif"``). Findings are data, never exceptions; a file that cannot be read is listed
    under ``unreadable``. With ``risks`` (``--risks``), the known risks are checked too, against
    the one dependency file given.

    >>> import upgrade_planner as up
    >>> report = up.lint("tests/fixtures/lint/self-edge.yml")
    >>> [(f["rule"], f["line"]) for f in report["findings"]]
    [('self-edge', 3)]
    """
    if format not in ("json", "sarif"):
        raise UsageError(
            "usage",
            f"format: `{format}` is not one of `json`, `sarif`",
            {"schema": "upgrade-planner/lint/v1", "error": {"kind": "usage", "message": f"format: `{format}` is not one of `json`, `sarif`"}},
            EXIT_INVALID_INPUT,
        )
    return _document(_native.lint, files, scheme, format == "sarif", risks)


def diff(
    old: Input,
    new: Input,
    *,
    scheme: Optional[str] = None,
    risks: Optional[Input] = None,
    risks_old: Optional[Input] = None,
    risks_new: Optional[Input] = None,
) -> Dict[str, Any]:
    """What a change to a dependency file does to users' routes: ``diff --format json``.
    ``risks`` (both files) or ``risks_old``/``risks_new`` are ``--risks``, ``--risks-old`` and
    ``--risks-new``.

    >>> import upgrade_planner as up
    >>> up.diff("tests/fixtures/diff/old.yml", "tests/fixtures/diff/new.yml")["summary"]["removed"]
    1
    """
    return _document(_native.diff, old, new, scheme, risks, risks_old, risks_new)


def graph(
    deps: Input,
    *,
    plan: Optional[Tuple[str, str]] = None,
    scheme: Optional[str] = None,
    risks: Optional[Input] = None,
    accept_risk: Sequence[str] = (),
    format: str = "json",
) -> Dict[str, Any]:
    """The graph's versions and edges, and the route ``plan=(FROM, TO)`` highlights:
    ``graph --format json``; ``format="cincinnati"`` is ``graph --format cincinnati``.
    ``risks`` and ``accept_risk`` are ``--risks`` and ``--accept-risk``.

    >>> import upgrade_planner as up
    >>> g = up.graph("data/seed-oceanbase-ce-4.2.1.1.yml", plan=("4.0.0.0", "latest"))
    >>> len(g["nodes"]), g["route"]["hops"]
    (11, 7)
    """
    if format not in ("json", "cincinnati"):
        message = f"format: `{format}` is not one of `json`, `cincinnati`"
        raise UsageError(
            "usage",
            message,
            {"schema": "upgrade-planner/graph/v1", "error": {"kind": "usage", "message": message}},
            EXIT_INVALID_INPUT,
        )
    return _document(
        _native.graph,
        deps,
        tuple(plan) if plan is not None else None,
        scheme,
        risks,
        list(accept_risk),
        format == "cincinnati",
    )


def inspect(
    path: Union[PathArg, Sequence[PathArg]],
    keyring: Union[PathArg, Sequence[PathArg], None] = None,
    *,
    require_signature: bool = False,
    verify: bool = True,
    chunk_size: int = 8 << 20,
) -> Any:
    """What an RPM package is, whether it is intact, and the routes it carries:
    ``inspect --format json`` (a dict; a list for a list of packages). A digest mismatch or a bad
    signature is in the record (``verdict``, ``refusal``), not an exception; a package that cannot
    be read raises :class:`PackageError`.

    >>> import upgrade_planner as up
    >>> r = up.inspect("tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm")
    >>> r["name"], r["version"], r["digests"]["payload"]["status"]
    ('oceanbase-ce', '4.2.1.1', 'verified')
    """
    return _document(_native.inspect, path, keyring, require_signature, verify, chunk_size)


def extract(
    path: PathArg,
    file: Optional[str] = None,
    *,
    keyring: Union[PathArg, Sequence[PathArg], None] = None,
    require_signature: bool = False,
) -> bytes:
    """One file of an RPM package (default: the upgrade-dependency YAML), returned only once the
    header and the file's digest verify and the trust policy accepts the package.

    >>> import upgrade_planner as up
    >>> yaml = up.extract("tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm")
    >>> yaml == open("data/seed-oceanbase-ce-4.2.1.1.yml", "rb").read()
    True
    """
    return _call(_native.extract, path, file, keyring, require_signature)


def npm(metadata: Input) -> Dict[str, Any]:
    """NetApp NPM metadata, validated: ``npm FILE --format json``. Invalid metadata raises
    :class:`MetadataError` (``details["code"]``: NetApp's error name).

    >>> import upgrade_planner as up
    >>> up.npm("PKG_TYPE=DataOntap\\nPKG_DTS=20230101\\n")["valid"]
    Traceback (most recent call last):
    ...
    upgrade_planner.MetadataError: ENPMERXMETA (13603) missing-item: ...
    """
    return _document(_native.npm, metadata)


def npm_check(installed: Input, package: Input) -> Dict[str, Any]:
    """Whether ``package`` is an acceptable upgrade for the system ``installed`` describes:
    ``npm check --format json`` (the verdict is data: ``verdict``, ``acceptable``)."""
    return _document(_native.npm_check, installed, package)


def rollout(
    deps: Input,
    cluster: Input,
    target: str,
    *,
    format: str = "json",
    only: Optional[Sequence[str]] = None,
    window: Optional[str] = None,
    windows: Optional[Input] = None,
    packages: Optional[PathArg] = None,
    keyring: Union[PathArg, Sequence[PathArg], None] = None,
    require_signature: bool = False,
    firmware_inventory: Optional[PathArg] = None,
    component: Optional[str] = None,
    objective: str = "hops",
    scheme: Optional[str] = None,
    image_base_url: Optional[str] = None,
    installset: bool = False,
    group_parallel: bool = False,
    package_id: Sequence[str] = (),
    endpoint_url: Optional[str] = None,
    risks: Optional[Input] = None,
    accept_risk: Sequence[str] = (),
) -> Dict[str, Any]:
    """The nodes of a cluster, in order, at every stage of the route, packed into maintenance
    windows: ``rollout --format json``; with ``format`` one of ``redfish-hpe``,
    ``redfish-dmtf``, ``pulp``, ``powerstore``, the request plan (``upgrade-planner/requests/v1``).
    Steps that do not fit the windows are listed under ``unscheduled`` (the command exits 1).
    ``risks`` and ``accept_risk`` are ``--risks`` and ``--accept-risk`` (evaluated per node under
    the inventory's ``facts:``).

    >>> import upgrade_planner as up
    >>> r = up.rollout("data/seed-oceanbase-ce-4.2.1.1.yml", "tests/fixtures/rollout/twelve.yml", "4.3.0.0", window="4h")
    >>> [s["version"] for s in r["stages"]], len(r["windows"]) > 1
    (['4.2.1.1', '4.3.0.0'], True)
    """
    return _document(
        _native.rollout,
        deps,
        cluster,
        target,
        format,
        list(only) if only is not None else None,
        window,
        windows,
        packages,
        keyring,
        require_signature,
        firmware_inventory,
        component,
        objective,
        scheme,
        image_base_url,
        installset,
        group_parallel,
        list(package_id),
        endpoint_url,
        risks,
        list(accept_risk),
    )
