//! Rule files: the TOML format users and the built-in packs share, its validation,
//! and each rule's patterns gathered into one [`Matcher`] per pattern group.
//!
//! A rule file is a list of `[[rule]]` tables. The fields every rule has are `id`,
//! `kind`, `severity`, `category`, `message`, `help` and `rationale`; the rest depend on
//! the kind (see README, "Rule files"). Unknown keys, fields that a kind does not use,
//! bad regexes and duplicate ids are errors that point at the offending line.

use crate::builtin;
use crate::concepts::{Concepts, RawConcept, RawNegation, RawSense, Senses};
use crate::diagnostic::Severity;
use crate::document::Scope;
use crate::error::{LoadErrors, SourceError, TomlFile};
use crate::matcher::{matches_empty, needed_words, LazyRegex, Matcher, Needs, Words};
use crate::par::prelude::*;
use regex_automata::meta::BuildError;
use regex_syntax::hir::Hir;
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// The largest compiled program one pattern may have. Bounds memory and start-up time
/// when a rule file asks for something enormous such as `\w{1000}{1000}`.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Pattern,
    Require,
    Conditional,
    Metric,
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Words of prose in the document.
    Words,
    /// Sentences holding a requirement (by default `shall` or `must`).
    RequirementSentences,
    /// Requirement sentences as a share of all sentences, between 0 and 1.
    RequirementRatio,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    concept: Vec<RawConcept>,
    #[serde(default)]
    negation: Option<RawNegation>,
    #[serde(default)]
    other_sense: Vec<RawSense>,
}

/// Where a group's `with` concept may be found, besides the matched clause itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// The sentence (clause) of the match.
    Sentence,
    /// The whole block: paragraph, list item or table cell.
    Block,
    /// The sentence before the match's, or the end of the block before.
    PreviousSentence,
    /// The headings the block sits under.
    Heading,
    /// For a table cell: its column's header.
    Column,
    /// For a table cell: the other cells of its row.
    Row,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWith {
    concept: Spanned<String>,
    #[serde(default, rename = "in")]
    within: Vec<Context>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    with: Vec<RawWith>,
}

/// A conditional rule's `require`: one group, or a list of groups that must all match.
#[derive(Debug)]
enum OneOrMany {
    One(RawGroup),
    Many(Vec<RawGroup>),
}

// By hand rather than `#[serde(untagged)]`, which buffers the input and so loses the
// spans that point errors at the right line.
impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a group such as { phrases = [...] }, or a list of groups")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<OneOrMany, A::Error> {
                RawGroup::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<OneOrMany, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    measure: Measure,
    max: Spanned<f64>,
    #[serde(default)]
    min_words: usize,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    name: String,
    pattern: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: Spanned<Kind>,
    severity: Severity,
    category: String,
    title: String,
    message: String,
    help: String,
    rationale: String,
    #[serde(default)]
    patterns: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    phrases: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    unless: Option<Spanned<Vec<Spanned<String>>>>,
    scope: Option<Spanned<Vec<Scope>>>,
    section: Option<Spanned<String>>,
    exclude_section: Option<Spanned<String>>,
    case_sensitive: Option<bool>,
    min: Option<Spanned<usize>>,
    max: Option<Spanned<f64>>,
    measure: Option<Spanned<Measure>>,
    limits: Option<Spanned<Vec<RawLimit>>>,
    when: Option<Spanned<Vec<RawGroup>>>,
    require: Option<Spanned<OneOrMany>>,
    has_column: Option<Spanned<Vec<Spanned<String>>>>,
    lacks_column: Option<Spanned<Vec<RawColumn>>>,
    with: Option<Spanned<Vec<RawWith>>>,
    also: Option<Spanned<Vec<RawGroup>>>,
    example: Option<String>,
    better: Option<String>,
}

/// A group of patterns: what to find, and what cancels a find in the same sentence.
#[derive(Debug, Clone)]
pub struct Group {
    /// Index into [`RuleSet::matchers`].
    pub matcher: usize,
    /// Each pattern on its own, so that one shared by many groups (a definition, a
    /// cross-reference) compiles once for all of them.
    pub unless: Vec<LazyRegex>,
    /// Concepts that must also occur, each in one of its contexts.
    pub with: Vec<With>,
}

/// A concept a group's match needs beside it: in the clause, or in its context.
#[derive(Debug, Clone)]
pub struct With {
    pub concept: String,
    pub regex: LazyRegex,
    pub within: Vec<Context>,
}

/// One limit of a metric rule: the document is reported when `measure` exceeds `max`.
#[derive(Debug, Clone)]
pub struct Limit {
    pub measure: Measure,
    pub max: f64,
    /// Documents shorter than this are not measured (a three-sentence note is not a
    /// rigid specification, whatever its share of `shall`).
    pub min_words: usize,
    /// The message for this limit, when it differs from the rule's.
    pub message: Option<String>,
}

impl Measure {
    /// The name used in rule and configuration files.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Words => "words",
            Measure::RequirementSentences => "requirement-sentences",
            Measure::RequirementRatio => "requirement-ratio",
        }
    }

    pub fn parse(name: &str) -> Option<Measure> {
        [
            Measure::Words,
            Measure::RequirementSentences,
            Measure::RequirementRatio,
        ]
        .into_iter()
        .find(|m| m.as_str() == name)
    }
}

/// Where in a document a rule looks.
#[derive(Debug, Clone)]
pub struct Filter {
    /// A bit per [`Scope`].
    pub scopes: u8,
    pub section: Option<LazyRegex>,
    pub exclude_section: Option<LazyRegex>,
}

#[derive(Debug, Clone)]
pub enum Check {
    /// Each group's matches are findings, one per clause.
    Pattern { find: Vec<Group> },
    /// Clauses matching any group are counted.
    Require { find: Vec<Group>, min: usize },
    Conditional {
        when: Vec<Group>,
        /// Every group must match somewhere, or the rule fires.
        require: Vec<Group>,
    },
    Metric {
        /// Checked in order; the first one exceeded is reported.
        limits: Vec<Limit>,
        requirement: LazyRegex,
    },
    Table {
        header: LazyRegex,
        /// In order of preference: the message names a column matching the first
        /// pattern that any header cell matches. Empty: no column is required.
        has_column: Vec<LazyRegex>,
        lacks_column: Vec<(String, LazyRegex)>,
    },
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Arc<str>,
    pub kind: Kind,
    pub severity: Severity,
    pub category: String,
    /// One line saying what the rule finds, for `tenderlint rules`.
    pub title: String,
    pub message: String,
    pub help: Arc<str>,
    pub rationale: String,
    pub example: Option<String>,
    pub better: Option<String>,
    /// The rule file it came from.
    pub origin: String,
    pub filter: Filter,
    pub check: Check,
}

impl Rule {
    /// True for rules that judge the document as a whole rather than a clause.
    pub fn is_document_level(&self) -> bool {
        matches!(self.kind, Kind::Require | Kind::Conditional | Kind::Metric)
    }

    /// The rule's pattern groups, each searched in every block.
    pub fn groups(&self) -> Vec<&Group> {
        match &self.check {
            Check::Pattern { find } | Check::Require { find, .. } => find.iter().collect(),
            Check::Conditional { when, require } => when.iter().chain(require).collect(),
            Check::Metric { .. } | Check::Table { .. } => vec![],
        }
    }

    /// The regexes the rule reads besides its groups, once a group has a hit (or, for
    /// table and metric rules, once there is a table or prose): section filters,
    /// `unless`, table labels and the requirement pattern.
    pub fn filters(&self) -> Vec<&LazyRegex> {
        let Filter {
            section,
            exclude_section,
            ..
        } = &self.filter;
        let mut out: Vec<&LazyRegex> = section.iter().chain(exclude_section).collect();
        for g in self.groups() {
            out.extend(&g.unless);
            out.extend(g.with.iter().map(|w| &w.regex));
        }
        match &self.check {
            Check::Metric { requirement, .. } => out.push(requirement),
            Check::Table {
                header,
                has_column,
                lacks_column,
            } => {
                out.push(header);
                out.extend(has_column);
                out.extend(lacks_column.iter().map(|(_, re)| re));
            }
            _ => {}
        }
        out
    }
}

/// Every rule loaded, with their patterns ready to compile ([`crate::matcher`]).
///
/// Each pattern group (a rule's `patterns` and `phrases`, or one `when`/`require` group)
/// is one matcher: an alternation that the regex engine searches with a lazy DFA (and,
/// over many documents, a literal prefilter). A `RegexSet` over all groups was measured and
/// dropped: it cost 5 ms of start-up and was slower per block (0.65 s against 0.48 s on
/// the 20 MB benchmark corpus), because a set cannot use the prefilters.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// One matcher per pattern group of the enabled rules.
    pub matchers: Vec<Matcher>,
    /// The shared vocabulary the rules were written in.
    pub concepts: Arc<Concepts>,
    /// Negation and other senses, applied to every match of every rule.
    pub senses: Arc<Senses>,
    words: std::sync::OnceLock<Words>,
}

impl RuleSet {
    /// Parses and validates rule files, in order; ids must be unique across all of them.
    pub fn load(files: &[TomlFile]) -> Result<RuleSet, LoadErrors> {
        let mut errors = LoadErrors::default();
        let mut drafts: Vec<(&TomlFile, RawRule)> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut concepts = Vec::new();
        let mut negation = None;
        let mut senses = Vec::new();
        for file in files {
            let raw: RawFile = match file.parse("tenderlint::rule_file") {
                Ok(raw) => raw,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            concepts.extend(raw.concept.into_iter().map(|c| (file, c)));
            if let Some(n) = raw.negation {
                negation = Some((file, n));
            }
            senses.extend(raw.other_sense.into_iter().map(|s| (file, s)));
            for r in raw.rule {
                let id_span = r.id.span();
                if let Some(first) = seen.get(r.id.get_ref()) {
                    errors.push(
                        SourceError::new(
                            file,
                            "tenderlint::rule_file",
                            format!("the rule id `{}` is used twice", r.id.get_ref()),
                        )
                        .at(id_span, "this id is already taken")
                        .help(format!(
                            "It was first defined in {first}. Give this rule another id."
                        )),
                    );
                    continue;
                }
                seen.insert(r.id.get_ref().clone(), file.name.clone());
                drafts.push((file, r));
            }
        }
        // Concepts first: every rule's patterns may name them.
        let concepts = Concepts::build(concepts, &mut errors);
        let senses = Senses::build(&concepts, negation, senses, &mut errors);
        for (file, r) in &mut drafts {
            expand_rule(&concepts, file, r, &mut errors);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let concepts = Arc::new(concepts);
        // Rules are checked independently (user files by compiling their patterns, which
        // is slow): one task per rule, then their matchers are joined in order.
        let compiled: Vec<Result<(Rule, Vec<Matcher>), LoadErrors>> = drafts
            .into_par_iter()
            .map(|(file, r)| {
                let mut c = Compiler {
                    concepts: concepts.clone(),
                    ..Compiler::default()
                };
                c.rule(file, r).map(|rule| (rule, c.matchers))
            })
            .collect();
        let mut compiler = Compiler::default();
        // Groups with the same patterns (concepts make them common) share one matcher, so
        // a document compiles and searches them once.
        let mut known: HashMap<String, usize> = HashMap::new();
        for result in compiled {
            match result {
                Ok((mut rule, matchers)) => {
                    let index: Vec<usize> = matchers
                        .into_iter()
                        .map(|m| {
                            *known.entry(m.as_str().to_string()).or_insert_with(|| {
                                compiler.matchers.push(m);
                                compiler.matchers.len() - 1
                            })
                        })
                        .collect();
                    for g in groups_mut(&mut rule.check) {
                        g.matcher = index[g.matcher];
                    }
                    compiler.rules.push(rule);
                }
                Err(mut e) => errors.0.append(&mut e.0),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut set = compiler.finish();
        set.concepts = concepts;
        set.senses = Arc::new(senses);
        Ok(set)
    }

    /// The words the groups need, to choose which groups (or parts of them) search a
    /// text.
    pub fn words(&self) -> &Words {
        self.words.get_or_init(|| Words::new(&self.matchers))
    }

    /// Compiles every group whole, on all cores, and indexes their words: for runs
    /// over many documents, which would otherwise each compile the parts they need.
    pub fn prepare(&self) {
        crate::par::join(
            || {
                self.matchers.par_iter().for_each(|m| {
                    m.whole().get();
                })
            },
            || {
                self.words();
            },
        );
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| &*r.id == id)
    }

    /// Keeps only the rules `keep` accepts, and only their matchers, so disabled rules
    /// cost nothing while linting.
    pub fn retain(&mut self, keep: impl Fn(&Rule) -> bool) {
        self.rules.retain(|r| keep(r));
        let mut used: Vec<usize> = Vec::new();
        for r in &self.rules {
            for g in r.groups() {
                used.push(g.matcher);
            }
        }
        used.sort_unstable();
        used.dedup();
        let remap: HashMap<usize, usize> = used
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, new))
            .collect();
        for r in &mut self.rules {
            for g in groups_mut(&mut r.check) {
                g.matcher = remap[&g.matcher];
            }
        }
        self.matchers = used.iter().map(|&i| self.matchers[i].clone()).collect();
        self.words = Default::default();
    }
}

fn groups_mut(check: &mut Check) -> Vec<&mut Group> {
    match check {
        Check::Pattern { find } | Check::Require { find, .. } => find.iter_mut().collect(),
        Check::Conditional { when, require } => when.iter_mut().chain(require).collect(),
        Check::Metric { .. } | Check::Table { .. } => vec![],
    }
}

/// A literal phrase as a regex: case and spacing free, whole words only.
///
/// Word boundaries are ASCII (`(?-u:\b)`) where the phrase begins or ends with an ASCII
/// letter or digit: the regex engine's fast DFA handles those on any text, while a
/// Unicode `\b` makes it fall back to a far slower engine wherever the text holds a
/// non-ASCII character (six times slower on the benchmark corpus). A phrase that begins
/// or ends with a non-ASCII letter ("café") keeps a Unicode boundary there.
pub fn phrase_regex(phrase: &str) -> String {
    let words: Vec<String> = phrase.split_whitespace().map(regex::escape).collect();
    let body = words.join(r"\s+");
    let edge = |c: Option<char>| match c {
        Some(c) if c.is_ascii_alphanumeric() || c == '_' => r"(?-u:\b)",
        Some(c) if c.is_alphanumeric() => r"\b",
        _ => "",
    };
    let start = edge(phrase.trim_start().chars().next());
    let end = edge(phrase.trim_end().chars().last());
    format!("{start}{body}{end}")
}

#[derive(Default)]
struct Compiler {
    rules: Vec<Rule>,
    matchers: Vec<Matcher>,
    concepts: Arc<Concepts>,
}

/// Replaces the concept names in every pattern of a rule with the concepts' regexes.
fn expand_rule(concepts: &Concepts, file: &TomlFile, r: &mut RawRule, errors: &mut LoadErrors) {
    let mut lists: Vec<&mut Vec<Spanned<String>>> = Vec::new();
    let mut singles: Vec<&mut Spanned<String>> = Vec::new();
    for list in [&mut r.patterns, &mut r.unless, &mut r.has_column]
        .into_iter()
        .flatten()
    {
        lists.push(list.get_mut());
    }
    singles.extend(r.section.as_mut());
    singles.extend(r.exclude_section.as_mut());
    if let Some(cols) = r.lacks_column.as_mut() {
        singles.extend(cols.get_mut().iter_mut().map(|c| &mut c.pattern));
    }
    let mut groups: Vec<&mut RawGroup> = Vec::new();
    if let Some(w) = r.when.as_mut() {
        groups.extend(w.get_mut().iter_mut());
    }
    if let Some(a) = r.also.as_mut() {
        groups.extend(a.get_mut().iter_mut());
    }
    match r.require.as_mut().map(Spanned::get_mut) {
        Some(OneOrMany::One(g)) => groups.push(g),
        Some(OneOrMany::Many(list)) => groups.extend(list.iter_mut()),
        None => {}
    }
    for g in groups {
        lists.push(&mut g.patterns);
        lists.push(&mut g.unless);
    }
    for list in lists {
        if let Err(e) = concepts.expand_list(file, list) {
            errors.push(e);
        }
    }
    for p in singles {
        if let Err(e) = concepts.expand(file, p) {
            errors.push(e);
        }
    }
}

const DEFAULT_REQUIREMENT: &str = r"\b(?:shall|must)\b";

impl Compiler {
    fn rule(&mut self, file: &TomlFile, r: RawRule) -> Result<Rule, LoadErrors> {
        let mut errors = LoadErrors::default();
        let err = |message: String| SourceError::new(file, "tenderlint::rule_file", message);
        let kind = *r.kind.get_ref();
        let id = r.id.get_ref().clone();

        if !is_kebab_case(&id) {
            errors.push(
                err(format!("the rule id `{id}` is not kebab-case"))
                    .at(r.id.span(), "use lower-case words joined by hyphens")
                    .help("For example: `service-credits`."),
            );
        }

        // Fields a kind does not use are mistakes, not silently ignored.
        let present: [(&str, Option<Range<usize>>); 15] = [
            ("with", r.with.as_ref().map(Spanned::span)),
            ("also", r.also.as_ref().map(Spanned::span)),
            ("patterns", r.patterns.as_ref().map(Spanned::span)),
            ("phrases", r.phrases.as_ref().map(Spanned::span)),
            ("unless", r.unless.as_ref().map(Spanned::span)),
            ("scope", r.scope.as_ref().map(Spanned::span)),
            ("section", r.section.as_ref().map(Spanned::span)),
            (
                "exclude_section",
                r.exclude_section.as_ref().map(Spanned::span),
            ),
            ("min", r.min.as_ref().map(Spanned::span)),
            ("max", r.max.as_ref().map(Spanned::span)),
            ("measure", r.measure.as_ref().map(Spanned::span)),
            ("limits", r.limits.as_ref().map(Spanned::span)),
            ("when", r.when.as_ref().map(Spanned::span)),
            ("require", r.require.as_ref().map(Spanned::span)),
            ("has_column", r.has_column.as_ref().map(Spanned::span)),
        ];
        let lacks = ("lacks_column", r.lacks_column.as_ref().map(Spanned::span));
        let allowed: &[&str] = match kind {
            Kind::Pattern => &[
                "patterns",
                "phrases",
                "unless",
                "with",
                "also",
                "scope",
                "section",
                "exclude_section",
            ],
            Kind::Require => &[
                "patterns",
                "phrases",
                "unless",
                "with",
                "also",
                "scope",
                "section",
                "exclude_section",
                "min",
            ],
            Kind::Conditional => &["when", "require", "scope", "section", "exclude_section"],
            Kind::Metric => &["measure", "max", "limits", "patterns", "phrases"],
            Kind::Table => &["patterns", "phrases", "has_column", "lacks_column"],
        };
        for (name, span) in present.iter().chain(std::iter::once(&lacks)) {
            if let Some(span) = span {
                if !allowed.contains(name) {
                    errors.push(
                        err(format!("`{name}` is not used by {} rules", kind.as_str()))
                            .at(span.clone(), "not used by this kind of rule")
                            .help(format!(
                                "A {} rule takes: {}.",
                                kind.as_str(),
                                allowed.join(", ")
                            )),
                    );
                }
            }
        }

        let case_insensitive = !r.case_sensitive.unwrap_or(false);
        let pattern = |patterns: &[Spanned<String>],
                       phrases: &[Spanned<String>],
                       searched: Searched,
                       errors: &mut LoadErrors| {
            compile_alternation(file, patterns, phrases, case_insensitive, searched)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let (patterns, phrases, unless) = (
            opt_list(&r.patterns),
            opt_list(&r.phrases),
            opt_list(&r.unless),
        );

        let need = |what: &str, errors: &mut LoadErrors| {
            errors.push(
                err(format!("this {} rule needs `{what}`", kind.as_str()))
                    .at(r.kind.span(), format!("a {} rule", kind.as_str())),
            );
        };

        let filter = Filter {
            scopes: match &r.scope {
                Some(s) if s.get_ref().is_empty() => {
                    errors.push(
                        err("`scope` is empty, so this rule could never match".into())
                            .at(s.span(), "empty scope"),
                    );
                    0
                }
                Some(s) => s.get_ref().iter().fold(0, |acc, s| acc | s.bit()),
                None => Scope::ALL.iter().fold(0, |acc, s| acc | s.bit()),
            },
            section: r
                .section
                .as_ref()
                .and_then(|s| single_regex(file, s, true).map_err(|e| errors.push(e)).ok()),
            exclude_section: r
                .exclude_section
                .as_ref()
                .and_then(|s| single_regex(file, s, true).map_err(|e| errors.push(e)).ok()),
        };

        let check = match kind {
            Kind::Pattern | Kind::Require => {
                if patterns.is_empty() && phrases.is_empty() {
                    need("patterns` or `phrases", &mut errors);
                }
                let unless = compile_unless(file, unless, case_insensitive, &mut errors);
                let with = self.with(file, opt_list(&r.with), case_insensitive, &mut errors);
                let matcher =
                    pattern(patterns, phrases, Searched::Blocks, &mut errors).map(|m| self.add(m));
                let mut find: Vec<Group> = matcher
                    .map(|matcher| Group {
                        matcher,
                        unless,
                        with,
                    })
                    .into_iter()
                    .collect();
                for g in opt_list(&r.also) {
                    if let Some(group) = self.group(file, g, case_insensitive, &mut errors) {
                        find.push(group);
                    }
                }
                (!find.is_empty()).then(|| {
                    if kind == Kind::Pattern {
                        Check::Pattern { find }
                    } else {
                        let min = r.min.as_ref().map_or(1, |m| *m.get_ref());
                        if min == 0 {
                            if let Some(m) = &r.min {
                                errors.push(
                                    err("`min` must be at least 1".into())
                                        .at(m.span(), "a rule that needs nothing can never fire"),
                                );
                            }
                        }
                        Check::Require { find, min }
                    }
                })
            }
            Kind::Conditional => {
                let when_groups = opt_list(&r.when);
                if when_groups.is_empty() {
                    need("when", &mut errors);
                }
                let mut when = Vec::new();
                for g in when_groups {
                    if let Some(group) = self.group(file, g, case_insensitive, &mut errors) {
                        when.push(group);
                    }
                }
                let required: Vec<&RawGroup> = match r.require.as_ref().map(Spanned::get_ref) {
                    None => Vec::new(),
                    Some(OneOrMany::One(g)) => vec![g],
                    Some(OneOrMany::Many(list)) => list.iter().collect(),
                };
                if required.is_empty() {
                    need("require", &mut errors);
                }
                let mut require = Vec::new();
                for g in required {
                    if let Some(group) = self.group(file, g, case_insensitive, &mut errors) {
                        require.push(group);
                    }
                }
                (!require.is_empty()).then_some(Check::Conditional { when, require })
            }
            Kind::Metric => {
                let usable = |m: &Spanned<f64>, errors: &mut LoadErrors| {
                    let ok = m.get_ref().is_finite() && *m.get_ref() >= 0.0;
                    if !ok {
                        errors.push(
                            err("`max` must be a number of 0 or more".into())
                                .at(m.span(), "not a usable limit"),
                        );
                    }
                    ok
                };
                let mut limits = Vec::new();
                match (&r.measure, &r.max, &r.limits) {
                    (_, _, Some(list)) if r.measure.is_some() || r.max.is_some() => {
                        errors.push(
                            err("give either `measure` and `max`, or `limits`, not both".into())
                                .at(list.span(), "limits given here too"),
                        );
                    }
                    (_, _, Some(list)) => {
                        if list.get_ref().is_empty() {
                            errors.push(
                                err("`limits` is empty, so this rule could never fire".into())
                                    .at(list.span(), "empty"),
                            );
                        }
                        for l in list.get_ref() {
                            if usable(&l.max, &mut errors) {
                                limits.push(Limit {
                                    measure: l.measure,
                                    max: *l.max.get_ref(),
                                    min_words: l.min_words,
                                    message: l.message.clone(),
                                });
                            }
                        }
                    }
                    (measure, max, None) => {
                        if measure.is_none() {
                            need("measure", &mut errors);
                        }
                        if max.is_none() {
                            need("max", &mut errors);
                        }
                        if let (Some(measure), Some(max)) = (measure, max) {
                            if usable(max, &mut errors) {
                                limits.push(Limit {
                                    measure: *measure.get_ref(),
                                    max: *max.get_ref(),
                                    min_words: 0,
                                    message: None,
                                });
                            }
                        }
                    }
                }
                let requirement = if patterns.is_empty() && phrases.is_empty() {
                    Some(LazyRegex::new(DEFAULT_REQUIREMENT.into(), REGEX_SIZE_LIMIT))
                } else {
                    pattern(patterns, phrases, Searched::Sentences, &mut errors)
                        .map(|m| m.whole().clone())
                };
                match requirement {
                    Some(requirement) if !limits.is_empty() => Some(Check::Metric {
                        limits,
                        requirement,
                    }),
                    _ => None,
                }
            }
            Kind::Table => {
                if patterns.is_empty() && phrases.is_empty() {
                    need(
                        "patterns` or `phrases` (what the table's header row holds)",
                        &mut errors,
                    );
                }
                let header = pattern(patterns, phrases, Searched::Sentences, &mut errors)
                    .map(|m| m.whole().clone());
                let mut has_column = Vec::new();
                for p in opt_list(&r.has_column) {
                    if let Ok(re) =
                        single_regex(file, p, case_insensitive).map_err(|e| errors.push(e))
                    {
                        has_column.push(re);
                    }
                }
                let mut lacks_column = Vec::new();
                for c in opt_list(&r.lacks_column) {
                    if let Ok(re) =
                        single_regex(file, &c.pattern, case_insensitive).map_err(|e| errors.push(e))
                    {
                        lacks_column.push((c.name.clone(), re));
                    }
                }
                header.map(|header| Check::Table {
                    header,
                    has_column,
                    lacks_column,
                })
            }
        };

        for (name, text) in [
            ("message", &r.message),
            ("help", &r.help),
            ("rationale", &r.rationale),
            ("category", &r.category),
        ] {
            if text.trim().is_empty() {
                errors.push(
                    err(format!("`{name}` is empty"))
                        .at(r.id.span(), format!("rule `{id}` needs a {name}")),
                );
            }
        }

        match check {
            Some(check) if errors.is_empty() => Ok(Rule {
                id: id.into(),
                kind,
                severity: r.severity,
                category: r.category,
                title: r.title,
                message: r.message,
                help: r.help.into(),
                rationale: r.rationale,
                example: r.example,
                better: r.better,
                origin: file.name.clone(),
                filter,
                check,
            }),
            _ => Err(errors),
        }
    }

    fn group(
        &mut self,
        file: &TomlFile,
        g: &RawGroup,
        case_insensitive: bool,
        errors: &mut LoadErrors,
    ) -> Option<Group> {
        if g.patterns.is_empty() && g.phrases.is_empty() {
            errors.push(
                SourceError::new(
                    file,
                    "tenderlint::rule_file",
                    "a pattern group needs `patterns` or `phrases`",
                )
                .help("Write the group as { phrases = [\"...\"] } or { patterns = ['...'] }."),
            );
            return None;
        }
        let unless = compile_unless(file, &g.unless, case_insensitive, errors);
        let with = self.with(file, &g.with, case_insensitive, errors);
        let matcher = compile_alternation(
            file,
            &g.patterns,
            &g.phrases,
            case_insensitive,
            Searched::Blocks,
        )
        .map_err(|e| errors.push(e))
        .ok()?;
        Some(Group {
            matcher: self.add(matcher),
            unless,
            with,
        })
    }

    fn add(&mut self, matcher: Matcher) -> usize {
        self.matchers.push(matcher);
        self.matchers.len() - 1
    }

    fn finish(self) -> RuleSet {
        RuleSet {
            rules: self.rules,
            matchers: self.matchers,
            concepts: self.concepts,
            senses: Default::default(),
            words: Default::default(),
        }
    }

    /// A group's `with` list: each concept compiled as a filter.
    fn with(
        &self,
        file: &TomlFile,
        list: &[RawWith],
        case_insensitive: bool,
        errors: &mut LoadErrors,
    ) -> Vec<With> {
        let mut out = Vec::new();
        for w in list {
            let name = w.concept.get_ref();
            let Some(re) = self.concepts.alternation(name) else {
                let hint =
                    crate::config::closest(name, self.concepts.info.iter().map(|c| c.id.as_str()))
                        .map(|c| format!("Did you mean `{c}`? "))
                        .unwrap_or_default();
                errors.push(
                    SourceError::new(
                        file,
                        "tenderlint::rule_file",
                        format!("`with` names the concept `{name}`, which is not defined"),
                    )
                    .at(w.concept.span(), "unknown concept")
                    .help(format!("{hint}`tenderlint concepts` lists the concepts.")),
                );
                continue;
            };
            let within = if w.within.is_empty() {
                vec![Context::Sentence]
            } else {
                w.within.clone()
            };
            out.push(With {
                concept: name.clone(),
                regex: LazyRegex::new(flagged(&re, case_insensitive), REGEX_SIZE_LIMIT),
                within,
            });
        }
        out
    }
}

fn opt_list<T>(v: &Option<Spanned<Vec<T>>>) -> &[T] {
    v.as_ref().map(|s| s.get_ref().as_slice()).unwrap_or(&[])
}

fn compile_unless(
    file: &TomlFile,
    unless: &[Spanned<String>],
    case_insensitive: bool,
    errors: &mut LoadErrors,
) -> Vec<LazyRegex> {
    unless
        .iter()
        .filter_map(|p| {
            single_regex(file, p, case_insensitive)
                .map_err(|e| errors.push(e))
                .ok()
        })
        .collect()
}

/// What a compiled pattern is run over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Searched {
    /// Every block of every document: a pattern group, compiled whole with the literal
    /// prefilter for runs over many documents.
    Blocks,
    /// Only where a group matched (a sentence, a table's labels): `unless`, table
    /// headers, requirement patterns.
    Sentences,
}

/// One matcher for any of `patterns` (regexes) or `phrases` (literal words).
///
/// Each pattern is parsed on its own, so an error points at the part at fault. A
/// user's rule file is compiled now, so that a pattern too large to compile is
/// reported when the file loads; the built-in files, compiled whole by the test suite,
/// compile on first use ([`crate::matcher`]).
fn compile_alternation(
    file: &TomlFile,
    patterns: &[Spanned<String>],
    phrases: &[Spanned<String>],
    case_insensitive: bool,
    searched: Searched,
) -> Result<Matcher, SourceError> {
    // The built-in packs' words are known ahead (`builtin::needed_words`): parsing
    // their patterns at every start, only to find them, was a sixth of a start-up.
    let known = |source: &str| {
        file.trusted
            .then(|| builtin::needed_words(source))
            .flatten()
    };
    let mut parts: Vec<(String, Needs)> = Vec::new();
    for p in patterns {
        // Each pattern must stand alone: `a)|(b` would be valid once wrapped.
        let source = format!("(?:{})", p.get_ref());
        let needs = match known(&source) {
            Some(needs) => needs,
            None => needed_words(&parse(file, p)?),
        };
        parts.push((source, needs));
    }
    for p in phrases {
        let source = phrase_source(file, p)?;
        let needs = match known(&source) {
            Some(needs) => needs,
            None => needed_words(
                &regex_syntax::Parser::new()
                    .parse(&source)
                    .map_err(|e| pattern_error(file, p, &e.to_string()))?,
            ),
        };
        parts.push((source, needs));
    }
    // The bound is per pattern: a group of N patterns may compile to N times the limit.
    let limit = REGEX_SIZE_LIMIT * parts.len().max(1);
    let matcher = Matcher::new(parts, case_insensitive, limit, searched == Searched::Blocks);
    if !file.trusted {
        if let Err(e) = matcher.whole().compile() {
            // Compile the patterns one by one only now, to point at the one at fault.
            for p in patterns {
                single_regex(file, p, case_insensitive)?;
            }
            let err = SourceError::new(
                file,
                "tenderlint::rule_file",
                format!("these patterns are too large together: {e}"),
            )
            .help("Split the rule into smaller rules.");
            return Err(match patterns.first().or(phrases.first()) {
                Some(first) => err.at(first.span(), "the patterns of this group, from here"),
                None => err,
            });
        }
    }
    Ok(matcher)
}

/// A pattern's syntax tree, parsed without the case flag (what [`Matcher`] reads its
/// words from; the flag changes neither validity nor whether it matches empty text).
pub(crate) fn check_pattern(file: &TomlFile, p: &Spanned<String>) -> Result<(), SourceError> {
    parse(file, p).map(|_| ())
}

fn parse(file: &TomlFile, p: &Spanned<String>) -> Result<Hir, SourceError> {
    // A third of the patterns a load parses are parsed before: a pattern that is one
    // concept becomes the same parts in every rule that names it.
    type Parsed = HashMap<String, Hir>;
    static PARSED: std::sync::OnceLock<std::sync::Mutex<Parsed>> = std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(Default::default);
    let known = parsed
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(p.get_ref())
        .cloned();
    if let Some(hir) = known {
        return Ok(hir);
    }
    let hir = regex_syntax::Parser::new()
        .parse(p.get_ref())
        .map_err(|e| pattern_error(file, p, &e.to_string()))?;
    if matches_empty(&hir) {
        return Err(SourceError::new(
            file,
            "tenderlint::rule_file",
            "this pattern matches empty text, so it would match everywhere",
        )
        .at(p.span(), "matches the empty string")
        .help("Require at least one character, for example `credits?` rather than `(credits)?`."));
    }
    let mut parsed = parsed.lock().unwrap_or_else(|e| e.into_inner());
    // Bounded: a language server reloads configurations for as long as it runs.
    if parsed.len() >= PARSED_KEPT {
        parsed.clear();
    }
    parsed.insert(p.get_ref().clone(), hir.clone());
    Ok(hir)
}

/// Parsed patterns kept for the next load: more than the built-in rules hold.
const PARSED_KEPT: usize = 2048;

/// A phrase as a regex ([`phrase_regex`]); an empty phrase is an error at its line.
pub(crate) fn phrase_source(file: &TomlFile, p: &Spanned<String>) -> Result<String, SourceError> {
    if p.get_ref().trim().is_empty() {
        return Err(SourceError::new(
            file,
            "tenderlint::rule_file",
            "an empty phrase matches everything",
        )
        .at(p.span(), "empty phrase"));
    }
    Ok(phrase_regex(p.get_ref()))
}

/// A single pattern (a section or column filter), checked as [`compile_alternation`]
/// checks a group.
fn single_regex(
    file: &TomlFile,
    p: &Spanned<String>,
    case_insensitive: bool,
) -> Result<LazyRegex, SourceError> {
    // A built-in file is checked whole by the test suite (`builtin::tests`); parsing
    // its patterns again at every start was a fifth of the start-up time.
    let re = LazyRegex::new(flagged(p.get_ref(), case_insensitive), REGEX_SIZE_LIMIT);
    if !file.trusted {
        parse(file, p)?;
        re.compile().map_err(|e| regex_error(file, p, &e))?;
    }
    Ok(re)
}

fn regex_error(file: &TomlFile, p: &Spanned<String>, e: &BuildError) -> SourceError {
    if e.size_limit().is_some() {
        return SourceError::new(
            file,
            "tenderlint::rule_file",
            "this pattern is too large to compile",
        )
        .at(p.span(), "this pattern")
        .help("Make the pattern smaller: avoid large repetition counts such as {1000}.");
    }
    match e.syntax_error() {
        Some(syntax) => pattern_error(file, p, &syntax.to_string()),
        None => pattern_error(file, p, &e.to_string()),
    }
}

/// `error`: the regex parser's message, whose last line says what is wrong (the lines
/// before it repeat the pattern, which the report already shows).
fn pattern_error(file: &TomlFile, p: &Spanned<String>, error: &str) -> SourceError {
    let detail = error.lines().last().unwrap_or_default().trim();
    SourceError::new(
        file,
        "tenderlint::rule_file",
        "this pattern is not a valid regular expression",
    )
    .at(p.span(), "this pattern")
    .help(format!(
        "{detail}\nPatterns use the Rust regex syntax; to match text literally, use `phrases`."
    ))
}

/// A bare prefix, not a group: a pattern such as `a)|(b` must stay invalid. The flag
/// goes into the pattern text itself, so that each regex's `as_str()` is a complete
/// pattern (`tenderlint rules --patterns` hands them to ripgrep).
fn flagged(pattern: &str, case_insensitive: bool) -> String {
    if case_insensitive {
        format!("(?i){pattern}")
    } else {
        pattern.to_string()
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pattern => "pattern",
            Kind::Require => "require",
            Kind::Conditional => "conditional",
            Kind::Metric => "metric",
            Kind::Table => "table",
        }
    }
}

pub(crate) fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && id.starts_with(|c: char| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    const HEAD: &str = "[[rule]]\nid = \"x-rule\"\nseverity = \"error\"\ncategory = \"c\"\ntitle = \"t\"\nmessage = \"m\"\nhelp = \"h\"\nrationale = \"r\"\n";

    fn load(body: &str) -> Result<RuleSet, LoadErrors> {
        RuleSet::load(&[TomlFile::new("test.toml", format!("{HEAD}{body}"))])
    }

    fn first_error(body: &str) -> (String, String) {
        let text = format!("{HEAD}{body}");
        match RuleSet::load(&[TomlFile::new("test.toml", text.clone())]) {
            Ok(_) => panic!("expected an error for {body:?}"),
            Err(e) => {
                let e = &e.0[0];
                let at = e
                    .span
                    .clone()
                    .map(|s| text[s].to_string())
                    .unwrap_or_default();
                (e.message.clone(), at)
            }
        }
    }

    #[test]
    fn phrases_are_case_and_space_free_whole_words() {
        let re = Regex::new(&format!("(?i){}", phrase_regex("service  credit")))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(re.is_match("SERVICE\ncredit"));
        assert!(!re.is_match("service creditor"));
        assert!(Regex::new(&phrase_regex("(a+b)")).is_ok());
    }

    #[test]
    fn phrase_boundaries_are_ascii_where_the_edge_is_ascii() {
        let re = |p: &str| {
            Regex::new(&format!("(?i){}", phrase_regex(p))).unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(
            phrase_regex("service credit"),
            r"(?-u:\b)service\s+credit(?-u:\b)"
        );
        assert!(re("service credit").is_match("£5 “service credit” é"));
        assert!(!re("credit").is_match("creditor"));
        assert!(
            re("café").is_match("the café."),
            "a non-ASCII edge keeps a Unicode boundary"
        );
        assert!(!re("café").is_match("the cafés"));
        assert!(re("£5").is_match("pay £5 now"));
    }

    #[test]
    fn a_valid_rule_compiles_into_one_matcher() {
        let set = load(
            "kind = \"pattern\"\nphrases = [\"service credit\"]\npatterns = ['credit points?']\n",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(set.rules.len(), 1);
        assert_eq!(set.matchers.len(), 1);
        assert!(set.matchers[0].whole().is_match("two Credit Points"));
    }

    #[test]
    fn errors_point_at_the_offending_value() {
        assert_eq!(
            first_error("kind = \"pattern\"\npatterns = ['(unclosed']\n"),
            (
                "this pattern is not a valid regular expression".into(),
                "'(unclosed'".into()
            )
        );
        assert_eq!(
            first_error("kind = \"pattern\"\npatterns = ['x*']\n").1,
            "'x*'"
        );
        // Valid once wrapped in a group, so it must be checked on its own.
        assert_eq!(
            first_error("kind = \"pattern\"\npatterns = ['a)|(b']\n"),
            (
                "this pattern is not a valid regular expression".into(),
                "'a)|(b'".into()
            )
        );
        assert_eq!(
            first_error("kind = \"pattern\"\nphrases = [\"a\"]\nmin = 2\n"),
            ("`min` is not used by pattern rules".into(), "2".into())
        );
        assert!(
            first_error("kind = \"pattern\"\nphrases = [\"a\"]\ncolour = 1\n")
                .0
                .contains("unknown field `colour`")
        );
        assert!(first_error("kind = \"sideways\"\n")
            .0
            .contains("unknown variant `sideways`"));
        assert!(
            first_error("kind = \"pattern\"\npatterns = ['\\w{1000}{1000}']\n")
                .0
                .contains("too large")
        );
        assert_eq!(
            first_error("kind = \"require\"\n").0,
            "this require rule needs `patterns` or `phrases`"
        );
    }

    #[test]
    fn duplicate_ids_are_reported_at_the_second() {
        let body = "kind = \"pattern\"\nphrases = [\"a\"]\n";
        let text = format!("{HEAD}{body}{HEAD}{body}");
        let Err(e) = RuleSet::load(&[TomlFile::new("dup.toml", text.clone())]) else {
            panic!("duplicate accepted")
        };
        let span = e.0[0].span.clone().unwrap_or_default();
        assert!(
            span.start > text.len() / 2,
            "points at the second definition"
        );
        assert_eq!(&text[span], "\"x-rule\"");
    }

    #[test]
    fn retain_drops_the_matchers_of_removed_rules() {
        let text = format!(
            "{HEAD}kind = \"pattern\"\nphrases = [\"alpha\"]\n{}kind = \"pattern\"\nphrases = [\"beta\"]\n",
            HEAD.replace("x-rule", "y-rule")
        );
        let mut set =
            RuleSet::load(&[TomlFile::new("t.toml", text)]).unwrap_or_else(|e| panic!("{e:?}"));
        set.retain(|r| &*r.id == "y-rule");
        assert_eq!(set.matchers.len(), 1);
        assert!(
            set.matchers[0].whole().is_match("beta") && !set.matchers[0].whole().is_match("alpha")
        );
        let Check::Pattern { find } = &set.rules[0].check else {
            panic!("kind changed")
        };
        assert_eq!(find[0].matcher, 0);
    }
}
