//! Writing items back out: the canonical text dump (spec section 4: one `NAME=VALUE` LF per item,
//! UTF-8 without BOM) and a ZAPI response. Both parse back to the same items when names follow the
//! name rule and values have no control characters and no surrounding blanks.

use super::Item;
use quick_xml::escape::escape;

/// The canonical text dump of `items`.
///
/// ```
/// let m = upgrade_planner::npm::parse_text(b"A : x=y\n# c\nB=\n")?;
/// assert_eq!(upgrade_planner::npm::write::to_text(&m.items), "A=x=y\nB=\n");
/// # Ok::<(), upgrade_planner::npm::NpmError>(())
/// ```
pub fn to_text(items: &[Item]) -> String {
    let mut out = String::new();
    for i in items {
        out.push_str(&i.name);
        out.push('=');
        out.push_str(&i.value);
        out.push('\n');
    }
    out
}

/// A ZAPI response envelope (`<netapp><results status="passed"><npm-metadata>...`) holding
/// `items`, with `&`, `<`, `>`, `'`, `"` escaped.
pub fn to_xml(items: &[Item]) -> String {
    let mut out = String::from(
        "<?xml version='1.0' encoding='UTF-8' ?>\n\
         <netapp version='1.9' xmlns='http://www.netapp.com/filer/admin'>\n  \
         <results status=\"passed\">\n    <npm-metadata>\n",
    );
    for i in items {
        out.push_str("      <npm-meta-elem-info>\n        <npm-meta-name>");
        out.push_str(&escape(i.name.as_str()));
        out.push_str("</npm-meta-name>\n        <npm-meta-value>");
        out.push_str(&escape(i.value.as_str()));
        out.push_str("</npm-meta-value>\n      </npm-meta-elem-info>\n");
    }
    out.push_str("    </npm-metadata>\n  </results>\n</netapp>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npm::{self, Item, PackageType};
    use proptest::prelude::*;

    fn item(name: &str, value: &str) -> Item {
        Item {
            name: name.into(),
            value: value.into(),
            span: Default::default(),
            value_at: Default::default(),
        }
    }

    fn pairs(items: &[Item]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|i| (i.name.clone(), i.value.clone()))
            .collect()
    }

    fn reparse_xml(xml: &str) -> Vec<Item> {
        match npm::parse_xml(xml.as_bytes()).unwrap() {
            npm::xml::XmlDocument::Metadata(m) => m.items,
            npm::xml::XmlDocument::Request(_) => panic!("request"),
        }
    }

    /// Any metadata set: unique names, values without controls or surrounding blanks.
    fn metadata_set() -> impl Strategy<Value = Vec<(String, String)>> {
        proptest::collection::vec(
            (
                "[A-Za-z_][A-Za-z0-9_.-]{0,12}",
                "[^\\x00-\\x1f\\x7f\\x{FFFE}\\x{FFFF}]{0,24}",
            ),
            1..12,
        )
        .prop_map(|v| {
            let mut seen = std::collections::HashSet::new();
            v.into_iter()
                .filter(|(n, _)| seen.insert(n.clone()))
                .map(|(n, val)| (n, val.trim_matches([' ', '\t']).to_string()))
                .collect()
        })
    }

    /// A valid metadata set (DataOntap or Service) with unknown items mixed in.
    fn valid_set() -> impl Strategy<Value = Vec<(String, String)>> {
        let date = (1990i16..2037, 1i8..=12, 1i8..=31, 0i8..24, 0i8..60, 0i8..60).prop_filter_map(
            "date exists",
            |(y, m, d, hh, mm, ss)| {
                let date = jiff::civil::Date::new(y, m, d).ok()?;
                let day = date.strftime("%a").to_string();
                let mon = date.strftime("%b").to_string();
                Some((day, mon, d, y, format!("{hh:02}:{mm:02}:{ss:02}")))
            },
        );
        let release = (
            proptest::collection::vec(0u32..20, 2..=4),
            prop_oneof![
                Just(String::new()),
                (1u32..9).prop_map(|k| format!("RC{k}")),
                (1u32..9).prop_map(|k| format!("P{k}"))
            ],
            prop_oneof![Just(""), Just(" 7-Mode"), Just(" Cluster-Mode")],
        )
            .prop_map(|(n, q, mode)| {
                format!(
                    "{}{q}{mode}",
                    n.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
                )
            });
        (
            any::<bool>(),
            date.clone(),
            date,
            prop_oneof![Just("pc"), Just("mips"), Just("pc,mips"), Just("mips, pc")],
            release,
            proptest::collection::vec(0u32..100, 1..3),
            "[A-Z][A-Z_]{0,8}X",
            "[!-~]([ -~]{0,20}[!-~])?",
        )
            .prop_map(
                |(
                    ontap,
                    (d1, m1, dd1, y1, t1),
                    (d2, m2, dd2, y2, t2),
                    arch,
                    rls,
                    vers,
                    unk,
                    unk_val,
                )| {
                    let mut v = vec![
                        (
                            "PKG_TYPE".to_string(),
                            if ontap { "DataOntap" } else { "Service" }.to_string(),
                        ),
                        (
                            "PKG_DTS".into(),
                            format!("{d1} {m1} {dd1:>2} {t1} {y1} GMT"),
                        ),
                        ("CPU_ARCH".into(), arch.to_string()),
                    ];
                    let list = vers
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(",");
                    if ontap {
                        v.push((
                            "ONTAP_RLS".into(),
                            format!("NetApp Release {rls}: {d2} {m2} {dd2} {t2} PDT {y2}"),
                        ));
                        v.push(("FILESYS_VER".into(), list.clone()));
                        v.push(("NVLOG_VER".into(), list));
                    } else {
                        v.push((
                            "DIAG_VER".into(),
                            format!("Diagnostic Monitor v{}", list.replace(',', ".")),
                        ));
                        v.push((
                            "DIAG_RLS".into(),
                            format!(
                                "NetApp Release Diagnostic_1.{}: {d2} {m2} {dd2} {y2}",
                                vers[0]
                            ),
                        ));
                        v.push(("CFE_VER".into(), format!("CFE-{}.0.1", vers[0])));
                        v.push(("OFW_VER".into(), format!("{}.3", vers[0])));
                    }
                    v.insert(1, (unk, unk_val));
                    v
                },
            )
    }

    proptest! {
        #[test]
        fn text_and_xml_round_trip(set in metadata_set()) {
            let items: Vec<Item> = set.iter().map(|(n, v)| item(n, v)).collect();
            let text = to_text(&items);
            let from_text = npm::parse_text(text.as_bytes()).unwrap().items;
            prop_assert_eq!(pairs(&from_text), set.clone());
            let from_xml = reparse_xml(&to_xml(&items));
            prop_assert_eq!(pairs(&from_xml), set);
        }

        #[test]
        fn valid_sets_read_the_same_from_both_forms(set in valid_set()) {
            let items: Vec<Item> = set.iter().map(|(n, v)| item(n, v)).collect();
            let a = npm::read(to_text(&items).as_bytes()).unwrap();
            let b = npm::read(to_xml(&items).as_bytes()).unwrap();
            prop_assert_eq!(&a.typed, &b.typed);
            let values = |p: &npm::Package| p.items.iter().map(|i| (i.item.name.clone(), i.values().iter().map(|v| v.to_string()).collect::<Vec<_>>())).collect::<Vec<_>>();
            prop_assert_eq!(values(&a), values(&b));
            prop_assert_eq!(a.findings.len(), 1, "one unknown item");
            let ontap = set[0].1 == "DataOntap";
            prop_assert_eq!(a.package_type == PackageType::DataOntap, ontap);
            prop_assert_eq!(a.typed.ontap_rls.is_some(), ontap);
        }

        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            npm::fuzz_text(&bytes);
            npm::fuzz_xml(&bytes);
        }
    }
}
