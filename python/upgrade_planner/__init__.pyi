# Type stubs of upgrade_planner (see __init__.py for the documentation of each function).
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

PathArg = Union[str, os.PathLike[str]]
Input = Union[str, bytes, os.PathLike[str]]
Keyring = Union[PathArg, Sequence[PathArg], None]

__version__: str
EXIT_REFUSED: int
EXIT_INVALID_INPUT: int

class Document(Dict[str, Any]):
    """A JSON document; ``str()`` is the CLI's ``--format json`` output."""
    def __str__(self) -> str: ...

class DocumentList(List[Any]):
    """A JSON array document; ``str()`` is the CLI's ``--format json`` output."""
    def __str__(self) -> str: ...

class UpgradePlannerError(Exception):
    kind: str
    message: str
    details: Dict[str, Any]
    document: Dict[str, Any]
    schema: str
    exit_code: int
    def __init__(self, kind: str, message: str, document: Dict[str, Any], exit_code: int) -> None: ...
    @property
    def refused(self) -> bool: ...

class UsageError(UpgradePlannerError, ValueError): ...
class InvalidDocumentError(UpgradePlannerError): ...
class RouteError(UpgradePlannerError): ...
class PackageError(UpgradePlannerError): ...
class MetadataError(UpgradePlannerError): ...
class InventoryError(UpgradePlannerError): ...
class RisksError(UpgradePlannerError): ...

def plan(
    deps: Optional[Input] = None,
    start: Optional[str] = None,
    target: Optional[str] = "latest",
    objective: str = "hops",
    *,
    package: Optional[PathArg] = None,
    keyring: Keyring = None,
    require_signature: bool = False,
    scheme: Optional[str] = None,
    firmware_inventory: Optional[PathArg] = None,
    component: Optional[str] = None,
    from_npm: Optional[Input] = None,
    to_npm: Optional[Input] = None,
    risks: Optional[Input] = None,
    facts: Optional[Input] = None,
    accept_risk: Sequence[str] = (),
) -> Document: ...
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
) -> Document: ...
def lint(
    files: Union[Input, Sequence[Input]],
    *,
    scheme: Optional[str] = None,
    format: str = "json",
    risks: Optional[Input] = None,
) -> Document: ...
def diff(
    old: Input,
    new: Input,
    *,
    scheme: Optional[str] = None,
    risks: Optional[Input] = None,
    risks_old: Optional[Input] = None,
    risks_new: Optional[Input] = None,
) -> Document: ...
def graph(
    deps: Input,
    *,
    plan: Optional[Tuple[str, str]] = None,
    scheme: Optional[str] = None,
    risks: Optional[Input] = None,
    accept_risk: Sequence[str] = (),
    format: str = "json",
) -> Document: ...
def inspect(
    path: Union[PathArg, Sequence[PathArg]],
    keyring: Keyring = None,
    *,
    require_signature: bool = False,
    verify: bool = True,
    chunk_size: int = ...,
) -> Union[Document, DocumentList]: ...
def extract(path: PathArg, file: Optional[str] = None, *, keyring: Keyring = None, require_signature: bool = False) -> bytes: ...
def npm(metadata: Input) -> Document: ...
def npm_check(installed: Input, package: Input) -> Document: ...
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
    keyring: Keyring = None,
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
) -> Document: ...
