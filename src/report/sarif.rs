//! `--format sarif`: SARIF 2.1.0, one run. `tool.driver.rules` lists every loaded rule
//! (built-in and custom, enabled or not) plus `unused-suppression`; each result has its
//! region in lines and columns (Unicode code points, as `columnKind` says) and in bytes,
//! and a `partialFingerprints` entry from the rule id and the normalised clause text, so a
//! finding keeps its identity when lines move.

use super::Outcome;
use crate::diagnostic::Severity;
use crate::engine::UNUSED_SUPPRESSION_CHECK;
use serde_json::{json, Value};

pub const FINGERPRINT_KEY: &str = "tenderlint/clause/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(o: &Outcome) -> String {
    let mut rules: Vec<Value> = o
        .catalogue
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": &*r.id,
                "name": r.id.replace('-', "_"),
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.rationale.trim() },
                "help": { "text": r.help },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "category": r.category, "kind": r.kind.as_str(), "origin": r.origin },
            });
            // A built-in rule's page (docs/rules); a user's own rule has none.
            if let Some(url) = crate::docs::url_for(&r.id) {
                rule["helpUri"] = json!(url);
            }
            rule
        })
        .collect();
    // The engine's own check, described where `rules` and `explain` take it from.
    let c = &UNUSED_SUPPRESSION_CHECK;
    rules.push(json!({
        "id": c.id,
        "name": c.id.replace('-', "_"),
        "shortDescription": { "text": c.title },
        "fullDescription": { "text": c.rationale },
        "help": { "text": c.help },
        "helpUri": crate::docs::page_url(c.id),
        "defaultConfiguration": { "level": level(c.severity) },
        "properties": { "category": c.category },
    }));
    let index = |id: &str| rules.iter().position(|r| r["id"] == id);

    let results: Vec<Value> = o
        .diagnostics()
        .map(|(path, d)| {
            let s = &d.span;
            let mut result = json!({
                "ruleId": &*d.rule,
                "level": level(d.severity),
                "message": { "text": format!("{} {}", d.message, d.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(path) },
                        "region": {
                            "startLine": s.start.line,
                            "startColumn": s.start.column,
                            "endLine": s.end.line,
                            "endColumn": s.end.column,
                            "byteOffset": s.offset,
                            "byteLength": s.length,
                        }
                    }
                }],
                "partialFingerprints": { FINGERPRINT_KEY: d.fingerprint },
            });
            if let Some(i) = index(&d.rule) {
                result["ruleIndex"] = json!(i);
            }
            // Where it is in the tender's own terms: the clause (or paragraph) under its
            // headings, as a logical location, and the parts in the property bag.
            if let Some(at) = &d.location {
                let name = match &at.clause {
                    Some(c) => format!("clause {c}"),
                    None => format!("paragraph {}", at.paragraph),
                };
                let mut path = at.section.clone();
                path.push(name.clone());
                result["locations"][0]["logicalLocations"] = json!([{
                    "name": name,
                    "fullyQualifiedName": path.join(" > "),
                    "kind": "element",
                }]);
                result["properties"] = json!({ "location": at });
            }
            // A finding about a whole tender: the files searched are its related locations.
            if let Some(id) = &d.tender {
                let files = o.tenders.iter().filter(|t| t.id == *id).flat_map(|t| &t.files);
                let related: Vec<Value> = files
                    .enumerate()
                    .map(|(k, f)| {
                        json!({
                            "id": k,
                            "physicalLocation": { "artifactLocation": { "uri": uri(f) } },
                            "message": { "text": "a file of this tender, searched for this finding" },
                        })
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
                result["properties"]["tender"] = json!(&**id);
            }
            result
        })
        .collect();

    let notifications: Vec<Value> = o
        .file_errors()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{} {}", e.message, e.help.as_deref().unwrap_or_default()).trim_end().to_string() },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&e.path) } } }],
            })
        })
        .collect();

    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// Where people read about the tool: the package's repository, when Cargo.toml names one.
const INFORMATION_URI: &str = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    "https://github.com/tenderlint/tenderlint"
} else {
    env!("CARGO_PKG_REPOSITORY")
};

/// A path as a URI: a relative path as a relative reference (`/` separated, reserved
/// bytes percent-encoded), resolved against the folder the tool ran in as SARIF
/// consumers do; an absolute path as a `file://` URI, which SARIF requires to be absolute
/// (a bare `/home/...` is a reference relative to a base it does not name).
pub fn uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    if slashed.starts_with('/') {
        // file:// then the path, whose own leading slash makes the empty authority.
        return format!("file://{}", encode(&slashed, true));
    }
    if std::path::Path::new(path).is_absolute() {
        // A Windows path with a drive letter: file:///C:/...
        return format!("file:///{}", encode(&slashed, true));
    }
    encode(&slashed, false)
}

/// `path` percent-encoded but for unreserved bytes and `/` (and `:` in an absolute path,
/// where it cannot be taken for a scheme).
fn encode(path: &str, absolute: bool) -> String {
    let mut out = String::new();
    // A file name that is not UTF-8: its own bytes, so that the URI names the file.
    let bytes = crate::files::path_bytes(path).unwrap_or_else(|| path.as_bytes().to_vec());
    for b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if absolute => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_encode_spaces_and_non_ascii() {
        assert_eq!(
            super::uri("specs/Service spec é#1.md"),
            "specs/Service%20spec%20%C3%A9%231.md"
        );
        assert_eq!(super::uri("a:b.md"), "a%3Ab.md", "not a scheme");
    }

    #[test]
    fn absolute_paths_are_file_uris() {
        assert_eq!(
            super::uri("/home/me/Service spec é.md"),
            "file:///home/me/Service%20spec%20%C3%A9.md"
        );
    }
}
