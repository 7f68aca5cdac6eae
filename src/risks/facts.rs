//! Facts about a cluster or a node: dotted names with scalar values, read from an inventory's
//! `facts:` mappings (the cluster's and each node's) or from a `--facts` file (a YAML or JSON
//! mapping). Nested mappings flatten to dotted names, so `{parameters: {enable_x: "True"}}` and
//! `{"parameters.enable_x": "True"}` give the same fact `parameters.enable_x`.
//!
//! A fact with a null value is not given (a rule about it cannot be evaluated). A list is not a
//! fact value (no rule compares lists): it is refused with the position of the list.
//!
//! ```
//! use upgrade_planner::risks::facts::Facts;
//! let f = Facts::parse("parameters:\n  enable_rebuild_on_purge: true\nzone: z1\n")?;
//! assert_eq!(f.get("parameters.enable_rebuild_on_purge").map(|v| v.text.as_str()), Some("true"));
//! assert_eq!(f.len(), 2);
//! # Ok::<(), upgrade_planner::risks::facts::FactsError>(())
//! ```

use crate::diagnostic::{Diagnostic, Span};
use crate::limits;
use crate::yaml::{self, Node, Scalar, ScalarStyle, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// One fact's value: the scalar's text, and the boolean it spells when it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactValue {
    /// The text as written (quotes removed).
    pub text: String,
    /// `Some` when the text is a YAML 1.1 boolean spelling (`true`, `True`, `yes`, `off`, ...),
    /// quoted or not: parameter values are strings (`"True"`), inventories may write `true`.
    pub boolean: Option<bool>,
}

impl FactValue {
    /// A value from its text.
    pub fn new(text: impl Into<String>) -> FactValue {
        let text = text.into();
        // The boolean spellings are the YAML reader's own (one list, in `yaml::Scalar`).
        let boolean = Scalar {
            text: text.clone(),
            style: ScalarStyle::Plain,
            tag: None,
        }
        .as_bool();
        FactValue { text, boolean }
    }

    /// Whether two values are the same: as booleans when both are boolean spellings (`True` is
    /// `true`), otherwise as exact texts (`4.10` is not `4.1`).
    pub fn same_as(&self, other: &FactValue) -> bool {
        match (self.boolean, other.boolean) {
            (Some(a), Some(b)) => a == b,
            _ => self.text == other.text,
        }
    }
}

/// A set of facts by dotted name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    values: BTreeMap<String, FactValue>,
}

/// Why a `--facts` file could not be read.
#[derive(Debug, Error)]
pub enum FactsError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The file is not a mapping of facts; every problem found is listed.
    #[error("invalid facts: {}", crate::rollout::inventory::describe(file.as_deref(), diagnostics))]
    Invalid {
        /// The file, when read from one.
        file: Option<PathBuf>,
        /// Every problem found (at least one error).
        diagnostics: Vec<Diagnostic>,
    },
}

impl FactsError {
    /// The diagnostics of an invalid file (empty for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            FactsError::Invalid { diagnostics, .. } => diagnostics,
            FactsError::Io { .. } => &[],
        }
    }
}

impl Facts {
    /// No facts.
    pub fn new() -> Facts {
        Facts::default()
    }

    /// Sets a fact (replacing any value it had).
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.values.insert(name.into(), FactValue::new(value));
    }

    /// The value of a fact, when given.
    pub fn get(&self, name: &str) -> Option<&FactValue> {
        self.values.get(name)
    }

    /// How many facts there are.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there is no fact.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every fact, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FactValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// A node's facts: the cluster's, with the node's own replacing them name by name. `None`
    /// when neither gives a `facts:` mapping (then no fact is known at all, not even absence).
    pub fn effective(cluster: Option<&Facts>, node: Option<&Facts>) -> Option<Facts> {
        match (cluster, node) {
            (None, None) => None,
            (Some(c), None) => Some(c.clone()),
            (None, Some(n)) => Some(n.clone()),
            (Some(c), Some(n)) => {
                let mut out = c.clone();
                out.values
                    .extend(n.values.iter().map(|(k, v)| (k.clone(), v.clone())));
                Some(out)
            }
        }
    }

    /// Reads a `facts:` mapping. `code` is the diagnostic code for a wrong shape
    /// (`inventory-schema` in an inventory, `facts-schema` in a `--facts` file); `what` names the
    /// mapping in messages. `None` when it is not a mapping (an error is recorded).
    pub fn from_node(
        node: &Node,
        code: &'static str,
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Facts> {
        if !matches!(node.value, Value::Mapping(_)) {
            diags.push(
                Diagnostic::error(
                    code,
                    Some(node.span),
                    format!(
                        "{what} must be a mapping of names to values, found {}",
                        node.kind_name()
                    ),
                )
                .with_hint("write facts as `name: value`, nested or with dotted names"),
            );
            return None;
        }
        let mut facts = Facts::new();
        let mut first_span: BTreeMap<String, Span> = BTreeMap::new();
        let errors_before = diags.iter().filter(|d| d.is_error()).count();
        // (dotted prefix, mapping) pairs still to read: no recursion, whatever the nesting.
        let mut stack: Vec<(String, &Node)> = vec![(String::new(), node)];
        while let Some((prefix, map_node)) = stack.pop() {
            let Value::Mapping(entries) = &map_node.value else {
                continue;
            };
            // Reversed so that the mapping is read in source order off the stack.
            let mut nested = Vec::new();
            for (k, v) in entries {
                let Some(key) = k
                    .as_scalar()
                    .filter(|s| !s.is_null() && !s.text.trim().is_empty())
                else {
                    diags.push(Diagnostic::error(
                        code,
                        Some(k.span),
                        format!(
                            "a fact name must be a non-empty scalar, found {}",
                            k.kind_name()
                        ),
                    ));
                    continue;
                };
                let name = if prefix.is_empty() {
                    key.text.trim().to_string()
                } else {
                    format!("{prefix}.{}", key.text.trim())
                };
                if name.len() > limits::MAX_FACT_LEN {
                    diags.push(Diagnostic::error(
                        "too-large",
                        Some(k.span),
                        format!(
                            "a fact name is {} bytes long, more than the limit of {}",
                            name.len(),
                            limits::MAX_FACT_LEN
                        ),
                    ));
                    continue;
                }
                match &v.value {
                    Value::Mapping(_) => nested.push((name, v)),
                    Value::Sequence(_) => diags.push(
                        Diagnostic::error(
                            code,
                            Some(v.span),
                            format!(
                                "fact `{}` is a list; a fact is one value",
                                crate::rollout::inventory::short(&name)
                            ),
                        )
                        .with_hint(
                            "write one value; a rule's `in: [...]` lists the values it matches",
                        ),
                    ),
                    Value::Scalar(s) if s.is_null() => {}
                    Value::Scalar(s) => {
                        if s.text.len() > limits::MAX_FACT_LEN {
                            diags.push(Diagnostic::error(
                                "too-large",
                                Some(v.span),
                                format!(
                                    "the value of fact `{}` is {} bytes long, more than the limit of {}",
                                    crate::rollout::inventory::short(&name),
                                    s.text.len(),
                                    limits::MAX_FACT_LEN
                                ),
                            ));
                            continue;
                        }
                        if let Some(first) = first_span.get(&name) {
                            diags.push(
                                Diagnostic::error(
                                    code,
                                    Some(k.span),
                                    format!(
                                        "fact `{}` is given twice",
                                        crate::rollout::inventory::short(&name)
                                    ),
                                )
                                .with_related(*first, "first given here"),
                            );
                            continue;
                        }
                        if facts.len() >= limits::MAX_FACTS {
                            diags.push(Diagnostic::error(
                                "too-large",
                                Some(k.span),
                                format!("{what} has more than {} facts", limits::MAX_FACTS),
                            ));
                            return None;
                        }
                        first_span.insert(name.clone(), k.span);
                        facts.values.insert(name, FactValue::new(s.text.clone()));
                    }
                }
            }
            stack.extend(nested.into_iter().rev());
        }
        let errors_after = diags.iter().filter(|d| d.is_error()).count();
        (errors_after == errors_before).then_some(facts)
    }

    /// Reads facts from YAML or JSON text: one mapping.
    pub fn parse(src: &str) -> Result<Facts, FactsError> {
        let invalid = |diagnostics| FactsError::Invalid {
            file: None,
            diagnostics,
        };
        let root = match yaml::parse(src) {
            Ok(Some(root)) => root,
            Ok(None) => {
                return Err(invalid(vec![
                    Diagnostic::error("facts-schema", None, "the facts file is empty")
                        .with_hint("write one mapping of fact names to values (`{}` for none)"),
                ]));
            }
            Err(e) => return Err(invalid(vec![crate::rollout::inventory::yaml_diagnostic(e)])),
        };
        let mut diags = Vec::new();
        match Facts::from_node(&root, "facts-schema", "the facts file", &mut diags) {
            Some(f) if !diags.iter().any(Diagnostic::is_error) => Ok(f),
            _ => Err(invalid(diags)),
        }
    }

    /// Reads a `--facts` file (YAML or JSON, within [`limits::MAX_YAML_BYTES`]).
    pub fn from_path(path: &Path) -> Result<Facts, FactsError> {
        let src = crate::depgraph::read_yaml_file(path).map_err(|e| match e {
            crate::depgraph::LoadError::Io { path, source } => FactsError::Io { path, source },
            crate::depgraph::LoadError::Invalid { file, diagnostics } => {
                FactsError::Invalid { file, diagnostics }
            }
        })?;
        Facts::parse(&src).map_err(|e| match e {
            FactsError::Invalid { diagnostics, .. } => FactsError::Invalid {
                file: Some(path.to_path_buf()),
                diagnostics,
            },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(src: &str) -> Vec<&'static str> {
        match Facts::parse(src) {
            Ok(_) => Vec::new(),
            Err(e) => e.diagnostics().iter().map(|d| d.code).collect(),
        }
    }

    #[test]
    fn nested_and_dotted_names_are_the_same_fact() {
        let a = Facts::parse("parameters: {x: 'True', y: {z: 1}}\n").unwrap();
        let b = Facts::parse("{\"parameters.x\": \"True\", \"parameters.y.z\": 1}").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.get("parameters.y.z").unwrap().text, "1");
    }

    #[test]
    fn booleans_compare_as_booleans_and_the_rest_as_text() {
        assert!(FactValue::new("True").same_as(&FactValue::new("true")));
        assert!(FactValue::new("off").same_as(&FactValue::new("False")));
        assert!(!FactValue::new("True").same_as(&FactValue::new("False")));
        assert!(!FactValue::new("4.10").same_as(&FactValue::new("4.1")));
        assert!(FactValue::new("4.10").same_as(&FactValue::new("4.10")));
    }

    #[test]
    fn nulls_are_not_given_and_lists_are_refused() {
        let f = Facts::parse("a: ~\nb: 2\n").unwrap();
        assert!(f.get("a").is_none());
        assert_eq!(codes("a: [1, 2]\n"), ["facts-schema"]);
        assert_eq!(codes("- a\n"), ["facts-schema"]);
        assert_eq!(codes("a: {b: 1}\na.b: 2\n"), ["facts-schema"]);
        assert_eq!(codes(""), ["facts-schema"]);
        assert_eq!(codes("a: [\n"), ["yaml-syntax"]);
        assert!(Facts::parse("{}").unwrap().is_empty());
    }

    #[test]
    fn node_facts_override_cluster_facts() {
        let c = Facts::parse("a: 1\nb: 2\n").unwrap();
        let n = Facts::parse("b: 3\n").unwrap();
        let e = Facts::effective(Some(&c), Some(&n)).unwrap();
        assert_eq!(e.get("a").unwrap().text, "1");
        assert_eq!(e.get("b").unwrap().text, "3");
        assert_eq!(Facts::effective(None, None), None);
    }
}
