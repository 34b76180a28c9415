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

    /// The figures, and with `show` the disagreements.
    fn table(&self, name: &str, show: bool) -> String {
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
        let lists = [
            ("false positive", &self.false_positives),
            ("missed", &self.false_negatives),
        ];
        for (what, items) in lists.into_iter().filter(|_| show) {
            for i in items {
                let _ = writeln!(out, "  {what}: {}:{} {} {}", i.doc, i.line, i.rule, i.note);
            }
        }
        out
    }
}

/// Lints `text` and returns its findings as items of `doc`.
fn findings(linter: &Linter, doc: &str, text: &str) -> Vec<Item> {
    findings_and_outcomes(linter, doc, text).0
}

/// The findings on `text`, and how many patient-outcome measures the recogniser found in
/// it (the `outcome_measures` of `--format json`).
fn findings_and_outcomes(linter: &Linter, doc: &str, text: &str) -> (Vec<Item>, usize) {
    let parsed = Document::parse(text);
    let (found, metrics) = linter.lint_with_metrics(&parsed);
    let found = found
        .into_iter()
        .map(|d| Item {
            doc: doc.to_string(),
            rule: d.rule.to_string(),
            line: d.span.start.line,
            note: d.message.chars().take(90).collect(),
        })
        .collect();
    (found, metrics.outcome_measures)
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
    /// A clause that states a measure (or promises an outcome instead) is also scored as
    /// the labelled measure lines are: does the recogniser find an outcome measure in it?
    #[serde(default)]
    measure: Option<MeasureKind>,
}

/// Each clause is a document of its own; clause rules are scored, and the clauses labelled
/// as measures are scored as measures.
fn score_clauses(linter: &Linter) -> (Scores, MeasureScores) {
    let path = Path::new(ROOT).join("eval/clauses.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let file: ClauseFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("eval/clauses.toml: {e}"));
    let clause_rules = clause_rules(linter);
    let mut scores = Scores::default();
    let mut measures = MeasureScores::default();
    for (n, c) in file.clause.iter().enumerate() {
        let doc = format!("clause {}", n + 1);
        let (all, outcomes) = findings_and_outcomes(linter, &doc, &c.text);
        if let Some(kind) = c.measure {
            measures.record(kind, outcomes, &doc, 0, &c.text);
        }
        for r in &c.rules {
            assert!(
                clause_rules.contains(r),
                "{doc}: `{r}` is not a clause rule"
            );
        }
        let found: Vec<Item> = all
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
    (scores, measures)
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
    /// The clause rules whose every occurrence was labelled; all of them when absent.
    #[serde(default)]
    labelled: Option<Vec<String>>,
    /// The lines read for clause and measure labels; the whole document when absent.
    #[serde(default)]
    lines: Option<[usize; 2]>,
    #[serde(default)]
    measure: Vec<MeasureLabel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseLabel {
    rule: String,
    line: usize,
    quote: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureLabel {
    kind: MeasureKind,
    line: usize,
    quote: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
enum MeasureKind {
    Outcome,
    Process,
    Slogan,
}

/// Labelled lines that state a measure (or promise an outcome instead): each is linted
/// alone, and counts as taken for a patient-outcome measure when the recogniser (the
/// patterns of `missing-patient-outcomes`) finds one in it. Not "when the rule stays
/// quiet": a line that is only a bold title leaves a document with no prose, on which
/// document rules never fire, so that it passed for an outcome measure whatever it said.
#[derive(Default)]
struct MeasureScores {
    /// Per kind: (lines taken for an outcome measure, lines).
    kinds: BTreeMap<MeasureKind, (usize, usize)>,
    wrong: Vec<Item>,
}

impl MeasureScores {
    /// Scores one measure line of `kind`, in which the recogniser found `outcomes`
    /// patient-outcome measures when it was linted alone.
    fn record(&mut self, kind: MeasureKind, outcomes: usize, doc: &str, line: usize, text: &str) {
        let taken = outcomes > 0;
        let k = self.kinds.entry(kind).or_default();
        k.0 += usize::from(taken);
        k.1 += 1;
        if taken != (kind == MeasureKind::Outcome) {
            self.wrong.push(Item {
                doc: doc.to_string(),
                rule: format!("{kind:?}").to_lowercase(),
                line,
                note: text.chars().take(100).collect(),
            });
        }
    }

    /// The share judged right: outcomes recognised, slogans and process measures refused.
    fn rate(&self, kind: MeasureKind) -> Option<f64> {
        let &(taken, n) = self.kinds.get(&kind)?;
        let right = if kind == MeasureKind::Outcome {
            taken
        } else {
            n - taken
        };
        (n > 0).then(|| right as f64 / n as f64)
    }

    fn table(&self, name: &str, show: bool) -> String {
        let mut out = format!(
            "\n{name}\n{:26} {:>6} {:>6}\n",
            "measure kind", "lines", "right"
        );
        for kind in [
            MeasureKind::Outcome,
            MeasureKind::Slogan,
            MeasureKind::Process,
        ] {
            let n = self.kinds.get(&kind).map_or(0, |k| k.1);
            let what = match kind {
                MeasureKind::Outcome => "outcome (recognised)",
                MeasureKind::Slogan => "slogan (refused)",
                MeasureKind::Process => "process (refused)",
            };
            match self.rate(kind) {
                Some(r) => {
                    let _ = writeln!(out, "{what:26} {n:>6} {r:>6.2}");
                }
                None => {
                    let _ = writeln!(out, "{what:26} {n:>6} {:>6}", "-");
                }
            }
        }
        if show {
            for i in &self.wrong {
                let _ = writeln!(out, "  wrong: {}:{} {} {}", i.doc, i.line, i.rule, i.note);
            }
        }
        out
    }
}

/// Document-level verdicts: a document is right when exactly the labelled document rules
/// fire; a pair is one document and one document rule.
#[derive(Default)]
struct Verdicts {
    documents: (usize, usize),
    pairs: (usize, usize),
}

impl Verdicts {
    fn line(&self, name: &str) -> String {
        let rate = share;
        format!(
            "\n{name}: documents whose verdict is exactly right {}/{} ({:.2}); document-rule decisions right {}/{} ({:.2})\n",
            self.documents.0,
            self.documents.1,
            rate(self.documents),
            self.pairs.0,
            self.pairs.1,
            rate(self.pairs)
        )
    }
}

/// `right` of `n` as a share, 1 when there is nothing to judge.
fn share((right, n): (usize, usize)) -> f64 {
    if n == 0 {
        1.0
    } else {
        right as f64 / n as f64
    }
}

/// One labelled corpus (or part of one), scored four ways.
#[derive(Default)]
struct Labelled {
    clauses: Scores,
    documents: Scores,
    measures: MeasureScores,
    verdicts: Verdicts,
}

/// `../shared/corpus`, or None (with a note) when it is not beside the checkout and the
/// run does not require it.
fn corpus() -> Option<PathBuf> {
    let dir = Path::new(ROOT).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("TENDERLINT_REQUIRE_CORPUS").is_none(),
        "TENDERLINT_REQUIRE_CORPUS is set, and ../shared/corpus is not beside the checkout"
    );
    println!("note: ../shared/corpus is not beside the checkout: the real, development and CUAD sets are skipped");
    None
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

/// The labelled documents under `labels_dir` (mirroring `docs_dir`) whose source (first
/// folder) `keep` accepts: clause labels by line, document rules by document, measures
/// by line.
fn score_labelled(
    linter: &Linter,
    labels_dir: &Path,
    docs_dir: &Path,
    keep: impl Fn(&str) -> bool,
) -> Labelled {
    let mut files = Vec::new();
    label_files(labels_dir, &mut files);
    files.sort();
    let clause_rules = clause_rules(linter);
    let document_rules: BTreeSet<String> = linter
        .rules
        .rules
        .iter()
        .filter(|r| r.is_document_level())
        .map(|r| r.id.to_string())
        .collect();
    let mut out = Labelled::default();
    for file in files {
        let rel = file
            .strip_prefix(labels_dir)
            .unwrap_or(&file)
            .with_extension("md");
        let source = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .unwrap_or_default();
        if !keep(&source) {
            continue;
        }
        let doc = rel.to_string_lossy().to_string();
        let md = docs_dir.join(&rel);
        let text = std::fs::read_to_string(&md).unwrap_or_else(|e| panic!("{}: {e}", md.display()));
        let labels: LabelFile =
            toml::from_str(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let lines: Vec<&str> = text.lines().collect();
        let on = |line: usize| lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
        let holds = |line: usize, quote: &str| {
            let l = on(line);
            l.contains(quote.trim_matches('|').trim()) || l.contains(quote)
        };
        let labelled: BTreeSet<String> = match &labels.labelled {
            Some(list) => list.iter().cloned().collect(),
            None => clause_rules.clone(),
        };
        let [first, last] = labels.lines.unwrap_or([1, usize::MAX]);
        let read = |line: usize| (first..=last).contains(&line);
        for c in &labels.clause {
            assert!(
                labelled.contains(&c.rule),
                "{}: `{}` is not a labelled clause rule of this file",
                file.display(),
                c.rule
            );
            assert!(
                holds(c.line, &c.quote),
                "{}: line {} does not hold the quote {:?}",
                file.display(),
                c.line,
                c.quote
            );
        }
        for r in &labels.document {
            assert!(
                document_rules.contains(r),
                "{}: `{r}` is not a document rule",
                file.display()
            );
        }
        let found = findings(linter, &doc, &text);
        let (found_clauses, found_docs): (Vec<Item>, Vec<Item>) = found
            .into_iter()
            .filter(|f| f.rule != "unused-suppression")
            .partition(|f| clause_rules.contains(&f.rule));
        out.clauses.compare(
            found_clauses
                .into_iter()
                .filter(|f| labelled.contains(&f.rule) && read(f.line))
                .collect(),
            labels
                .clause
                .iter()
                .filter(|c| read(c.line))
                .map(|c| Item {
                    doc: doc.clone(),
                    rule: c.rule.clone(),
                    line: c.line,
                    note: c.quote.clone(),
                })
                .collect(),
            LINE_TOLERANCE,
        );
        let fired: BTreeSet<String> = found_docs.iter().map(|f| f.rule.clone()).collect();
        let wanted: BTreeSet<String> = labels.document.iter().cloned().collect();
        out.verdicts.documents.1 += 1;
        out.verdicts.documents.0 += usize::from(fired == wanted);
        for r in &document_rules {
            out.verdicts.pairs.1 += 1;
            out.verdicts.pairs.0 += usize::from(fired.contains(r) == wanted.contains(r));
        }
        out.documents.compare(
            found_docs
                .into_iter()
                .map(|f| Item { line: 0, ..f })
                .collect(),
            wanted
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
        for m in &labels.measure {
            assert!(
                holds(m.line, &m.quote),
                "{}: measure line {} does not hold the quote {:?}",
                file.display(),
                m.line,
                m.quote
            );
            let alone = on(m.line);
            let (_, outcomes) = findings_and_outcomes(linter, &doc, alone);
            out.measures.record(m.kind, outcomes, &doc, m.line, alone);
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Splits {
    tune: Vec<String>,
    #[serde(rename = "held-out")]
    held_out: Vec<String>,
}

fn splits() -> Splits {
    let path = Path::new(ROOT).join("eval/splits.toml");
    toml::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("eval/splits.toml: {e}"))
}

#[derive(Deserialize)]
struct CuadClause {
    text: String,
    category: String,
}

/// CUAD's categories name the rule that must fire; `other` and `other_sense` want none.
fn score_cuad(linter: &Linter, corpus: &Path) -> Scores {
    let path = corpus.join("cuad/clauses.jsonl");
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

/// Floors of the measure recogniser: the share of each kind judged right.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureFloor {
    outcome: f64,
    slogan: f64,
    process: f64,
}

/// Floors of the document-level verdicts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictFloor {
    documents: f64,
    pairs: f64,
}

#[derive(Deserialize)]
struct Floors {
    measures: BTreeMap<String, MeasureFloor>,
    verdicts: BTreeMap<String, VerdictFloor>,
    #[serde(flatten)]
    rules: BTreeMap<String, BTreeMap<String, Floor>>,
}

fn check_floors(set: &str, scores: &Scores, floors: &Floors) -> Vec<String> {
    let mut failures = Vec::new();
    let Some(floors) = floors.rules.get(set) else {
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

fn check_measures(set: &str, m: &MeasureScores, floors: &Floors) -> Vec<String> {
    let Some(f) = floors.measures.get(set) else {
        return vec![format!("eval/thresholds.toml has no measures.{set}")];
    };
    [
        (MeasureKind::Outcome, f.outcome),
        (MeasureKind::Slogan, f.slogan),
        (MeasureKind::Process, f.process),
    ]
    .into_iter()
    .filter_map(|(kind, floor)| {
        let rate = round(m.rate(kind)?);
        (rate < floor).then(|| format!("measures.{set}: {kind:?} {rate:.2} < floor {floor:.2}"))
    })
    .collect()
}

fn check_verdicts(set: &str, v: &Verdicts, floors: &Floors) -> Vec<String> {
    let Some(f) = floors.verdicts.get(set) else {
        return vec![format!("eval/thresholds.toml has no verdicts.{set}")];
    };
    let rate = |counts| round(share(counts));
    let mut out = Vec::new();
    if rate(v.documents) < f.documents {
        out.push(format!(
            "verdicts.{set}: documents {:.2} < floor {:.2}",
            rate(v.documents),
            f.documents
        ));
    }
    if rate(v.pairs) < f.pairs {
        out.push(format!(
            "verdicts.{set}: pairs {:.2} < floor {:.2}",
            rate(v.pairs),
            f.pairs
        ));
    }
    out
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `cargo test --release --test evaluation -- --nocapture` prints every table; this is
/// the one command the README's accuracy table comes from.
#[test]
fn every_rule_meets_its_precision_and_recall_floor_on_every_labelled_set() {
    let linter = linter();
    let floors: Floors = toml::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("eval/thresholds.toml"))
            .unwrap_or_else(|e| panic!("eval/thresholds.toml: {e}")),
    )
    .unwrap_or_else(|e| panic!("eval/thresholds.toml: {e}"));
    let show_held_out = std::env::var_os("TENDERLINT_EVAL_SHOW_HELDOUT").is_some();
    let mut failures = Vec::new();
    let (clauses, clause_measures) = score_clauses(&linter);
    println!("{}", clause_measures.table("clauses-measures", true));
    failures.extend(check_measures("clauses", &clause_measures, &floors));
    let mut clause_sets = vec![
        ("clauses", clauses, true),
        ("fixtures", score_fixtures(&linter), true),
    ];
    let mut labelled_sets = Vec::new();
    if let Some(corpus) = corpus() {
        let split = splits();
        let dev_labels = Path::new(ROOT).join("eval/dev");
        let dev_docs = corpus.join("dev");
        let mut dev_sources: Vec<String> = std::fs::read_dir(&dev_docs)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        dev_sources.sort();
        for s in &dev_sources {
            assert!(
                split.tune.contains(s) != split.held_out.contains(s),
                "eval/splits.toml must put the source `{s}` in exactly one of tune and held-out"
            );
        }
        labelled_sets.push((
            "real",
            score_labelled(
                &linter,
                &Path::new(ROOT).join("eval/real"),
                &corpus.join("real"),
                |_| true,
            ),
            true,
        ));
        labelled_sets.push((
            "dev-tune",
            score_labelled(&linter, &dev_labels, &dev_docs, |s| {
                split.tune.iter().any(|t| t == s)
            }),
            true,
        ));
        labelled_sets.push((
            "held-out",
            score_labelled(&linter, &dev_labels, &dev_docs, |s| {
                split.held_out.iter().any(|t| t == s)
            }),
            show_held_out,
        ));
        clause_sets.push(("cuad", score_cuad(&linter, &corpus), true));
    }
    for (name, scores, show) in &clause_sets {
        println!("{}", scores.table(name, *show));
        failures.extend(check_floors(name, scores, &floors));
    }
    for (name, set, show) in &labelled_sets {
        let clauses = format!("{name}-clauses");
        let documents = format!("{name}-documents");
        println!("{}", set.clauses.table(&clauses, *show));
        println!("{}", set.documents.table(&documents, *show));
        println!("{}", set.measures.table(&format!("{name}-measures"), *show));
        println!("{}", set.verdicts.line(&format!("{name}-verdicts")));
        failures.extend(check_floors(&clauses, &set.clauses, &floors));
        failures.extend(check_floors(&documents, &set.documents, &floors));
        if !set.measures.kinds.is_empty() {
            failures.extend(check_measures(name, &set.measures, &floors));
        }
        failures.extend(check_verdicts(name, &set.verdicts, &floors));
    }
    assert!(
        failures.is_empty(),
        "below the floor:\n{}",
        failures.join("\n")
    );
}
