//! One pass over a parsed document, applying every enabled rule.
//!
//! The engine knows nothing of files, terminals or output formats: it takes a
//! [`Document`] and returns [`Diagnostic`]s sorted by position. Every pattern group of
//! every enabled rule is searched once in each block, before any rule runs; the rules
//! then read the hits they own.

use crate::concepts::Senses;
use crate::config::UNUSED_SUPPRESSION;
use crate::diagnostic::{fingerprint, Diagnostic, Severity, Span};
use crate::document::{
    clause_starts, numbered_clause, reads_as_prose, sentence_around, sentence_starts, Block,
    BlockKind, Document, Scope,
};
use crate::line_index::LineIndex;
use crate::matcher::{Found, LazyRegex, Plan};
use crate::metrics::{self, Evidence, Ingredient, Metrics};
use crate::par::prelude::*;
use crate::rules::{Check, Context, Filter, Group, Measure, Rule, RuleSet, With};
use crate::suppress::{self, Suppressions};
use regex_automata::meta::Regex;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

mod pieces;
pub use pieces::PieceScan;

/// Rules ready to lint documents, plus what the engine needs for suppressions.
#[derive(Debug, Clone)]
pub struct Linter {
    pub rules: RuleSet,
    /// Severity of `unused-suppression`; None when it is turned off.
    pub unused_suppression: Option<Severity>,
    /// Every rule loaded, before configuration turned any off: what SARIF describes,
    /// and what a suppression or `--select` may name.
    pub catalogue: Vec<Rule>,
    /// Compile every pattern group whole, once, rather than the parts each document
    /// needs. Set for runs over many files; used anyway for documents of many blocks.
    pub whole_groups: bool,
}

/// A check the engine makes itself, outside any rule file, as `tenderlint rules` lists
/// it and `tenderlint explain` explains it. It is configured like a rule, by its id.
#[derive(Debug, Clone, Copy)]
pub struct EngineCheck {
    pub id: &'static str,
    /// Its severity when the configuration says nothing.
    pub severity: Severity,
    pub category: &'static str,
    pub title: &'static str,
    pub rationale: &'static str,
    pub help: &'static str,
    pub example: &'static str,
    pub better: &'static str,
}

/// `unused-suppression`: suppression comments that hide no finding (see [`Linter::unused`]).
pub const UNUSED_SUPPRESSION_CHECK: EngineCheck = EngineCheck {
    id: UNUSED_SUPPRESSION,
    severity: Severity::Info,
    category: "suppression",
    title: "Suppression comments that hide nothing",
    rationale: "A tenderlint-disable comment tells the next reader that the clause below it \
        was judged and accepted as it is. When the clause has since been rewritten, or the \
        comment names a rule that does not fire there (or no rule at all), the comment is \
        stale: it misleads whoever reads it, and it would silently hide a real finding if \
        the clause turned bad again.",
    help: "Remove the comment, or the rule it names that finds nothing there.",
    example: "<!-- tenderlint-disable-next-line service-credits --> above \
        \"The Provider reports outcomes to the joint board each year.\"",
    better: "The same clause without the comment; keep a suppression only where it hides \
        a finding, with the reason beside it.",
};

/// Documents with more blocks than this compile every group whole regardless.
const WHOLE_GROUPS_BLOCKS: usize = 2_000;
/// Blocks per task when a long document is searched on all cores.
const CHUNK_BLOCKS: usize = 1_000;

/// The fewest words that make a sentence for the `requirement-ratio` and
/// `requirement-sentences` measures.
const SENTENCE_WORDS: usize = 4;

impl Linter {
    pub fn new(rules: RuleSet) -> Self {
        Linter {
            catalogue: rules.rules.clone(),
            rules,
            unused_suppression: Some(Severity::Info),
            whole_groups: false,
        }
    }

    /// Whether `id` names a loaded rule, enabled or not.
    pub fn knows(&self, id: &str) -> bool {
        self.catalogue.iter().any(|r| &*r.id == id)
    }

    /// The loaded rule id nearest to a mistyped `id`, if one is close enough.
    pub fn closest_rule(&self, id: &str) -> Option<&str> {
        crate::config::closest(id, self.catalogue.iter().map(|r| &*r.id))
    }

    pub fn lint(&self, doc: &Document) -> Vec<Diagnostic> {
        self.lint_with_metrics(doc).0
    }

    /// The findings, and the document's [`Metrics`], from the same pass: the document
    /// judged alone.
    pub fn lint_with_metrics(&self, doc: &Document) -> (Vec<Diagnostic>, Metrics) {
        let Scanned {
            mut diagnostics,
            facts,
            mut suppressions,
        } = self.scan(doc);
        diagnostics.extend(self.judge(&[&facts], None).into_iter().map(|(_, d)| d));
        self.finish(doc.source, &doc.lines, &mut suppressions, &mut diagnostics);
        let mut metrics = self.metrics(&[&facts], &diagnostics);
        metrics.title = doc_title(doc);
        (diagnostics, metrics)
    }

    /// The one pass over a document: clause-level findings, and the [`Facts`] that the
    /// document-level rules are judged on.
    pub fn scan(&self, doc: &Document) -> Scanned {
        let (diagnostics, facts) = self.scan_rules(doc, self.whole_groups);
        Scanned {
            diagnostics,
            facts,
            suppressions: suppress::parse(doc),
        }
    }

    /// Every rule applied to a document (or a piece of one): the clause-level findings,
    /// and the facts of the document-level rules.
    fn scan_rules(&self, doc: &Document, whole_groups: bool) -> (Vec<Diagnostic>, Facts) {
        let mut pass = Pass::new(doc, &self.rules, whole_groups);
        let mut diagnostics = Vec::new();
        let mut rules = Vec::new();
        // Counting words reads the whole document: only metric rules need it.
        let mut needs_words = false;
        for rule in &self.rules.rules {
            if rule.is_document_level() {
                needs_words |= matches!(rule.check, Check::Metric { .. });
                rules.push(pass.facts(rule));
            } else {
                pass.apply(rule, &mut diagnostics);
            }
        }
        let (anchor, anchor_rank) = pass.anchor();
        let facts = Facts {
            has_prose: doc.has_prose(),
            words: if needs_words { doc.word_count() } else { 0 },
            anchor,
            anchor_rank,
            rules,
        };
        (diagnostics, facts)
    }

    /// Judges every document-level rule over `files` taken together: one document, or
    /// the files of a tender with its main file first. A `require` rule is satisfied
    /// when any file satisfies it, a `conditional` rule looks for each group in every
    /// file, a `metric` rule measures the files as one text. Each finding comes with
    /// the index of the file it is anchored in: its `when` match, or the first file's
    /// first heading. A tender's findings name the files that were searched.
    pub fn judge(&self, files: &[&Facts], pack: Option<&Pack>) -> Vec<(usize, Diagnostic)> {
        let mut out = Vec::new();
        let Some(first) = files.first() else {
            return out;
        };
        let has_prose = files.iter().any(|f| f.has_prose);
        let document_rules = self.rules.rules.iter().filter(|r| r.is_document_level());
        for (k, rule) in document_rules.enumerate() {
            let facts = files.iter().map(|f| &f.rules[k]);
            let found = match &rule.check {
                Check::Require { min, .. } => {
                    let count: usize = facts.map(RuleFacts::count).sum();
                    (has_prose && count < *min).then(|| {
                        let message = rule
                            .message
                            .replace("{count}", &count.to_string())
                            .replace("{min}", &min.to_string());
                        (0, diagnostic(rule, message, first.anchor, ""))
                    })
                }
                Check::Conditional { when, require } => {
                    let facts: Vec<_> = facts.collect();
                    let first_when = |g: usize| {
                        facts.iter().enumerate().find_map(|(i, f)| match f {
                            RuleFacts::Conditional { when, .. } => Some((i, when[g].as_ref()?)),
                            _ => None,
                        })
                    };
                    let required = |g: usize| {
                        facts.iter().any(
                            |f| matches!(f, RuleFacts::Conditional { require, .. } if require[g]),
                        )
                    };
                    let all_when = (0..when.len()).all(|g| first_when(g).is_some());
                    let missing = (0..require.len()).any(|g| !required(g));
                    match first_when(0) {
                        Some((i, d)) if all_when && missing => Some((i, d.clone())),
                        _ => None,
                    }
                }
                Check::Metric { limits, .. } if has_prose => {
                    let (mut sentences, mut requirements) = (0, 0);
                    for f in facts {
                        if let RuleFacts::Metric {
                            sentences: s,
                            requirements: r,
                        } = f
                        {
                            sentences += s;
                            requirements += r;
                        }
                    }
                    let words: usize = files.iter().map(|f| f.words).sum();
                    limits.iter().find_map(|limit| {
                        let value = match limit.measure {
                            Measure::Words => words as f64,
                            Measure::RequirementSentences => requirements as f64,
                            Measure::RequirementRatio if sentences == 0 => 0.0,
                            Measure::RequirementRatio => requirements as f64 / sentences as f64,
                        };
                        (words >= limit.min_words && value > limit.max).then(|| {
                            let message = limit
                                .message
                                .as_deref()
                                .unwrap_or(&rule.message)
                                .replace("{value}", &shown(limit.measure, value))
                                .replace("{max}", &shown(limit.measure, limit.max))
                                .replace("{words}", &words.to_string());
                            (0, diagnostic(rule, message, first.anchor, ""))
                        })
                    })
                }
                _ => None,
            };
            if let Some((i, mut d)) = found {
                if let Some(p) = pack {
                    d.message.push_str(&p.searched());
                    d.tender = Some(p.id.clone());
                }
                out.push((i, d));
            }
        }
        out
    }

    /// Applies the document's suppression comments to its findings, reports the
    /// comments that hide nothing, and sorts the findings by position.
    pub fn finish(
        &self,
        source: &str,
        lines: &LineIndex,
        s: &mut Suppressions,
        out: &mut Vec<Diagnostic>,
    ) {
        out.retain(|d| !s.hides(d));
        s.settle();
        self.unused(source, lines, s, out);
        out.sort_by(|a, b| {
            (a.span.offset, a.span.length, &a.rule).cmp(&(b.span.offset, b.span.length, &b.rule))
        });
    }

    /// The figures of one document or tender: `files` as for [`Linter::judge`], and
    /// their findings after suppressions.
    pub fn metrics<'a>(
        &self,
        files: &[&Facts],
        findings: impl IntoIterator<Item = &'a Diagnostic>,
    ) -> Metrics {
        let performance_clauses = findings
            .into_iter()
            .filter(|d| {
                self.rules.get(&d.rule).is_some_and(|r| {
                    !r.is_document_level() && r.category == metrics::PERFORMANCE_CENTRIC
                })
            })
            .count();
        let mut outcome_measures = 0;
        let mut ingredients = Vec::new();
        let document_rules = self.rules.rules.iter().filter(|r| r.is_document_level());
        for (k, rule) in document_rules.enumerate() {
            let Check::Require { min, .. } = &rule.check else {
                continue;
            };
            let count: usize = files.iter().map(|f| f.rules[k].count()).sum();
            if rule.category == metrics::PATIENT_OUTCOMES {
                outcome_measures += count;
            }
            let evidence = files.iter().enumerate().find_map(|(file, f)| {
                let RuleFacts::Require(_, Some((span, text))) = &f.rules[k] else {
                    return None;
                };
                Some(Evidence {
                    path: None,
                    line: span.start.line,
                    column: span.start.column,
                    text: text.clone(),
                    file,
                })
            });
            ingredients.push(Ingredient {
                name: Metrics::ingredient_name(&rule.id),
                rule: rule.id.clone(),
                present: count >= *min,
                evidence,
            });
        }
        Metrics::new(performance_clauses, outcome_measures, ingredients)
    }

    fn unused(&self, source: &str, lines: &LineIndex, s: &Suppressions, out: &mut Vec<Diagnostic>) {
        let Some(severity) = self.unused_suppression else {
            return;
        };
        let rule: Arc<str> = Arc::from(UNUSED_SUPPRESSION);
        // The nearest rule to each unknown name, found once per name: a long document
        // may repeat a mistyped comment many times.
        let mut nearest: std::collections::HashMap<&str, Option<&str>> = Default::default();
        for e in s.entries.iter().filter(|e| !e.used) {
            let (message, help) = match &e.rule {
                None => (
                    "This comment turns tenderlint off, but there is no finding here for it to hide.".to_string(),
                    "Remove the comment.".to_string(),
                ),
                Some(r) if self.rules.get(r).is_some() => (
                    format!("This comment turns off `{r}`, but there is no `{r}` finding here for it to hide."),
                    format!("Remove `{r}` from the comment, or remove the comment."),
                ),
                // A rule that exists but is turned off: not this comment's fault.
                Some(r) if self.knows(r) => continue,
                Some(r) => {
                    let hint = (nearest.entry(r).or_insert_with(|| self.closest_rule(r)))
                        .map(|c| format!("Did you mean `{c}`? "))
                        .unwrap_or_default();
                    (
                        format!("This comment names `{r}`, which is not a tenderlint rule."),
                        format!("{hint}Run `tenderlint rules` to list the rules."),
                    )
                }
            };
            out.push(Diagnostic {
                rule: rule.clone(),
                severity,
                message,
                help: help.into(),
                span: lines.span(source, e.span.start, e.span.end),
                fingerprint: fingerprint(UNUSED_SUPPRESSION, &source[e.span.clone()]),
                sentence_fingerprint: None,
                tender: None,
                location: None,
            });
        }
        for m in &s.malformed {
            out.push(Diagnostic {
                rule: rule.clone(),
                severity,
                message: format!("`{}` is not a tenderlint comment, so it hides nothing.", m.directive),
                help: "Use tenderlint-disable, tenderlint-enable, tenderlint-disable-next-line or tenderlint-disable-file.".into(),
                span: lines.span(source, m.span.start, m.span.end),
                fingerprint: fingerprint(UNUSED_SUPPRESSION, &source[m.span.clone()]),
                sentence_fingerprint: None,
                tender: None,
                location: None,
            });
        }
    }
}

/// Clause-level findings of one document (before its suppression comments apply), the
/// facts its document-level rules are judged on, and its suppression comments.
#[derive(Debug)]
pub struct Scanned {
    pub diagnostics: Vec<Diagnostic>,
    pub facts: Facts,
    pub suppressions: Suppressions,
}

/// What one document tells the document-level rules. It is small and outlives the
/// document, so that the files of a tender are parsed one at a time, in parallel, and
/// then judged together by merging their facts.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    has_prose: bool,
    /// Words in the document, counted only when a metric rule needs them.
    words: usize,
    /// Where a finding about the whole document sits: its first heading, else its first
    /// prose, else line 1.
    anchor: Span,
    /// What `anchor` is: 2 a heading, 1 the first prose, 0 line 1. Pieces merged keep the
    /// first anchor of the highest rank, as the whole document would have it.
    anchor_rank: u8,
    /// One entry per document-level rule, in rule order.
    rules: Vec<RuleFacts>,
}

impl Facts {
    /// The facts of a document made of this one's text followed by `next`'s: the pieces
    /// of a long document, in order.
    fn merge(self, next: Facts) -> Facts {
        let rules = (self.rules.into_iter().zip(next.rules))
            .map(|pair| match pair {
                (RuleFacts::Require(a, first), RuleFacts::Require(b, next)) => {
                    RuleFacts::Require(a + b, first.or(next))
                }
                (
                    RuleFacts::Conditional { when, require },
                    RuleFacts::Conditional {
                        when: when_next,
                        require: require_next,
                    },
                ) => RuleFacts::Conditional {
                    when: when
                        .into_iter()
                        .zip(when_next)
                        .map(|(a, b)| a.or(b))
                        .collect(),
                    require: require
                        .iter()
                        .zip(require_next)
                        .map(|(a, b)| *a || b)
                        .collect(),
                },
                (
                    RuleFacts::Metric {
                        sentences,
                        requirements,
                    },
                    RuleFacts::Metric {
                        sentences: s,
                        requirements: r,
                    },
                ) => RuleFacts::Metric {
                    sentences: sentences + s,
                    requirements: requirements + r,
                },
                // Every piece is scanned by the same rules, in the same order.
                (a, _) => a,
            })
            .collect();
        let (anchor, anchor_rank) = if self.anchor_rank == 2 || next.anchor_rank <= self.anchor_rank
        {
            (self.anchor, self.anchor_rank)
        } else {
            (next.anchor, next.anchor_rank)
        };
        Facts {
            has_prose: self.has_prose || next.has_prose,
            words: self.words + next.words,
            anchor,
            anchor_rank,
            rules,
        }
    }
}

#[derive(Debug, Clone)]
enum RuleFacts {
    /// How many clauses match a `require` rule's patterns, and the first match: where
    /// it is and its words.
    Require(usize, Option<(Span, String)>),
    /// A `conditional` rule: the finding each `when` group's first match would give,
    /// and whether each `require` group matched.
    Conditional {
        when: Vec<Option<Diagnostic>>,
        require: Vec<bool>,
    },
    /// A `metric` rule: sentences, and those matching its requirement pattern.
    Metric {
        sentences: usize,
        requirements: usize,
    },
}

impl RuleFacts {
    fn count(&self) -> usize {
        match self {
            RuleFacts::Require(n, _) => *n,
            _ => 0,
        }
    }
}

/// The tender whose files are judged together: its identity, and the files searched,
/// as the findings name them.
#[derive(Debug, Clone)]
pub struct Pack {
    pub id: Arc<str>,
    pub name: String,
    pub files: Vec<String>,
}

impl Pack {
    /// The sentence a tender's finding ends with.
    fn searched(&self) -> String {
        let n = self.files.len();
        let files = if n == 1 { "file" } else { "files" };
        format!(
            " (Searched all {n} {files} of the tender \"{}\": {}.)",
            self.name,
            self.files.join(", ")
        )
    }
}

/// A match of one pattern group in one block's text.
#[derive(Debug, Clone, Copy)]
struct Hit {
    block: usize,
    start: usize,
    end: usize,
}

/// The state of linting one document: every group's hits, found in one pass.
struct Pass<'d> {
    doc: &'d Document<'d>,
    senses: &'d Senses,
    hits: Vec<Vec<Hit>>,
    sentences: Vec<Option<Vec<usize>>>,
    clauses: Vec<Option<Vec<usize>>>,
}

impl<'d> Pass<'d> {
    fn new(doc: &'d Document<'d>, rules: &'d RuleSet, whole_groups: bool) -> Self {
        let words = rules.words();
        let whole_groups = whole_groups || doc.blocks.len() > WHOLE_GROUPS_BLOCKS;
        let hits = if whole_groups {
            // Every group compiled whole, once for the run; each block is searched only
            // by the groups whose words it holds.
            // (Compiled on all cores if `RuleSet::prepare` has not compiled them yet.)
            let whole: Vec<&Regex> = rules.matchers.par_iter().map(|m| m.whole().get()).collect();
            let groups = whole.len();
            // Which groups may match each block, chunk by chunk of blocks (the word
            // search keeps nothing per regex, so it runs on all cores).
            let possible: Vec<Vec<bool>> = doc
                .blocks
                .par_chunks(CHUNK_BLOCKS)
                .map(|blocks| {
                    let (mut found, mut one) = (Found::default(), vec![false; groups]);
                    let mut all = Vec::with_capacity(blocks.len() * groups);
                    for block in blocks {
                        words.groups(&block.text, &mut found, &mut one);
                        all.extend_from_slice(&one);
                    }
                    all
                })
                .collect();
            // Then each group searches all its blocks on one core, the groups on all
            // cores: a regex's lazy DFA cache is filled by one core and stays warm in
            // it. Against searching chunks of blocks with every group on all cores:
            // 19% less CPU time and 5 MB less at peak on a 50 MB tender, 16% less on a
            // folder of 1 MB tenders (paired runs on two cores).
            let search_group = |(g, re): (usize, &&Regex)| {
                let mut hits = Vec::new();
                for (c, chunk) in possible.iter().enumerate() {
                    let wanted = chunk.iter().skip(g).step_by(groups);
                    for (i, _) in wanted.enumerate().filter(|(_, &p)| p) {
                        let block = c * CHUNK_BLOCKS + i;
                        hits.extend(re.find_iter(&doc.blocks[block].text).map(|m| Hit {
                            block,
                            start: m.start(),
                            end: m.end(),
                        }));
                    }
                }
                hits
            };
            if doc.blocks.len() > CHUNK_BLOCKS {
                whole.par_iter().enumerate().map(search_group).collect()
            } else {
                whole.iter().enumerate().map(search_group).collect()
            }
        } else {
            // Alone, a document searches only the parts of each group whose words one
            // of its blocks holds, in those blocks, with their exact automata where they
            // have them; it compiles the others (see `Matcher::plan`).
            let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
            let bytes = texts.iter().map(|t| t.len()).sum();
            let places = words.places(&texts);
            let plans: Vec<Plan> = (rules.matchers.par_iter().zip(&places))
                .map(|(m, places)| m.plan(places, &texts, bytes))
                .collect();
            let mut hits = vec![Vec::new(); plans.len()];
            let mut found = Vec::new();
            for (i, text) in texts.iter().enumerate() {
                for (plan, hits) in plans.iter().zip(&mut hits) {
                    plan.search(i, text, &mut found);
                    hits.extend(found.drain(..).map(|m| Hit {
                        block: i,
                        start: m.start,
                        end: m.end,
                    }));
                }
            }
            hits
        };
        // The filters that the rules with hits will read, compiled ahead on all cores.
        // A document checked alone leaves out those with an automaton, which answers
        // most of its questions without compiling; over many blocks, the compiled
        // regex answers faster (a whole-buffer re-lint in the language server took 149
        // ms instead of 97 when they were left out). So do the senses' regexes.
        let read: Vec<&LazyRegex> = rules
            .rules
            .iter()
            .filter(|r| match r.check {
                Check::Table { .. } => !doc.tables.is_empty(),
                Check::Metric { .. } => true,
                _ => r.groups().iter().any(|g| !hits[g.matcher].is_empty()),
            })
            .flat_map(Rule::filters)
            .filter(|re| whole_groups || !re.has_automaton())
            .collect();
        read.par_iter().for_each(|re| {
            re.get();
        });
        if whole_groups {
            rules.senses.prepare();
        }
        Pass {
            doc,
            senses: &rules.senses,
            hits,
            sentences: vec![None; doc.blocks.len()],
            clauses: vec![None; doc.blocks.len()],
        }
    }

    fn sentence_starts(&mut self, block: usize) -> &[usize] {
        let doc = self.doc;
        self.sentences[block].get_or_insert_with(|| sentence_starts(&doc.blocks[block].text))
    }

    fn clause_starts(&mut self, block: usize) -> &[usize] {
        let doc = self.doc;
        self.clauses[block].get_or_insert_with(|| clause_starts(&doc.blocks[block].text))
    }

    /// Whether the rule looks at this block at all.
    fn admits(&self, filter: &Filter, block: &Block) -> bool {
        if filter.scopes & block.kind.scope().bit() == 0 {
            return false;
        }
        // A title written as a paragraph is a heading to rules that skip headings.
        if filter.scopes & Scope::Heading.bit() == 0 && block.is_title_like() {
            return false;
        }
        if filter.section.is_none() && filter.exclude_section.is_none() {
            return true;
        }
        let path = self.doc.section_path(block);
        filter
            .section
            .as_ref()
            .is_none_or(|re| path.iter().any(|t| re.is_match(t)))
            && filter
                .exclude_section
                .as_ref()
                .is_none_or(|re| !path.iter().any(|t| re.is_match(t)))
    }

    /// The group's hits this rule accepts, each with its sentence: in a block the rule
    /// looks at, not cancelled by `unless`, negation or another sense of the words, and
    /// with each `with` concept in its context.
    fn accepted(&mut self, filter: &Filter, group: &Group) -> Vec<(Hit, Range<usize>)> {
        let hits = std::mem::take(&mut self.hits[group.matcher]);
        let mut out = Vec::new();
        for h in &hits {
            let block = &self.doc.blocks[h.block];
            if !self.admits(filter, block) {
                continue;
            }
            let text_len = block.text.len();
            let starts = self.clause_starts(h.block);
            let sentence = sentence_around(starts, text_len, h.start..h.end);
            let text = &self.doc.blocks[h.block].text;
            let clause = &text[sentence.clone()];
            if group.unless.iter().any(|u| u.is_match(clause)) {
                continue;
            }
            let at = h.start - sentence.start..h.end - sentence.start;
            if self.senses.negated(clause, at) {
                continue;
            }
            let doc = self.doc;
            let context = || {
                let mut context = clause.to_string();
                for t in doc.section_path(&doc.blocks[h.block]) {
                    context.push('\n');
                    context.push_str(t);
                }
                context
            };
            if self
                .senses
                .other_sense(&text[h.start..h.end], context)
                .is_some()
            {
                continue;
            }
            if !group
                .with
                .iter()
                .all(|w| self.found_with(w, h.block, sentence.clone()))
            {
                continue;
            }
            out.push((*h, sentence));
        }
        self.hits[group.matcher] = hits;
        out
    }

    /// Whether `with`'s concept occurs in one of its contexts around `sentence` of `block`.
    fn found_with(&mut self, with: &With, block: usize, sentence: Range<usize>) -> bool {
        let previous = if with.within.contains(&Context::PreviousSentence) {
            self.previous_clause(block, sentence.start)
        } else {
            None
        };
        let doc = self.doc;
        let b = &doc.blocks[block];
        let re = &with.regex;
        with.within.iter().any(|c| match c {
            Context::Sentence => re.is_match(&b.text[sentence.clone()]),
            Context::Block => re.is_match(&b.text),
            Context::PreviousSentence => previous.as_ref().is_some_and(|(i, r)| {
                let text = match i {
                    Some(i) => &doc.blocks[*i].text,
                    None => doc.before.as_ref().map_or("", |b| b.text.as_str()),
                };
                re.is_match(&text[r.clone()])
            }),
            Context::Heading => doc.section_path(b).iter().any(|t| re.is_match(t)),
            Context::Column => match b.kind {
                BlockKind::TableCell { table, column, .. } => doc.tables[table]
                    .header
                    .iter()
                    .any(|&(c, h)| c == column && re.is_match(&doc.blocks[h].text)),
                _ => false,
            },
            Context::Row => match b.kind {
                BlockKind::TableCell { table, row, .. } => {
                    let same = |k: &BlockKind| {
                        matches!(k, BlockKind::TableCell { table: t, row: r, .. } if *t == table && *r == row)
                    };
                    let before = doc.blocks[..block]
                        .iter()
                        .rev()
                        .take_while(|o| same(&o.kind));
                    let after = doc.blocks[block + 1..]
                        .iter()
                        .take_while(|o| same(&o.kind));
                    before.chain(after).any(|o| re.is_match(&o.text))
                }
                _ => false,
            },
        })
    }

    /// The clause before the one starting at `start` in `block`: in the same block, or the
    /// last of the block before (`None`: the block before this piece of the document,
    /// [`Document::before`]). As (block, byte range).
    fn previous_clause(
        &mut self,
        block: usize,
        start: usize,
    ) -> Option<(Option<usize>, Range<usize>)> {
        if start > 0 {
            let prev = self
                .clause_starts(block)
                .iter()
                .rev()
                .find(|&&s| s < start)
                .copied()
                .unwrap_or(0);
            return Some((Some(block), prev..start));
        }
        let Some(before) = block.checked_sub(1) else {
            let text = &self.doc.before.as_ref()?.text;
            let last = clause_starts(text).last().copied().unwrap_or(0);
            return Some((None, last..text.len()));
        };
        let last = self.clause_starts(before).last().copied().unwrap_or(0);
        Some((Some(before), last..self.doc.blocks[before].text.len()))
    }

    /// The hits of any of `groups`, one per clause, in order. A clause's hit is the one
    /// of the first group that matched it (a rule lists its most telling patterns first),
    /// and of those the earliest and then the longest, so the message quotes "credit
    /// points" rather than "credit".
    fn accepted_any(&mut self, filter: &Filter, groups: &[Group]) -> Vec<(Hit, Range<usize>)> {
        let mut all: Vec<(usize, Hit, Range<usize>)> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            all.extend(
                self.accepted(filter, group)
                    .into_iter()
                    .map(|(h, s)| (g, h, s)),
            );
        }
        all.sort_by_key(|(g, h, s)| (h.block, s.start, *g, h.start, std::cmp::Reverse(h.end)));
        let mut seen = HashSet::new();
        all.retain(|(_, h, s)| seen.insert((h.block, s.start)));
        all.into_iter().map(|(_, h, s)| (h, s)).collect()
    }

    fn apply(&mut self, rule: &Rule, out: &mut Vec<Diagnostic>) {
        match &rule.check {
            Check::Pattern { find } => {
                // One finding per clause: further matches in the same sentence add nothing.
                for (hit, sentence) in self.accepted_any(&rule.filter, find) {
                    out.push(self.at_hit(rule, hit, sentence));
                }
            }
            // Document-level rules are judged on facts: see `Pass::facts`.
            Check::Require { .. } | Check::Conditional { .. } | Check::Metric { .. } => {}
            Check::Table {
                header,
                has_column,
                lacks_column,
            } => {
                for table in &self.doc.tables {
                    // A table may be laid out either way round: its labels are the cells
                    // of its header row and of its first column, those that read as labels
                    // rather than as sentences.
                    let cells: Vec<&str> = table
                        .header
                        .iter()
                        .map(|&(_, b)| b)
                        .chain(table.first_column.iter().copied())
                        .map(|b| self.doc.blocks[b].text.as_str())
                        .filter(|c| !reads_as_prose(c))
                        .collect();
                    if !cells.iter().any(|c| header.is_match(c)) {
                        continue;
                    }
                    let message = if !has_column.is_empty() {
                        let column = has_column
                            .iter()
                            .find_map(|re| cells.iter().find(|c| re.is_match(c)));
                        match column {
                            Some(column) => rule.message.replace("{column}", &quote(column)),
                            None => continue,
                        }
                    } else if !lacks_column.is_empty() {
                        let missing: Vec<&str> = lacks_column
                            .iter()
                            .filter(|(_, re)| !cells.iter().any(|c| re.is_match(c)))
                            .map(|(name, _)| name.as_str())
                            .collect();
                        if missing.is_empty() {
                            continue;
                        }
                        rule.message.replace("{missing}", &missing.join(", "))
                    } else {
                        rule.message.clone()
                    };
                    // A table with no header row (its labels in its first column) is
                    // reported at its first row.
                    // A flattened table is reported at the cell that names its measures.
                    let named = table.flattened.then(|| {
                        table
                            .header
                            .iter()
                            .map(|&(_, b)| &self.doc.blocks[b])
                            .find(|b| !reads_as_prose(&b.text) && header.is_match(&b.text))
                    });
                    let r = if let Some(Some(cell)) = named {
                        let rest = &self.doc.source[cell.range.start..];
                        cell.range.start..cell.range.start + rest.find('\n').unwrap_or(rest.len())
                    } else if table.header_range.is_empty() {
                        let first = table.first_column.first().map(|&b| &self.doc.blocks[b]);
                        let start = first.map_or(table.range.start, |b| b.range.start);
                        let rest = &self.doc.source[start..];
                        start..start + rest.find('\n').unwrap_or(rest.len())
                    } else {
                        table.header_range.clone()
                    };
                    let row = self.doc.source[r.clone()].trim_end();
                    let span = self.span(r.start, r.start + row.len());
                    out.push(diagnostic(rule, message, span, row));
                }
            }
        }
    }

    /// What this document tells a document-level rule.
    fn facts(&mut self, rule: &Rule) -> RuleFacts {
        match &rule.check {
            Check::Require { find, .. } => {
                let hits = self.accepted_any(&rule.filter, find);
                let first = hits.first().map(|(hit, _)| {
                    let (span, words) = self.hit_place(hit);
                    (span, words.to_string())
                });
                RuleFacts::Require(hits.len(), first)
            }
            Check::Conditional { when, require } => RuleFacts::Conditional {
                when: when
                    .iter()
                    .map(|g| {
                        let first = self.accepted(&rule.filter, g).into_iter().next();
                        first.map(|(hit, sentence)| self.at_hit(rule, hit, sentence))
                    })
                    .collect(),
                require: require
                    .iter()
                    .map(|g| !self.accepted(&rule.filter, g).is_empty())
                    .collect(),
            },
            Check::Metric {
                limits,
                requirement,
            } => {
                let counted = limits.iter().any(|l| l.measure != Measure::Words);
                let (sentences, requirements) = if counted {
                    self.requirement_sentences(requirement)
                } else {
                    (0, 0)
                };
                RuleFacts::Metric {
                    sentences,
                    requirements,
                }
            }
            // Clause-level rules are applied, not judged: `scan` never asks for their facts.
            Check::Pattern { .. } | Check::Table { .. } => RuleFacts::Require(0, None),
        }
    }

    /// Sentences in the document, and those that match `requirement`.
    ///
    /// A sentence has at least [`SENTENCE_WORDS`] words and is not a heading: the labels
    /// of a requirements table ("DIMR_EU_1", "End user computing", "Yes") are not
    /// sentences, and counting them would dilute the table's requirements.
    fn requirement_sentences(&mut self, requirement: &LazyRegex) -> (usize, usize) {
        let (mut total, mut matching) = (0usize, 0usize);
        for i in 0..self.doc.blocks.len() {
            if matches!(self.doc.blocks[i].kind, BlockKind::Heading { .. }) {
                continue;
            }
            let starts = self.sentence_starts(i).to_vec();
            let text = &self.doc.blocks[i].text;
            for (k, &s) in starts.iter().enumerate() {
                let e = starts.get(k + 1).copied().unwrap_or(text.len());
                let sentence = &text[s..e];
                if sentence
                    .split_whitespace()
                    .nth(SENTENCE_WORDS - 1)
                    .is_none()
                {
                    continue;
                }
                total += 1;
                matching += usize::from(requirement.is_match(sentence));
            }
        }
        (total, matching)
    }

    /// Where a hit is in the source, and its words.
    fn hit_place(&self, hit: &Hit) -> (Span, &str) {
        let block = &self.doc.blocks[hit.block];
        let span = self.span(block.source_start(hit.start), block.source_end(hit.end));
        (span, &block.text[hit.start..hit.end])
    }

    /// A finding on the matched text, quoted in the message as `{match}`; its clause
    /// (for the fingerprint) is the numbered clause around the match within its
    /// sentence (see [`numbered_clause`]).
    fn at_hit(&self, rule: &Rule, hit: Hit, sentence: Range<usize>) -> Diagnostic {
        let block = &self.doc.blocks[hit.block];
        let (span, words) = self.hit_place(&hit);
        let found = quote(words);
        let message = rule.message.replace("{match}", &found);
        let clause = numbered_clause(&block.text, sentence.clone(), hit.start..hit.end);
        let mut d = diagnostic(rule, message, span, &block.text[clause.clone()]);
        if clause != sentence {
            d.sentence_fingerprint = Some(fingerprint(&rule.id, &block.text[sentence]));
        }
        d
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.doc.lines.span(self.doc.source, start, end)
    }

    /// Where a finding about the whole document sits, and its rank (2, 1, 0): its
    /// first heading; without one, the line of its first prose (so that a
    /// `tenderlint-disable-next-line` comment above it, as the editor's quick fix writes,
    /// covers it); else line 1.
    fn anchor(&self) -> (Span, u8) {
        let prose = || {
            self.doc
                .blocks
                .iter()
                .find(|b| b.text.chars().any(char::is_alphanumeric))
        };
        match self.doc.first_heading() {
            Some(h) => (self.span(h.range.start, h.range.end), 2),
            None if prose().is_some() => {
                let start = prose().map_or(0, |b| b.range.start);
                let end = self.doc.source[start..]
                    .find(['\n', '\r'])
                    .map_or(self.doc.source.len(), |i| start + i);
                (self.span(start, end), 1)
            }
            None => {
                let start = if self.doc.source.starts_with('\u{feff}') {
                    3
                } else {
                    0
                };
                let end = self.doc.source[start..]
                    .find(['\n', '\r'])
                    .map_or(self.doc.source.len(), |i| start + i);
                (self.span(start, end), 0)
            }
        }
    }
}

fn diagnostic(rule: &Rule, message: String, span: Span, clause: &str) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        message,
        help: rule.help.clone(),
        span,
        fingerprint: fingerprint(&rule.id, clause),
        sentence_fingerprint: None,
        tender: None,
        location: None,
    }
}

/// Matched text for a message: whitespace folded, long matches shortened.
fn quote(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() > 80 {
        let cut: String = folded.chars().take(77).collect();
        format!("{cut}...")
    } else {
        folded
    }
}

/// A measured value as a message shows it: a ratio as a percentage.
fn shown(measure: Measure, v: f64) -> String {
    match measure {
        Measure::RequirementRatio => format!("{:.0}%", v * 100.0),
        _ => number(v),
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A document's title: its first real heading (not a title written as a paragraph),
/// without surrounding spaces.
fn doc_title(doc: &Document) -> Option<String> {
    let title = doc.first_heading()?.text.trim();
    (!title.is_empty()).then(|| title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TomlFile;

    fn linter(rules: &str) -> Linter {
        let set =
            RuleSet::load(&[TomlFile::new("t.toml", rules)]).unwrap_or_else(|e| panic!("{e:?}"));
        Linter::new(set)
    }

    fn found(l: &Linter, src: &str) -> Vec<(String, usize, usize)> {
        let doc = Document::parse(src);
        l.lint(&doc)
            .iter()
            .map(|d| (d.rule.to_string(), d.span.start.line, d.span.start.column))
            .collect()
    }

    const META: &str = "severity = \"warning\"\ncategory = \"c\"\ntitle = \"t\"\nmessage = \"found {match}\"\nhelp = \"h\"\nrationale = \"r\"\n";

    #[test]
    fn pattern_unless_scope_and_one_finding_per_sentence() {
        let l = linter(&format!(
            "[[rule]]\nid = \"credits\"\nkind = \"pattern\"\n{META}phrases = [\"service credit\", \"service credits\"]\nunless = ['\\bno service credits']\nscope = [\"paragraph\"]\n"
        ));
        let src = "Service credits apply. Service credit and service credits again.\n\nNo service credits will apply.\n\n> Service credits in a quote.\n\n- service credits in a list\n";
        assert_eq!(
            found(&l, src),
            vec![("credits".into(), 1, 1), ("credits".into(), 1, 24)]
        );
        let doc = Document::parse(src);
        assert_eq!(l.lint(&doc)[0].message, "found Service credits");
    }

    #[test]
    fn require_metric_conditional_and_table() {
        let src = "# Spec\n\nThe provider shall do A. The provider must do B. It is nice.\n\nWe are a partnership with service credits.\n\n| KPI | Target | Credit |\n|---|---|---|\n| x | 1 | 2 |\n";
        let l = linter(&format!(
            "[[rule]]\nid = \"needs-proms\"\nkind = \"require\"\n{META}phrases = [\"PROMs\"]\n\
             [[rule]]\nid = \"rigid\"\nkind = \"metric\"\n{META}measure = \"requirement-sentences\"\nmax = 1\n\
             [[rule]]\nid = \"in-name-only\"\nkind = \"conditional\"\n{META}when = [{{ phrases = [\"partnership\"] }}, {{ phrases = [\"service credits\"] }}]\nrequire = {{ phrases = [\"joint board\"] }}\n\
             [[rule]]\nid = \"matrix\"\nkind = \"table\"\n{META}phrases = [\"KPI\"]\nhas_column = ['credit']\n\
             [[rule]]\nid = \"incomplete\"\nkind = \"table\"\n{}phrases = [\"KPI\"]\nlacks_column = [{{ name = \"baseline\", pattern = 'baseline' }}, {{ name = \"target\", pattern = 'target' }}]\n",
            META.replace("found {match}", "lacks {missing}")
        ));
        let got = found(&l, src);
        assert_eq!(
            got,
            vec![
                ("needs-proms".into(), 1, 3),
                ("rigid".into(), 1, 3),
                ("in-name-only".into(), 5, 10),
                ("incomplete".into(), 7, 1),
                ("matrix".into(), 7, 1),
            ]
        );
        let doc = Document::parse(src);
        let d = l.lint(&doc);
        let incomplete = d
            .iter()
            .find(|d| &*d.rule == "incomplete")
            .map(|d| d.message.clone());
        assert_eq!(incomplete.as_deref(), Some("lacks baseline"));
        assert_eq!(
            d.iter()
                .find(|d| &*d.rule == "matrix")
                .map(|d| d.span.length),
            Some("| KPI | Target | Credit |".len())
        );
        assert!(
            found(&l, "").is_empty(),
            "an empty document has nothing to judge"
        );
    }

    #[test]
    fn a_requirements_table_is_judged_by_its_statements_not_its_labels() {
        // Four requirement statements in a table whose other cells are labels (an id, a
        // domain, "Yes"), under headings, and one prose sentence without a requirement:
        // 4 of 5 sentences are requirements. Counting every cell and heading as a sentence
        // would make it 4 of 19 and hide a rigid specification.
        let mut src = String::from("# Requirements\n\n## Access\n\nThis menu lists what the Trust expects of every solution.\n\n| Id | Domain | Statement | Hosted |\n|---|---|---|---|\n");
        for i in 1..=4 {
            src.push_str(&format!(
                "| R{i} | Access | The solution MUST support single sign-on for staff | Yes |\n"
            ));
        }
        let l = linter(&format!(
            "[[rule]]\nid = \"rigid\"\nkind = \"metric\"\n{META}measure = \"requirement-ratio\"\nmax = 0.5\npatterns = ['(?-i:MUST)']\n"
        ));
        assert_eq!(found(&l, &src), vec![("rigid".into(), 1, 3)]);
        let doc = Document::parse(&src);
        let d = l.lint(&doc);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn suppressions_hide_findings_and_report_unused_ones() {
        let l = linter(&format!("[[rule]]\nid = \"credits\"\nkind = \"pattern\"\n{META}phrases = [\"service credits\"]\n"));
        let src = "<!-- tenderlint-disable-next-line credits -->\nService credits apply.\n\nService credits apply.\n\n<!-- tenderlint-disable-next-line credits, credit -->\nNothing here.\n";
        let got = found(&l, src);
        assert_eq!(
            got,
            vec![
                ("credits".into(), 4, 1),
                ("unused-suppression".into(), 6, 35),
                ("unused-suppression".into(), 6, 44)
            ]
        );
        let doc = Document::parse(src);
        let d = l.lint(&doc);
        assert!(d[2]
            .message
            .contains("`credit`, which is not a tenderlint rule"));
        assert!(d[2].help.contains("Did you mean `credits`?"));
    }
}
