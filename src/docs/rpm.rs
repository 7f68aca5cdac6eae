//! The `inspect` and `extract` documents (`upgrade-planner/package/v1`,
//! `upgrade-planner/extract/v1`) and the trust policy every package-reading command loads.

use super::{Exit, Failure};
use crate::render;
use crate::rpm::{
    self, Extracted, InspectOptions, Keyring, KeyringError, PACKAGE_SCHEMA, PackageRecord,
    RpmError, TrustPolicy,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Schema of `extract --format json` (see docs/rpm.md).
pub const EXTRACT_SCHEMA: &str = "upgrade-planner/extract/v1";

/// Loads `--keyring` (each a key file or a directory of them) into a trust policy; a key file
/// that cannot be read or is not OpenPGP is `invalid_keyring` (exit 2) under `schema`.
pub fn trust_policy(
    keyring: &[PathBuf],
    require_signature: bool,
    schema: &str,
) -> Result<TrustPolicy, Failure> {
    let keyring = if keyring.is_empty() {
        None
    } else {
        match Keyring::load(keyring) {
            Ok(k) => Some(std::sync::Arc::new(k)),
            Err(e) => {
                let details = match &e {
                    KeyringError::Io { path, .. }
                    | KeyringError::NotOpenPgp { path, .. }
                    | KeyringError::TooLarge { path, .. } => {
                        json!({"keyring": path.display().to_string()})
                    }
                };
                return Err(Failure::new(
                    schema,
                    e.kind(),
                    e.to_string(),
                    Some(details),
                    Exit::Input,
                ));
            }
        }
    };
    Ok(TrustPolicy {
        keyring,
        require_signature,
    })
}

/// Exit 1 for a refusal (a digest mismatch, a bad or missing signature), else 2.
pub fn rpm_exit(e: &RpmError) -> Exit {
    if e.is_refusal() {
        Exit::Refused
    } else {
        Exit::Input
    }
}

/// Every package's record (or why it could not be read), in the order given: the `inspect`
/// answer.
#[derive(Debug)]
pub struct InspectAnswer {
    /// The packages as given.
    pub paths: Vec<PathBuf>,
    /// One result per package.
    pub results: Vec<Result<PackageRecord, RpmError>>,
}

/// One element of the JSON output: a record, or the error object of a package that failed.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum JsonItem<'a> {
    Record(&'a PackageRecord),
    Error(Value),
}

impl InspectAnswer {
    /// The worst exit over every package: 2 wins over 1.
    pub fn exit(&self) -> Exit {
        self.results
            .iter()
            .map(|result| match result {
                Ok(r) if r.has_problem() => Exit::Refused,
                Ok(_) => Exit::Ok,
                Err(e) => rpm_exit(e),
            })
            .max()
            .unwrap_or(Exit::Ok)
    }

    /// The `upgrade-planner/package/v1` document: the record of one package, or an array for
    /// several (a package that could not be read is its error object there). One package that
    /// could not be read is a failure.
    pub fn to_json(&self) -> Result<Value, Failure> {
        if let ([path], [Err(e)]) = (self.paths.as_slice(), self.results.as_slice()) {
            let details = json!({"path": path.display().to_string()});
            return Err(Failure::new(
                PACKAGE_SCHEMA,
                e.kind(),
                e.to_string(),
                Some(details),
                self.exit(),
            ));
        }
        let items: Vec<JsonItem<'_>> = self
            .paths
            .iter()
            .zip(&self.results)
            .map(|(path, r)| match r {
                Ok(record) => JsonItem::Record(record),
                Err(e) => JsonItem::Error(json!({
                    "schema": PACKAGE_SCHEMA,
                    "path": path.display().to_string(),
                    "error": {"kind": e.kind(), "message": e.to_string()},
                })),
            })
            .collect();
        let value = match items.as_slice() {
            [one] => serde_json::to_value(one),
            all => serde_json::to_value(all),
        };
        value
            .map_err(|e| Failure::new(PACKAGE_SCHEMA, "internal", e.to_string(), None, Exit::Input))
    }
}

/// Inspects every package (on all cores): the `inspect` answer.
pub fn inspect(paths: &[PathBuf], options: &InspectOptions) -> InspectAnswer {
    InspectAnswer {
        paths: paths.to_vec(),
        results: rpm::inspect_many(paths, options),
    }
}

/// A failed extraction under `extract`'s schema.
pub fn extract_failure(e: &RpmError) -> Failure {
    Failure::new(EXTRACT_SCHEMA, e.kind(), e.to_string(), None, rpm_exit(e))
}

/// The `extract -o OUT --format json` report of a file written to `output`.
pub fn extract_report(package: &Path, output: &Path, extracted: &Extracted) -> Value {
    json!({
        "schema": EXTRACT_SCHEMA,
        "package": package.display().to_string(),
        "file": extracted.file,
        "output": output.display().to_string(),
        "size": extracted.size,
        "header_digest": extracted.header_digest,
        "file_digest": extracted.file_digest,
        "block_seek": extracted.block_seek,
        "signature": extracted.signature,
        "findings": extracted.findings.iter()
            .map(|d| render::diagnostics::to_json("", d))
            .collect::<Vec<_>>(),
    })
}

/// Extracts one file (default: the upgrade-dependency YAML) into memory, verified as `extract`
/// verifies it: the bytes are returned only when the header and the file's digest verify and the
/// trust policy accepts the package.
pub fn extract(
    package: &Path,
    file: Option<&str>,
    trust: &TrustPolicy,
) -> Result<(Vec<u8>, Extracted), Failure> {
    let mut out = Vec::new();
    let extracted =
        rpm::extract_with(package, file, &mut out, trust).map_err(|e| extract_failure(&e))?;
    Ok((out, extracted))
}
