//! NPM package metadata for people (aligned text) and programs (the `upgrade-planner/npm/v1` and
//! `upgrade-planner/npm-check/v1` JSON documents). Field-by-field documentation: `docs/npm.md`.

use super::{diagnostics, style, table, table_into};
use crate::diagnostic::{Diagnostic, Severity};
use crate::npm::model::{OntapRls, PackageItem, Stamp};
use crate::npm::release::Qualifier;
use crate::npm::{CheckReport, NPM_CHECK_SCHEMA, NPM_SCHEMA, NpmError, Package, Request};
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;

fn stamp_json(s: &Stamp) -> Value {
    json!({"weekday": s.weekday, "date": s.date, "time": s.time, "zone": s.zone})
}

fn qualifiers_json(q: &[Qualifier]) -> Value {
    q.iter()
        .map(|q| match *q {
            Qualifier::Rc(k) => json!({"kind": "RC", "number": k}),
            Qualifier::P(k) => json!({"kind": "P", "number": k}),
            Qualifier::R(k) => json!({"kind": "R", "number": k}),
            Qualifier::D(k) => json!({"kind": "D", "number": k}),
            Qualifier::X(k) => json!({"kind": "X", "number": k}),
        })
        .collect()
}

fn ontap_rls_json(r: &OntapRls) -> Value {
    json!({
        "prefix": r.prefix,
        "release": r.release.as_str(),
        "numbers": r.release.numbers(),
        "qualifiers": qualifiers_json(r.release.qualifiers()),
        "mode": r.mode.map(|m| m.as_str()),
        "effective_mode": r.effective_mode().map(|m| m.as_str()),
        "build_stamp": r.build_stamp,
        "stamp": stamp_json(&r.stamp),
        "trailer": r.trailer,
        "graph_node": r.release.graph_node().ok(),
    })
}

/// The typed view as JSON (every key present; `null` for absent items).
pub fn typed_json(p: &Package) -> Value {
    let t = &p.typed;
    json!({
        "pkg_type": t.pkg_type.as_str(),
        "pkg_dts": t.pkg_dts.to_string(),
        "cpu_arch": t.cpu_arch,
        "ontap_rls": t.ontap_rls.as_ref().map(ontap_rls_json),
        "filesys_ver": t.filesys_ver,
        "nvlog_ver": t.nvlog_ver,
        "diag_ver": t.diag_ver,
        "diag_rls": t.diag_rls.as_ref().map(|v| v.iter().map(|d| json!({
            "version": d.version, "build_stamp": d.build_stamp, "stamp": stamp_json(&d.stamp),
        })).collect::<Vec<_>>()),
        "cfe_ver": t.cfe_ver,
        "ofw_ver": t.ofw_ver,
    })
}

fn findings_json(file: &str, findings: &[Diagnostic]) -> Value {
    findings
        .iter()
        .map(|d| diagnostics::to_json(file, d))
        .collect()
}

/// Valid metadata as the `upgrade-planner/npm/v1` document. It serialises straight from the
/// package (no JSON tree of every item), so writing a large package costs no more memory than
/// reading it.
pub fn package_to_json<'a>(file: &'a str, p: &'a Package) -> PackageJson<'a> {
    PackageJson {
        schema: NPM_SCHEMA,
        file,
        form: p.form.as_str(),
        items: ItemsJson(&p.items),
        package_type: p.package_type.as_str(),
        typed: typed_json(p),
        findings: findings_json(file, &p.findings),
    }
}

/// The `upgrade-planner/npm/v1` document of valid metadata (see [`package_to_json`]).
#[derive(Debug, Serialize)]
pub struct PackageJson<'a> {
    schema: &'static str,
    file: &'a str,
    form: &'static str,
    items: ItemsJson<'a>,
    package_type: &'static str,
    typed: Value,
    findings: Value,
}

/// The `items` array, serialised one item at a time.
#[derive(Debug)]
struct ItemsJson<'a>(&'a [PackageItem]);

impl Serialize for ItemsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct ItemJson<'a> {
            name: &'a str,
            values: Vec<&'a str>,
            line: usize,
            value: &'a str,
            known: bool,
        }
        s.collect_seq(self.0.iter().map(|i| ItemJson {
            name: &i.item.name,
            values: i.values(),
            line: i.item.span.start.line,
            value: &i.item.value,
            known: crate::npm::KnownItem::from_name(&i.item.name).is_some(),
        }))
    }
}

/// A valid request as the `upgrade-planner/npm/v1` document (no items, `request` set).
pub fn request_to_json(file: &str, r: &Request) -> Value {
    json!({
        "schema": NPM_SCHEMA,
        "file": file,
        "form": "xml-request",
        "items": [],
        "package_type": null,
        "typed": null,
        "request": {"package_location": r.package_location, "package_name": r.package_name},
        "findings": findings_json(file, &r.findings),
    })
}

/// The `error` object of a fatal error: `code`, `errno`, `kind`, `item`, `line`, `message`, plus
/// `column`, `offset`, `hint` and (server errors) `reason`.
pub fn error_json(e: &NpmError) -> Value {
    json!({
        "code": e.code.name(),
        "errno": e.code.errno(),
        "kind": e.kind.as_str(),
        "item": e.item,
        "line": e.line(),
        "column": e.at.map(|a| a.column),
        "offset": e.at.map(|a| a.offset),
        "message": e.message,
        "hint": e.hint,
        "reason": e.reason,
    })
}

/// A fatal error as the `upgrade-planner/npm/v1` document: `{"schema", "file", "error": {...}}`.
pub fn error_to_json(file: &str, e: &NpmError) -> Value {
    json!({"schema": NPM_SCHEMA, "file": file, "error": error_json(e)})
}

/// A fatal error as text, with the offending line quoted when the input is text.
pub fn error_to_text(file: &str, src: &str, e: &NpmError) -> String {
    diagnostics::to_text(file, src, &e.to_diagnostic())
}

fn values_text(item: &PackageItem) -> Cow<'_, str> {
    match item.values().as_slice() {
        [""] => "(empty)".into(),
        [one] => Cow::Borrowed(one),
        values => values.join(" | ").into(),
    }
}

fn list<T: ToString>(v: &Option<Vec<T>>) -> Option<String> {
    v.as_ref()
        .map(|v| v.iter().map(T::to_string).collect::<Vec<_>>().join(", "))
}

/// Valid metadata as text: a summary, the items in file order with their split values, the typed
/// view, and the findings.
pub fn package_to_text(file: &str, src: &str, p: &Package) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_package_text(&mut out, file, src, p);
    out
}

/// [`package_to_text`], written to `out` as it is produced: the item table of a large input goes
/// out row by row instead of being held whole (the CLI streams it to stdout).
pub fn write_package_text(
    out: &mut dyn std::fmt::Write,
    file: &str,
    src: &str,
    p: &Package,
) -> std::fmt::Result {
    let h = style::HEADING;
    let warnings = p
        .findings
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .count();
    writeln!(
        out,
        "{h}NPM metadata{h:#} {file} ({} form): {g}valid{g:#} {} package, {} item{}, {} warning{}",
        p.form.as_str(),
        p.package_type,
        p.items.len(),
        if p.items.len() == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" },
        g = style::GOOD,
    )?;
    writeln!(
        out,
        "\n{h}Items{h:#} (values split on `,` for multi-valued items)"
    )?;
    // One row per item, produced twice by `table_into` (widths, then output) and written into
    // `out`: no copy of the cells or of the table is kept.
    let header = [("LINE", h), ("NAME", h), ("VALUES", h)].map(|(c, st)| (Cow::Borrowed(c), st));
    table_into(
        out,
        || {
            std::iter::once(header.clone()).chain(p.items.iter().map(|i| {
                let known = crate::npm::KnownItem::from_name(&i.item.name).is_some();
                [
                    (Cow::Owned(i.item.span.start.line.to_string()), style::PLAIN),
                    (
                        Cow::Borrowed(i.item.name.as_str()),
                        if known { style::PLAIN } else { style::DIM },
                    ),
                    (values_text(i), style::PLAIN),
                ]
            }))
        },
        2,
    )?;
    writeln!(out, "\n{h}Typed view{h:#}")?;
    let t = &p.typed;
    let mut rows: Vec<Vec<(String, anstyle::Style)>> = Vec::new();
    let mut row =
        |k: &str, v: String| rows.push(vec![(k.to_string(), style::PLAIN), (v, style::PLAIN)]);
    row("package type", t.pkg_type.to_string());
    row("built (UTC)", t.pkg_dts.to_string());
    row("CPU architecture", t.cpu_arch.join(", "));
    if let Some(r) = &t.ontap_rls {
        let mode = match (r.mode, r.effective_mode()) {
            (Some(m), _) => format!(" {}", m.as_str()),
            (None, Some(m)) => format!(" ({} implied)", m.as_str()),
            (None, None) => " (mode unknown)".into(),
        };
        let trailer = r
            .trailer
            .as_ref()
            .map(|t| format!(" [{t}]"))
            .unwrap_or_default();
        row("ONTAP release", format!("{}{mode}", r.release));
        row("build stamp", format!("{}{trailer}", r.build_stamp));
        if let Ok(node) = r.release.graph_node() {
            row("graph node", node);
        }
    }
    if let Some(v) = list(&t.filesys_ver) {
        row("FILESYS_VER", v);
    }
    if let Some(v) = list(&t.nvlog_ver) {
        row("NVLOG_VER", v);
    }
    if let Some(v) = list(&t.diag_ver) {
        row("diagnostics", v);
    }
    if let Some(d) = &t.diag_rls {
        row(
            "diagnostics release",
            d.iter()
                .map(|d| format!("{} ({})", d.version, d.build_stamp))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if let Some(v) = list(&t.cfe_ver) {
        row("CFE firmware", v);
    }
    if let Some(v) = list(&t.ofw_ver) {
        row("OFW firmware", v);
    }
    out.write_str(&table(&rows, 2))?;
    if !p.findings.is_empty() {
        writeln!(out, "\n{h}Findings{h:#}")?;
        out.write_str(&diagnostics::list_to_text(file, src, &p.findings))?;
    }
    Ok(())
}

/// A valid request as text.
pub fn request_to_text(file: &str, src: &str, r: &Request) -> String {
    let h = style::HEADING;
    let mut out = format!(
        "{h}software-extract-metadata request{h:#} {file}: {g}valid{g:#}\n  package-location  {}\n",
        r.package_location,
        g = style::GOOD
    );
    if let Some(n) = &r.package_name {
        out.push_str(&format!("  package-name      {n}\n"));
    }
    if !r.findings.is_empty() {
        out.push_str(&format!("\n{h}Findings{h:#}\n"));
        out.push_str(&diagnostics::list_to_text(file, src, &r.findings));
    }
    out
}

fn side_json(file: &str, p: &Package) -> Value {
    let r = p.typed.ontap_rls.as_ref();
    json!({
        "file": file,
        "package_type": p.package_type.as_str(),
        "release": r.map(|r| r.release.as_str()),
        "mode": r.and_then(|r| r.effective_mode()).map(|m| m.as_str()),
        "cpu_arch": p.typed.cpu_arch,
        "filesys_ver": p.typed.filesys_ver,
        "nvlog_ver": p.typed.nvlog_ver,
    })
}

fn plain_finding_json(d: &Diagnostic) -> Value {
    json!({"code": d.code, "severity": d.severity, "message": d.message, "hint": d.hint})
}

/// A check as the `upgrade-planner/npm-check/v1` document.
pub fn check_to_json(
    installed: (&str, &Package),
    package: (&str, &Package),
    r: &CheckReport,
) -> Value {
    json!({
        "schema": NPM_CHECK_SCHEMA,
        "installed": side_json(installed.0, installed.1),
        "package": side_json(package.0, package.1),
        "verdict": r.verdict.as_str(),
        "acceptable": r.acceptable(),
        "revert_procedure_required": r.revert_procedure_required,
        "findings": r.findings.iter().map(plain_finding_json).collect::<Vec<_>>(),
    })
}

fn side_text(p: &Package) -> String {
    let r = p.typed.ontap_rls.as_ref();
    let mut s = format!(
        "{} {}",
        p.package_type,
        r.map(|r| r.release.to_string())
            .unwrap_or_else(|| "-".into())
    );
    if let Some(m) = r.and_then(|r| r.effective_mode()) {
        s.push_str(&format!(" ({})", m.as_str()));
    }
    s
}

/// A check as text: the verdict, both sides, and each finding with its hint.
pub fn check_to_text(
    installed: (&str, &Package),
    package: (&str, &Package),
    r: &CheckReport,
) -> String {
    let h = style::HEADING;
    let (word, st) = if r.acceptable() {
        ("acceptable upgrade", style::GOOD)
    } else {
        ("not an acceptable upgrade", style::ERROR)
    };
    let mut out = format!(
        "{h}NPM check{h:#}: {st}{word}{st:#} (verdict: {}{})\n\n",
        r.verdict.as_str(),
        if r.revert_procedure_required {
            ", revert procedure required"
        } else {
            ""
        }
    );
    let mut rows = vec![vec![
        (String::new(), h),
        ("FILE".to_string(), h),
        ("PACKAGE".to_string(), h),
        ("CPU_ARCH".to_string(), h),
        ("FILESYS_VER".to_string(), h),
        ("NVLOG_VER".to_string(), h),
    ]];
    for (label, (file, p)) in [("installed", installed), ("package", package)] {
        rows.push(vec![
            (label.to_string(), style::PLAIN),
            (file.to_string(), style::PLAIN),
            (side_text(p), style::PLAIN),
            (p.typed.cpu_arch.join(","), style::PLAIN),
            (
                list(&p.typed.filesys_ver).unwrap_or_else(|| "-".into()),
                style::PLAIN,
            ),
            (
                list(&p.typed.nvlog_ver).unwrap_or_else(|| "-".into()),
                style::PLAIN,
            ),
        ]);
    }
    out.push_str(&table(&rows, 2));
    if !r.findings.is_empty() {
        out.push_str(&format!("\n{h}Findings{h:#}\n"));
        for d in &r.findings {
            let st = match d.severity {
                Severity::Error => style::ERROR,
                Severity::Warning => style::WARNING,
                Severity::Note => style::NOTE,
            };
            out.push_str(&format!(
                "  {st}{}[{}]{st:#}: {}\n",
                d.severity, d.code, d.message
            ));
            if let Some(hint) = &d.hint {
                out.push_str(&format!("    = hint: {hint}\n"));
            }
        }
    }
    out
}
