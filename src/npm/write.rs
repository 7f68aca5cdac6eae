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
