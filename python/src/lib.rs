//! `upgrade_planner._native`: the library's document functions (`upgrade_planner::docs`) for
//! Python. Each function returns the command's JSON document as a string (the same bytes as
//! `--format json` writes, without the final newline), or raises `NativeError(document, kind,
//! message, exit_code)`; `upgrade_planner/__init__.py` turns the one into dicts and the other into
//! the exception classes. The GIL is released while files are read and graphs searched.
#![forbid(unsafe_code)]

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::path::PathBuf;
use upgrade_planner::docs::plan::{PlanQuery, Routes};
use upgrade_planner::docs::risks::RiskOptions;
use upgrade_planner::docs::rollout::RolloutQuery;
use upgrade_planner::docs::{self, Exit, Failure, Source};
use upgrade_planner::rollout::requests::Dialect;
use upgrade_planner::rpm::InspectOptions;
use upgrade_planner::{Objective, Target, VersionScheme};

pyo3::create_exception!(
    _native,
    NativeError,
    PyException,
    "A command's error document: args are (document JSON, kind, message, exit code)."
);

/// The document of an answer, serialised as the CLI writes it (pretty-printed).
fn to_json(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new("", "internal", e.to_string(), None, Exit::Input))
}

fn raise(f: Failure) -> PyErr {
    let document = serde_json::to_string_pretty(&f.document).unwrap_or_default();
    NativeError::new_err((document, f.kind, f.message, f.exit.code()))
}

fn usage(schema: &str, message: String) -> PyErr {
    raise(Failure::usage(schema, message))
}

/// A path (`str` without a line break, or `os.PathLike`), or the content itself (`str` with a line
/// break, or `bytes`).
fn source(obj: &Bound<'_, PyAny>, schema: &str, what: &str) -> PyResult<Source> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return match std::str::from_utf8(b.as_bytes()) {
            Ok(text) => Ok(Source::text(text)),
            Err(e) => Err(usage(
                schema,
                format!("{what}: the bytes given are not UTF-8 text ({e})"),
            )),
        };
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s: String = s.extract()?;
        return Ok(if s.contains('\n') {
            Source::text(s)
        } else {
            Source::path(s)
        });
    }
    match obj.extract::<PathBuf>() {
        Ok(p) => Ok(Source::Path(p)),
        Err(_) => Err(usage(
            schema,
            format!(
                "{what}: expected a path (str or os.PathLike) or the content (str with a line \
                 break, or bytes), got {}",
                obj.get_type().name()?
            ),
        )),
    }
}

fn path(obj: &Bound<'_, PyAny>, schema: &str, what: &str) -> PyResult<PathBuf> {
    obj.extract::<PathBuf>().map_err(|_| {
        usage(
            schema,
            format!("{what}: expected a path (str or os.PathLike)"),
        )
    })
}

/// `None`, one path, or a list of paths.
fn paths(obj: Option<&Bound<'_, PyAny>>, schema: &str, what: &str) -> PyResult<Vec<PathBuf>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(one) = obj.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    obj.try_iter()
        .and_then(|items| {
            items
                .map(|i| i.and_then(|i| i.extract::<PathBuf>()))
                .collect()
        })
        .map_err(|_| {
            usage(
                schema,
                format!("{what}: expected a path or a list of paths"),
            )
        })
}

fn objective(text: &str, schema: &str) -> PyResult<Objective> {
    match text {
        "hops" => Ok(Objective::Hops),
        "stops" => Ok(Objective::Stops),
        other => Err(usage(
            schema,
            format!("objective: `{other}` is not one of `hops`, `stops`"),
        )),
    }
}

fn scheme(text: Option<&str>, schema: &str) -> PyResult<Option<VersionScheme>> {
    text.map(|t| {
        t.parse::<VersionScheme>()
            .map_err(|e| usage(schema, format!("scheme: {e}")))
    })
    .transpose()
}

fn firmware(
    inventory: Option<&Bound<'_, PyAny>>,
    component: Option<String>,
    schema: &str,
) -> PyResult<Option<(PathBuf, String)>> {
    match (inventory.filter(|o| !o.is_none()), component) {
        (Some(i), Some(c)) => Ok(Some((path(i, schema, "firmware_inventory")?, c))),
        (None, None) => Ok(None),
        _ => Err(usage(
            schema,
            "firmware_inventory and component go together".into(),
        )),
    }
}

/// `risks=`, `facts=` and `accept_risk=` (`--risks`, `--facts`, `--accept-risk`): a path (a file
/// or a directory of risks files) or the content itself.
fn risk_options(
    risks: Option<&Bound<'_, PyAny>>,
    facts: Option<&Bound<'_, PyAny>>,
    accept_risk: Vec<String>,
    schema: &str,
) -> PyResult<RiskOptions> {
    let risks = risks
        .filter(|o| !o.is_none())
        .map(|r| source(r, schema, "risks"))
        .transpose()?;
    let facts = facts
        .filter(|o| !o.is_none())
        .map(|f| source(f, schema, "facts"))
        .transpose()?;
    Ok(RiskOptions {
        risks,
        facts,
        accept: accept_risk,
    })
}

/// Runs `work` without the GIL and returns its document.
fn answer<T: serde::Serialize + Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, Failure> + Send,
) -> PyResult<String> {
    py.detach(|| work().and_then(|a| to_json(&a)))
        .map_err(raise)
}

#[pyfunction]
#[pyo3(signature = (deps, start, target, objective_, scheme_, package, keyring, require_signature, firmware_inventory, component, from_npm, to_npm, risks, facts, accept_risk))]
#[allow(clippy::too_many_arguments)]
fn plan(
    py: Python<'_>,
    deps: Option<&Bound<'_, PyAny>>,
    start: Option<String>,
    target: Option<String>,
    objective_: &str,
    scheme_: Option<&str>,
    package: Option<&Bound<'_, PyAny>>,
    keyring: Option<&Bound<'_, PyAny>>,
    require_signature: bool,
    firmware_inventory: Option<&Bound<'_, PyAny>>,
    component: Option<String>,
    from_npm: Option<&Bound<'_, PyAny>>,
    to_npm: Option<&Bound<'_, PyAny>>,
    risks: Option<&Bound<'_, PyAny>>,
    facts: Option<&Bound<'_, PyAny>>,
    accept_risk: Vec<String>,
) -> PyResult<String> {
    let schema = upgrade_planner::planner::PLAN_SCHEMA;
    let deps = deps.filter(|o| !o.is_none());
    let objective = objective(objective_, schema)?;
    let scheme = scheme(scheme_, schema)?;
    let risks = risk_options(risks, facts, accept_risk, schema)?;
    if let (Some(a), Some(b)) = (
        from_npm.filter(|o| !o.is_none()),
        to_npm.filter(|o| !o.is_none()),
    ) {
        if !risks.is_empty() {
            return Err(usage(
                schema,
                "risks, facts and accept_risk do not apply to from_npm/to_npm".into(),
            ));
        }
        let Some(deps) = deps else {
            return Err(usage(schema, "from_npm and to_npm need deps".into()));
        };
        let (deps, a, b) = (
            source(deps, schema, "deps")?,
            source(a, schema, "from_npm")?,
            source(b, schema, "to_npm")?,
        );
        return answer(py, move || {
            docs::plan::plan_npm(&deps, &a, &b, objective, scheme)
        });
    }
    let keyring = paths(keyring, schema, "keyring")?;
    let routes = match (package.filter(|o| !o.is_none()), deps) {
        (Some(_), Some(_)) => {
            return Err(usage(schema, "give deps or package, not both".into()));
        }
        (Some(pkg), None) => {
            let path = path(pkg, schema, "package")?;
            let trust =
                docs::rpm::trust_policy(&keyring, require_signature, schema).map_err(raise)?;
            Routes::Package { path, trust }
        }
        (None, Some(deps)) => {
            if !keyring.is_empty() || require_signature {
                return Err(usage(
                    schema,
                    "keyring and require_signature apply to package only".into(),
                ));
            }
            Routes::Deps(source(deps, schema, "deps")?)
        }
        (None, None) => return Err(usage(schema, "give deps or package".into())),
    };
    let firmware = firmware(firmware_inventory, component, schema)?;
    if start.is_none() && firmware.is_none() {
        return Err(usage(
            schema,
            "give start (or firmware_inventory and component)".into(),
        ));
    }
    let to = match target.as_deref() {
        Some("latest") => Some(Target::Latest),
        Some(t) => Some(Target::Version(t.to_string())),
        None if matches!(routes, Routes::Package { .. }) => None,
        None => return Err(usage(schema, "target=None needs a package".into())),
    };
    let query = PlanQuery {
        routes,
        from: start.unwrap_or_default(),
        firmware,
        to,
        objective,
        scheme,
        risks,
    };
    answer(py, move || docs::plan::plan(&query))
}

#[pyfunction]
#[pyo3(signature = (deps, start, objective_, scheme_, risks, facts, accept_risk, include_not_recommended))]
#[allow(clippy::too_many_arguments)]
fn targets(
    py: Python<'_>,
    deps: &Bound<'_, PyAny>,
    start: String,
    objective_: &str,
    scheme_: Option<&str>,
    risks: Option<&Bound<'_, PyAny>>,
    facts: Option<&Bound<'_, PyAny>>,
    accept_risk: Vec<String>,
    include_not_recommended: bool,
) -> PyResult<String> {
    let schema = upgrade_planner::targets::TARGETS_SCHEMA;
    let deps = source(deps, schema, "deps")?;
    let objective = objective(objective_, schema)?;
    let scheme = scheme(scheme_, schema)?;
    let risks = risk_options(risks, facts, accept_risk, schema)?;
    if include_not_recommended && risks.risks.is_none() {
        return Err(usage(schema, "include_not_recommended needs risks".into()));
    }
    answer(py, move || {
        docs::plan::targets_with_risks(
            &deps,
            &start,
            objective,
            scheme,
            &risks,
            include_not_recommended,
        )
    })
}

#[pyfunction]
#[pyo3(signature = (files, scheme_, sarif, risks))]
fn lint(
    py: Python<'_>,
    files: &Bound<'_, PyAny>,
    scheme_: Option<&str>,
    sarif: bool,
    risks: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let schema = upgrade_planner::lint::LINT_SCHEMA;
    let scheme = scheme(scheme_, schema)?;
    let list: Vec<Bound<'_, PyAny>> = if files.is_instance_of::<PyString>()
        || files.is_instance_of::<PyBytes>()
        || files.extract::<PathBuf>().is_ok()
    {
        vec![files.clone()]
    } else {
        files.try_iter()?.collect::<PyResult<_>>()?
    };
    let sources = list
        .iter()
        .map(|f| source(f, schema, "files"))
        .collect::<PyResult<Vec<_>>>()?;
    let risks = risks
        .filter(|o| !o.is_none())
        .map(|r| source(r, schema, "risks"))
        .transpose()?;
    answer(py, move || {
        let a = docs::lint::lint_with_risks(&sources, scheme, risks.as_ref())?;
        Ok(if sarif { a.to_sarif() } else { a.to_json() })
    })
}

#[pyfunction]
#[pyo3(signature = (old, new, scheme_, risks, risks_old, risks_new))]
fn diff(
    py: Python<'_>,
    old: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    scheme_: Option<&str>,
    risks: Option<&Bound<'_, PyAny>>,
    risks_old: Option<&Bound<'_, PyAny>>,
    risks_new: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let schema = upgrade_planner::diff::DIFF_SCHEMA;
    let (old, new) = (source(old, schema, "old")?, source(new, schema, "new")?);
    let scheme = scheme(scheme_, schema)?;
    let given = |o: Option<&Bound<'_, PyAny>>, what: &str| {
        o.filter(|o| !o.is_none())
            .map(|r| source(r, schema, what))
            .transpose()
    };
    let (both, risks_old, risks_new) = (
        given(risks, "risks")?,
        given(risks_old, "risks_old")?,
        given(risks_new, "risks_new")?,
    );
    if both.is_some() && (risks_old.is_some() || risks_new.is_some()) {
        return Err(usage(
            schema,
            "give risks, or risks_old and risks_new, not both".into(),
        ));
    }
    let risks_old = risks_old.or(both.clone());
    let risks_new = risks_new.or(both);
    answer(py, move || {
        docs::lint::diff_with_risks(&old, &new, scheme, risks_old.as_ref(), risks_new.as_ref())
    })
}

#[pyfunction]
#[pyo3(signature = (deps, plan, scheme_, risks, accept_risk, cincinnati))]
fn graph(
    py: Python<'_>,
    deps: &Bound<'_, PyAny>,
    plan: Option<(String, String)>,
    scheme_: Option<&str>,
    risks: Option<&Bound<'_, PyAny>>,
    accept_risk: Vec<String>,
    cincinnati: bool,
) -> PyResult<String> {
    let schema = docs::graph::GRAPH_SCHEMA;
    let deps = source(deps, schema, "deps")?;
    let scheme = scheme(scheme_, schema)?;
    let risks = risk_options(risks, None, accept_risk, schema)?;
    answer(py, move || {
        let a = docs::graph::graph_with_risks(
            &deps,
            scheme,
            plan.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
            &risks,
        )?;
        Ok(if cincinnati {
            a.cincinnati()
        } else {
            serde_json::to_value(&a)
                .map_err(|e| Failure::new(schema, "internal", e.to_string(), None, Exit::Input))?
        })
    })
}

#[pyfunction]
#[pyo3(signature = (packages, keyring, require_signature, verify, chunk_size))]
fn inspect(
    py: Python<'_>,
    packages: &Bound<'_, PyAny>,
    keyring: Option<&Bound<'_, PyAny>>,
    require_signature: bool,
    verify: bool,
    chunk_size: u64,
) -> PyResult<String> {
    let schema = upgrade_planner::rpm::PACKAGE_SCHEMA;
    let packages = paths(Some(packages), schema, "path")?;
    if packages.is_empty() {
        return Err(usage(schema, "path: give at least one package".into()));
    }
    if chunk_size == 0 || chunk_size > upgrade_planner::limits::MAX_CHUNK_SIZE {
        return Err(usage(
            schema,
            format!(
                "chunk_size must be between 1 byte and {} bytes (4 GiB)",
                upgrade_planner::limits::MAX_CHUNK_SIZE
            ),
        ));
    }
    let keyring = paths(keyring, schema, "keyring")?;
    answer(py, move || {
        let trust = docs::rpm::trust_policy(&keyring, require_signature, schema)?;
        let options = InspectOptions {
            verify,
            chunk_size,
            trust,
            progress: None,
        };
        docs::rpm::inspect(&packages, &options).to_json()
    })
}

#[pyfunction]
#[pyo3(signature = (package, file, keyring, require_signature))]
fn extract<'py>(
    py: Python<'py>,
    package: &Bound<'py, PyAny>,
    file: Option<String>,
    keyring: Option<&Bound<'py, PyAny>>,
    require_signature: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let schema = docs::rpm::EXTRACT_SCHEMA;
    let package = path(package, schema, "path")?;
    let keyring = paths(keyring, schema, "keyring")?;
    let bytes = py
        .detach(move || {
            let trust = docs::rpm::trust_policy(&keyring, require_signature, schema)?;
            docs::rpm::extract(&package, file.as_deref(), &trust).map(|(b, _)| b)
        })
        .map_err(raise)?;
    Ok(PyBytes::new(py, &bytes))
}

#[pyfunction]
#[pyo3(signature = (metadata,))]
fn npm(py: Python<'_>, metadata: &Bound<'_, PyAny>) -> PyResult<String> {
    let metadata = source(metadata, upgrade_planner::npm::NPM_SCHEMA, "metadata")?;
    answer(py, move || docs::npm::npm(&metadata))
}

#[pyfunction]
#[pyo3(signature = (installed, package))]
fn npm_check(
    py: Python<'_>,
    installed: &Bound<'_, PyAny>,
    package: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let schema = upgrade_planner::npm::NPM_CHECK_SCHEMA;
    let installed = source(installed, schema, "installed")?;
    let package = source(package, schema, "package")?;
    answer(py, move || docs::npm::npm_check(&installed, &package))
}

fn dialect(format: &str, schema: &str) -> PyResult<Option<Dialect>> {
    Ok(match format {
        "json" => None,
        "redfish-hpe" => Some(Dialect::RedfishHpe),
        "redfish-dmtf" => Some(Dialect::RedfishDmtf),
        "pulp" => Some(Dialect::Pulp),
        "powerstore" => Some(Dialect::PowerStore),
        other => {
            return Err(usage(
                schema,
                format!(
                    "format: `{other}` is not one of `json`, `redfish-hpe`, `redfish-dmtf`, \
                     `pulp`, `powerstore`"
                ),
            ));
        }
    })
}

#[pyfunction]
#[pyo3(signature = (deps, cluster, target, format, only, window, windows, packages, keyring, require_signature, firmware_inventory, component, objective_, scheme_, image_base_url, installset, group_parallel, package_id, endpoint_url, risks, accept_risk))]
#[allow(clippy::too_many_arguments)]
fn rollout(
    py: Python<'_>,
    deps: &Bound<'_, PyAny>,
    cluster: &Bound<'_, PyAny>,
    target: String,
    format: &str,
    only: Option<Vec<String>>,
    window: Option<String>,
    windows: Option<&Bound<'_, PyAny>>,
    packages: Option<&Bound<'_, PyAny>>,
    keyring: Option<&Bound<'_, PyAny>>,
    require_signature: bool,
    firmware_inventory: Option<&Bound<'_, PyAny>>,
    component: Option<String>,
    objective_: &str,
    scheme_: Option<&str>,
    image_base_url: Option<String>,
    installset: bool,
    group_parallel: bool,
    package_id: Vec<String>,
    endpoint_url: Option<String>,
    risks: Option<&Bound<'_, PyAny>>,
    accept_risk: Vec<String>,
) -> PyResult<String> {
    let dialect = dialect(format, upgrade_planner::rollout::ROLLOUT_SCHEMA)?;
    let schema = if dialect.is_some() {
        upgrade_planner::rollout::requests::REQUESTS_SCHEMA
    } else {
        upgrade_planner::rollout::ROLLOUT_SCHEMA
    };
    let only = only
        .map(|names| {
            names
                .iter()
                .map(|n| docs::rollout::parse_node_name(n))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map_err(|e| usage(schema, format!("only: {e}")))?;
    let window = window
        .map(|w| docs::rollout::parse_window(&w))
        .transpose()
        .map_err(|e| usage(schema, format!("window: {e}")))?;
    let windows = windows
        .filter(|o| !o.is_none())
        .map(|w| source(w, schema, "windows"))
        .transpose()?;
    if window.is_some() && windows.is_some() {
        return Err(usage(schema, "give window or windows, not both".into()));
    }
    let query = RolloutQuery {
        dialect,
        only,
        window,
        windows,
        packages: packages
            .filter(|o| !o.is_none())
            .map(|p| path(p, schema, "packages"))
            .transpose()?,
        keyring: paths(keyring, schema, "keyring")?,
        require_signature,
        firmware: firmware(firmware_inventory, component, schema)?,
        objective: objective(objective_, schema)?,
        scheme: scheme(scheme_, schema)?,
        image_base_url,
        installset,
        group_parallel,
        package_ids: package_id,
        endpoint_url,
        leaders_first: dialect == Some(Dialect::PowerStore),
        risks: risk_options(risks, None, accept_risk, schema)?,
        ..RolloutQuery::new(
            source(deps, schema, "deps")?,
            source(cluster, schema, "cluster")?,
            target,
        )
    };
    answer(py, move || docs::rollout::rollout(&query))
}

/// The library's version (the crate's).
#[pyfunction]
fn library_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(targets, m)?)?;
    m.add_function(wrap_pyfunction!(lint, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(graph, m)?)?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(npm, m)?)?;
    m.add_function(wrap_pyfunction!(npm_check, m)?)?;
    m.add_function(wrap_pyfunction!(rollout, m)?)?;
    m.add_function(wrap_pyfunction!(library_version, m)?)?;
    Ok(())
}
