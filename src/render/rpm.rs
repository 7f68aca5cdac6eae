//! Text rendering of package records (`upgrade-planner inspect`). JSON is the record itself,
//! serialised by serde.

use super::style::{DIM, ERROR, GOOD, HEADING, PLAIN, WARNING};
use super::table;
use crate::rpm::PackageRecord;
use crate::rpm::digest::{DigestCheck, Status};
use crate::rpm::signature::{CheckStatus, PackageStatus, SignatureCheck};
use anstyle::Style;

fn cell(text: impl Into<String>) -> (String, Style) {
    (text.into(), PLAIN)
}

fn or_none<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(T::to_string)
        .unwrap_or_else(|| "(none)".into())
}

fn status_style(status: Status) -> Style {
    match status {
        Status::Verified => GOOD,
        Status::Mismatch => ERROR,
        Status::Absent | Status::Unchecked => DIM,
    }
}

fn digest_row(d: &DigestCheck) -> Vec<(String, Style)> {
    let algo = d.algorithm.map(|a| a.name()).unwrap_or("?");
    let mut value = d.expected.clone().unwrap_or_default();
    if d.status == Status::Mismatch {
        value = format!(
            "expected {} computed {}",
            d.expected.as_deref().unwrap_or("?"),
            d.actual.as_deref().unwrap_or("?")
        );
    }
    vec![
        cell(format!("{algo} of {}", d.covers)),
        (d.status.as_str().to_string(), status_style(d.status)),
        cell(value),
    ]
}

/// "signed by KEYID (fingerprint, created ...): verified", one line per signature.
fn signature_line(c: &SignatureCheck) -> (String, Style) {
    let style = match c.status {
        CheckStatus::Verified => GOOD,
        CheckStatus::Bad => ERROR,
        CheckStatus::NoKey | CheckStatus::Unsupported => WARNING,
        CheckStatus::NotChecked => DIM,
    };
    let mut text = format!(
        "signed by {} ({}, created {}): {}",
        c.key_id.as_deref().unwrap_or("unknown key"),
        c.fingerprint.as_deref().unwrap_or("fingerprint unknown"),
        c.created.as_deref().unwrap_or("unknown"),
        c.status.as_str()
    );
    text.push_str(&format!(
        " [{} {}/{}, covers {}]",
        c.tag_name,
        c.algorithm.as_deref().unwrap_or("?"),
        c.hash.as_deref().unwrap_or("?"),
        c.covers
    ));
    if let (Some(reason), false) = (&c.reason, c.status == CheckStatus::Verified) {
        text.push_str(&format!(": {reason}"));
    }
    (text, style)
}

/// Renders one package record as aligned text.
pub fn to_text(r: &PackageRecord) -> String {
    let mut out = format!("{HEADING}{}{HEADING:#}\n", r.path);
    let flags = r
        .payload_flags
        .as_ref()
        .and_then(|f| f.level)
        .map(|l| format!(" level {l}"))
        .unwrap_or_default();
    let rows = vec![
        vec![cell("name"), cell(&r.name)],
        vec![cell("epoch"), cell(or_none(&r.epoch))],
        vec![cell("version"), cell(&r.version)],
        vec![cell("release"), cell(&r.release)],
        vec![cell("build"), cell(&r.build)],
        vec![cell("distribution"), cell(or_none(&r.distribution))],
        vec![cell("arch"), cell(&r.arch)],
        vec![cell("upgrade target"), cell(&r.target)],
        vec![
            cell("installed size"),
            cell(
                r.installed_size
                    .map_or("none bytes".to_string(), super::size),
            ),
        ],
        vec![cell("file size"), cell(super::size(r.file_size))],
        vec![
            cell("signed size"),
            cell(r.signed_size.map_or("none bytes".to_string(), super::size)),
        ],
        vec![
            cell("payload"),
            cell(format!(
                "{}{flags}, {}",
                r.payload_compressor,
                r.payload_format.as_deref().unwrap_or("?")
            )),
        ],
        vec![
            cell("chunks"),
            cell(format!(
                "{} × {}",
                r.chunks.count,
                super::size(r.chunks.size)
            )),
        ],
        vec![cell("files"), cell(r.file_count.to_string())],
        vec![
            cell("signatures"),
            cell(if r.signatures.is_empty() {
                "none".to_string()
            } else {
                format!(
                    "{}: {}",
                    r.signatures.join(", "),
                    r.signature.status.as_str()
                )
            }),
        ],
    ];
    let mut rows = rows;
    for c in &r.signature.checks {
        rows.push(vec![cell(""), signature_line(c)]);
    }
    out.push_str(&table(&rows, 2));
    out.push_str("  digests\n");
    let d = &r.digests;
    let rows = vec![
        digest_row(&d.md5),
        digest_row(&d.header_sha1),
        digest_row(&d.header_sha256),
        digest_row(&d.payload),
    ];
    out.push_str(&table(&rows, 4));
    let u = &r.upgrade_deps;
    if u.present {
        out.push_str(&format!(
            "  upgrade deps  {}, {}\n",
            u.path.as_deref().unwrap_or("?"),
            u.size.map_or("none bytes".to_string(), super::size)
        ));
        let mut rows = Vec::new();
        if let Some(sha) = &u.sha256 {
            rows.push(vec![cell("sha256"), cell(sha)]);
        }
        if let Some(check) = &u.digest {
            rows.push(vec![
                cell("file digest"),
                (
                    check.status.as_str().to_string(),
                    status_style(check.status),
                ),
            ]);
        }
        match (&u.versions, &u.error) {
            (_, Some(e)) => rows.push(vec![cell("error"), (e.clone(), ERROR)]),
            (Some(v), None) => {
                rows.push(vec![
                    cell("versions"),
                    cell(format!("{} declared", v.len())),
                ]);
                for chunk in v.chunks(4) {
                    rows.push(vec![cell(""), cell(chunk.join(", "))]);
                }
                if u.valid == Some(false) {
                    let first = u
                        .diagnostics
                        .iter()
                        .find(|d| d.is_error())
                        .map(|d| d.message.clone())
                        .unwrap_or_default();
                    rows.push(vec![cell("valid"), (format!("no: {first}"), WARNING)]);
                }
            }
            (None, None) => rows.push(vec![
                cell("versions"),
                ("not read (--no-verify reads only the header)".into(), DIM),
            ]),
        }
        out.push_str(&table(&rows, 4));
    } else {
        out.push_str(&format!(
            "  upgrade deps  {DIM}none in this package{DIM:#}\n"
        ));
    }
    let verdict = match r.verified {
        Some(true) => format!("{GOOD}intact{GOOD:#}: every digest the package declares verified"),
        Some(false) if r.signature.status == PackageStatus::Bad && !r.has_mismatch() => format!(
            "{ERROR}DAMAGED OR ALTERED{ERROR:#}: a signature does not verify; do not use this package"
        ),
        Some(false) => format!(
            "{ERROR}DAMAGED OR ALTERED{ERROR:#}: a digest does not match; do not use this package"
        ),
        None => format!(
            "{WARNING}not verified{WARNING:#}: only the header digests were checked (--no-verify)"
        ),
    };
    out.push_str(&format!("  verdict       {verdict}\n"));
    if r.verified != Some(false) && u.error.is_some() {
        out.push_str(&format!(
            "  {ERROR}problem{ERROR:#}       the upgrade YAML could not be read out of the payload\n"
        ));
    }
    if !r.header_authenticated && r.verified != Some(false) {
        out.push_str(&format!(
            "  {WARNING}warning{WARNING:#}       the main header is authenticated by nothing (no header \
             SHA-256 or SHA-1, no verified signature): extract and plan refuse it\n"
        ));
    }
    for f in &r.findings {
        out.push_str(&format!(
            "  {WARNING}warning{WARNING:#}       {}\n",
            f.message
        ));
    }
    if let Some(refusal) = &r.refusal {
        out.push_str(&format!(
            "  {ERROR}refused{ERROR:#}       {}: {}\n",
            refusal.kind, refusal.message
        ));
    }
    out
}
