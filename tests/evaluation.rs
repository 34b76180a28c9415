//! The rule catalogue's measured accuracy: per-rule precision and recall on four labelled
//! sets, each compared with the floors in `eval/thresholds.toml`.
//!
//! - `clauses`: short clauses this project wrote, each labelled with the clause rules that
//!   must fire (`eval/clauses.toml`), hard negatives included;
//! - `fixtures`: the fixture documents and their `.expected` files;
//! - `real`: the public tenders in `../shared/corpus/real`, read through that path and
//!   labelled by reading them (`eval/real/**.toml`, see `eval/GUIDELINES.md`);
//! - `cuad`: the labelled commercial-contract clauses in `../shared/corpus/cuad`.
//!
//! `cargo test --release --test evaluation -- --nocapture` prints the tables and every
//! disagreement. A floor is the figure reached when it was set: a change that loses
//! precision or recall on any set fails here.

mod common;

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tenderlint::builtin;
use tenderlint::document::Document;
use tenderlint::engine::Linter;
use tenderlint::rules::RuleSet;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// A finding this many lines from a label still matches it (wrapped lines, tables).
const LINE_TOLERANCE: usize = 3;

fn linter() -> Linter {
    let rules = RuleSet::load(&builtin::files()).unwrap_or_else(|e| panic!("{e:?}"));
    Linter::new(rules)
}

/// A finding, or a label: which rule, where, in which document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    doc: String,
    rule: String,
    line: usize,
    note: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// One labelled set's results: counts per rule and the disagreements.
#[derive(Default)]
struct Scores {
    rules: BTreeMap<String, Counts>,
    false_positives: Vec<Item>,
    false_negatives: Vec<Item>,
}

impl Scores {
    /// Pairs findings with labels of the same rule and document, nearest line first,
    /// within `tolerance` lines; what is left over is a false positive or negative.
    fn compare(&mut self, found: Vec<Item>, labels: Vec<Item>, tolerance: usize) {
        let mut labels: Vec<Option<Item>> = labels.into_iter().map(Some).collect();
        let mut unmatched = Vec::new();
        for f in found {
            let best = labels
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.as_ref().map(|l| (i, l)))
                .filter(|(_, l)| l.doc == f.doc && l.rule == f.rule)
                .map(|(i, l)| (l.line.abs_diff(f.line), i))
                .filter(|&(d, _)| d <= tolerance)
                .min();
            match best {
                Some((_, i)) => {
                    labels[i] = None;
                    self.rules.entry(f.rule.clone()).or_default().tp += 1;
                }
                None => unmatched.push(f),
            }
        }
        for f in unmatched {
            self.rules.entry(f.rule.clone()).or_default().fp += 1;
            self.false_positives.push(f);
        }
        for l in labels.into_iter().flatten() {
            self.rules.entry(l.rule.clone()).or_default().fn_ += 1;
            self.false_negatives.push(l);
        }
    }

    fn table(&self, name: &str) -> String {
        let mut out = format!(
            "\n{name}\n{:26} {:>4} {:>4} {:>4} {:>9} {:>7}\n",
            "rule", "TP", "FP", "FN", "precision", "recall"
        );
        for (rule, c) in &self.rules {
            let _ = writeln!(
                out,
                "{rule:26} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
                c.tp,
                c.fp,
                c.fn_,
                c.precision(),
                c.recall()
            );
        }
        for (what, items) in [
            ("false positive", &self.false_positives),
            ("missed", &self.false_negatives),
        ] {
            for i in items {
                let _ = writeln!(out, "  {what}: {}:{} {} {}", i.doc, i.line, i.rule, i.note);
            }
        }
        out
    }
}

/// Lints `text` and returns its findings as items of `doc`.
fn findings(linter: &Linter, doc: &str, text: &str) -> Vec<Item> {
    let parsed = Document::parse(text);
    linter
        .lint(&parsed)
        .into_iter()
        .map(|d| Item {
            doc: doc.to_string(),
            rule: d.rule.to_string(),
            line: d.span.start.line,
            note: d.message.chars().take(90).collect(),
        })
        .collect()
}

fn clause_rules(linter: &Linter) -> BTreeSet<String> {
    linter
        .rules
        .rules
        .iter()
        .filter(|r| !r.is_document_level())
        .map(|r| r.id.to_string())
        .collect()
}

// ---------------------------------------------------------------- the labelled sets

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseFile {
    clause: Vec<LabelledClause>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelledClause {
    text: String,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    why: Option<String>,
}

/// Each clause is a document of its own; only clause rules are scored.
fn score_clauses(linter: &Linter) -> Scores {
    let path = Path::new(ROOT).join("eval/clauses.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let file: ClauseFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("eval/clauses.toml: {e}"));
    let clause_rules = clause_rules(linter);
    let mut scores = Scores::default();
    for (n, c) in file.clause.iter().enumerate() {
        let doc = format!("clause {}", n + 1);
        for r in &c.rules {
            assert!(
                clause_rules.contains(r),
                "{doc}: `{r}` is not a clause rule"
            );
        }
        let found: Vec<Item> = findings(linter, &doc, &c.text)
            .into_iter()
            .filter(|f| clause_rules.contains(&f.rule))
            .map(|f| Item { line: 0, ..f })
            .collect();
        let note = c
            .why
            .clone()
            .unwrap_or_else(|| c.text.chars().take(70).collect());
        let labels = c
            .rules
            .iter()
            .map(|r| Item {
                doc: doc.clone(),
                rule: r.clone(),
                line: 0,
                note: note.clone(),
            })
            .collect();
        scores.compare(found, labels, 0);
    }
    scores
}

/// The fixtures' `.expected` files are exact labels.
fn score_fixtures(linter: &Linter) -> Scores {
    let mut scores = Scores::default();
    for md in common::fixtures() {
        let doc = md
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(&md).unwrap_or_else(|e| panic!("{e}"));
        let labels = common::expected(&md)
            .iter()
            .filter_map(|l| {
                let (pos, rule) = l.split_once(' ')?;
                let line = pos.split(':').next()?.parse().ok()?;
                Some(Item {
                    doc: doc.clone(),
                    rule: rule.trim().to_string(),
                    line,
                    note: String::new(),
                })
            })
            .filter(|i| i.rule != "unused-suppression")
            .collect();
        let found = findings(linter, &doc, &text)
            .into_iter()
            .filter(|f| f.rule != "unused-suppression")
            .collect();
        scores.compare(found, labels, 0);
    }
    scores
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelFile {
    #[serde(default)]
    document: Vec<String>,
    #[serde(default)]
    clause: Vec<ClauseLabel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseLabel {
    rule: String,
    line: usize,
    quote: String,
}

fn corpus() -> PathBuf {
    let dir = Path::new(ROOT).join("../shared/corpus");
    assert!(
        dir.is_dir(),
        "the evaluation reads ../shared/corpus beside the checkout, and it is not there"
    );
    dir
}

fn label_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_dir() {
            label_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// The real tenders: clause labels by line, document rules by document.
fn score_real(linter: &Linter) -> (Scores, Scores) {
    let labels_dir = Path::new(ROOT).join("eval/real");
    let docs_dir = corpus().join("real");
    let mut files = Vec::new();
    label_files(&labels_dir, &mut files);
    files.sort();
    assert!(files.len() >= 40, "expected a label file per real document");
    let clause_rules = clause_rules(linter);
    let (mut clauses, mut documents) = (Scores::default(), Scores::default());
    for file in files {
        let rel = file
            .strip_prefix(&labels_dir)
            .unwrap_or(&file)
            .with_extension("md");
        let doc = rel.to_string_lossy().to_string();
        let md = docs_dir.join(&rel);
        let text = std::fs::read_to_string(&md).unwrap_or_else(|e| panic!("{}: {e}", md.display()));
        let labels: LabelFile =
            toml::from_str(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let lines: Vec<&str> = text.lines().collect();
        for c in &labels.clause {
            assert!(
                clause_rules.contains(&c.rule),
                "{}: `{}` is not a clause rule",
                file.display(),
                c.rule
            );
            let on_line = lines.get(c.line.wrapping_sub(1)).copied().unwrap_or("");
            assert!(
                on_line.contains(c.quote.trim_matches('|').trim()) || on_line.contains(&c.quote),
                "{}: line {} does not hold the quote {:?}",
                file.display(),
                c.line,
                c.quote
            );
        }
        let found = findings(linter, &doc, &text);
        let (found_clauses, found_docs): (Vec<Item>, Vec<Item>) = found
            .into_iter()
            .filter(|f| f.rule != "unused-suppression")
            .partition(|f| clause_rules.contains(&f.rule));
        clauses.compare(
            found_clauses,
            labels
                .clause
                .iter()
                .map(|c| Item {
                    doc: doc.clone(),
                    rule: c.rule.clone(),
                    line: c.line,
                    note: c.quote.clone(),
                })
                .collect(),
            LINE_TOLERANCE,
        );
        documents.compare(
            found_docs
                .into_iter()
                .map(|f| Item { line: 0, ..f })
                .collect(),
            labels
                .document
                .iter()
                .map(|r| Item {
                    doc: doc.clone(),
                    rule: r.clone(),
                    line: 0,
                    note: String::new(),
                })
                .collect(),
            0,
        );
    }
    (clauses, documents)
}

#[derive(Deserialize)]
struct CuadClause {
    text: String,
    category: String,
}

/// CUAD's categories name the rule that must fire; `other` and `other_sense` want none.
fn score_cuad(linter: &Linter) -> Scores {
    let path = corpus().join("cuad/clauses.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let clause_rules = clause_rules(linter);
    let mut scores = Scores::default();
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let c: CuadClause = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        let doc = format!("cuad {} ({})", n + 1, c.category);
        let want = match c.category.as_str() {
            "kpi_penalty" | "liquidated_damages" => Some("payment-deduction"),
            "volume_payment" => Some("volume-payment"),
            "service_credit" => Some("service-credits"),
            _ => None,
        };
        let note: String = c.text.chars().take(70).collect();
        // CUAD labels one kind of clause each; only the rules it can speak for are scored.
        let found = findings(linter, &doc, &c.text)
            .into_iter()
            .filter(|f| clause_rules.contains(&f.rule))
            .filter(|f| {
                ["payment-deduction", "volume-payment", "service-credits"]
                    .contains(&f.rule.as_str())
            })
            .map(|f| Item {
                line: 0,
                note: note.clone(),
                ..f
            })
            .collect();
        let labels = want
            .map(|r| Item {
                doc: doc.clone(),
                rule: r.to_string(),
                line: 0,
                note: note.clone(),
            })
            .into_iter()
            .collect();
        scores.compare(found, labels, 0);
    }
    scores
}

// ---------------------------------------------------------------- floors

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Floor {
    precision: f64,
    recall: f64,
}

fn check_floors(
    set: &str,
    scores: &Scores,
    floors: &BTreeMap<String, BTreeMap<String, Floor>>,
) -> Vec<String> {
    let mut failures = Vec::new();
    let Some(floors) = floors.get(set) else {
        return vec![format!("eval/thresholds.toml has no [{set}] table")];
    };
    for (rule, c) in &scores.rules {
        let Some(f) = floors.get(rule) else {
            failures.push(format!(
                "{set}: `{rule}` has no floor in eval/thresholds.toml"
            ));
            continue;
        };
        // Rounded as printed, so that a floor copied from the table holds.
        let (p, r) = (round(c.precision()), round(c.recall()));
        if p < f.precision {
            failures.push(format!(
                "{set}: `{rule}` precision {p:.2} < floor {:.2}",
                f.precision
            ));
        }
        if r < f.recall {
            failures.push(format!(
                "{set}: `{rule}` recall {r:.2} < floor {:.2}",
                f.recall
            ));
        }
    }
    failures
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[test]
fn every_rule_meets_its_precision_and_recall_floor_on_every_labelled_set() {
    let linter = linter();
    let (real_clauses, real_documents) = score_real(&linter);
    let sets = [
        ("clauses", score_clauses(&linter)),
        ("fixtures", score_fixtures(&linter)),
        ("real-clauses", real_clauses),
        ("real-documents", real_documents),
        ("cuad", score_cuad(&linter)),
    ];
    let floors: BTreeMap<String, BTreeMap<String, Floor>> = toml::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("eval/thresholds.toml"))
            .unwrap_or_else(|e| panic!("eval/thresholds.toml: {e}")),
    )
    .unwrap_or_else(|e| panic!("eval/thresholds.toml: {e}"));
    let mut failures = Vec::new();
    for (name, scores) in &sets {
        println!("{}", scores.table(name));
        failures.extend(check_floors(name, scores, &floors));
    }
    assert!(
        failures.is_empty(),
        "below the floor:\n{}",
        failures.join("\n")
    );
}
