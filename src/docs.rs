//! A documentation page per built-in rule, `docs/rules/RULE.md`, generated from the rule
//! data: the rule itself (`rules/*.toml`), the concepts it is written in and the other
//! senses and negation the engine applies (`rules/concepts.toml`), and the real output of
//! tenderlint on the page's worked example.
//!
//! `tenderlint docs --out docs/rules` writes the pages; `tests/docs.rs` fails when the
//! committed pages differ from what it writes, and runs every page's example through the
//! binary. SARIF (`helpUri`), the language server (`codeDescription`) and `explain` link
//! each rule to its page with [`page_url`].

use crate::builtin;
use crate::check::{check_text, Finish};
use crate::concepts::ConceptInfo;
use crate::engine::{Linter, UNUSED_SUPPRESSION_CHECK};
use crate::report::{human, Summary};
use crate::rules::{Check, Kind, Measure, Rule, RuleSet};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Where the pages are published: the package's repository when Cargo.toml names one.
pub const REPOSITORY: &str = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    "https://github.com/tenderlint/tenderlint"
} else {
    env!("CARGO_PKG_REPOSITORY")
};

/// The folder of the pages, relative to the repository's root.
pub const FOLDER: &str = "docs/rules";

/// The name the worked examples are checked under.
const EXAMPLE_FILE: &str = "example.md";

/// The page of a rule, relative to the repository's root.
pub fn page_path(id: &str) -> String {
    format!("{FOLDER}/{id}.md")
}

/// The page of a rule on the web: the repository's main branch.
pub fn page_url(id: &str) -> String {
    format!("{REPOSITORY}/blob/main/{}", page_path(id))
}

/// The page of a rule that has one: the built-in rules and `unused-suppression`. A
/// user's own rule has none.
pub fn url_for(id: &str) -> Option<String> {
    has_page(id).then(|| page_url(id))
}

/// True for the built-in rules and `unused-suppression`.
pub fn has_page(id: &str) -> bool {
    id == UNUSED_SUPPRESSION_CHECK.id || builtin_ids().iter().any(|b| b == id)
}

fn builtin_ids() -> &'static [String] {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        builtin::PACKS
            .iter()
            .filter_map(|(_, text)| text.parse::<toml::Table>().ok())
            .flat_map(|t| match t.get("rule") {
                Some(toml::Value::Array(rules)) => rules.clone(),
                _ => Vec::new(),
            })
            .filter_map(|r| r.get("id").and_then(|v| v.as_str()).map(str::to_string))
            .collect()
    })
}

/// The built-in rule data as written: each rule's table, the concepts, the other senses
/// and the negation settings.
struct Data {
    rules: Vec<toml::Table>,
    concepts: Vec<ConceptInfo>,
    /// Each concept's own text (its patterns, phrases and terms), to follow the concepts
    /// it names.
    concept_text: Vec<(String, String)>,
    senses: Vec<(String, String)>,
    window: Option<i64>,
}

impl Data {
    fn load(set: &RuleSet) -> Data {
        let tables: Vec<toml::Table> = builtin::PACKS
            .iter()
            .filter_map(|(_, text)| text.parse::<toml::Table>().ok())
            .collect();
        let array = |t: &toml::Table, key: &str| match t.get(key) {
            Some(toml::Value::Array(a)) => a.iter().filter_map(|v| v.as_table().cloned()).collect(),
            _ => Vec::new(),
        };
        let mut data = Data {
            rules: Vec::new(),
            concepts: set.concepts.info.clone(),
            concept_text: Vec::new(),
            senses: Vec::new(),
            window: None,
        };
        for t in &tables {
            data.rules.extend(array(t, "rule"));
            for c in array(t, "concept") {
                let id = c.get("id").and_then(|v| v.as_str()).unwrap_or_default();
                let mut text = String::new();
                strings(&toml::Value::Table(c.clone()), "", &mut |_, s| {
                    text.push_str(s);
                    text.push('\n');
                });
                data.concept_text.push((id.to_string(), text));
            }
            for s in array(t, "other_sense") {
                let get = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or_default();
                data.senses
                    .push((get("name").to_string(), get("trigger").to_string()));
            }
            if let Some(n) = t.get("negation").and_then(|n| n.get("window")) {
                data.window = n.as_integer();
            }
        }
        data
    }

    fn raw(&self, id: &str) -> Option<&toml::Table> {
        self.rules
            .iter()
            .find(|r| r.get("id").and_then(|v| v.as_str()) == Some(id))
    }

    fn description(&self, concept: &str) -> Option<&str> {
        self.concepts
            .iter()
            .find(|c| c.id == concept)
            .map(|c| c.description.as_str())
    }

    /// The concepts a rule names (`{concept}` in its patterns, `concept = "..."` in its
    /// `with`): those it looks for, then those that cancel a match (`unless`,
    /// `exclude_section`).
    fn concepts_of(&self, raw: &toml::Table) -> (Vec<String>, Vec<String>) {
        let mut finds = Vec::new();
        let mut cancels = Vec::new();
        // The rule's own patterns first: what it looks for before anything beside it.
        let mut whole = toml::Table::new();
        if let Some(p) = raw.get("patterns") {
            whole.insert("patterns".into(), p.clone());
        }
        let mut rest = raw.clone();
        rest.remove("patterns");
        whole.insert("rest".into(), toml::Value::Table(rest));
        strings(&toml::Value::Table(whole), "", &mut |key, s| {
            let into = if key == "unless" || key == "exclude_section" {
                &mut cancels
            } else {
                &mut finds
            };
            if key == "concept" {
                push_new(into, s);
            }
            for name in named_concepts(s) {
                if self.description(&name).is_some() {
                    push_new(into, &name);
                }
            }
        });
        finds.retain(|c| c != "definitions-heading");
        (finds, cancels)
    }

    /// Every concept a rule's own concepts name in turn, and the rule's own text.
    fn reach(&self, raw: &toml::Table) -> String {
        // Only what a match can be: the patterns and phrases, not what must stand beside it.
        let mut text = String::new();
        strings(&toml::Value::Table(raw.clone()), "", &mut |key, s| {
            if key == "patterns" || key == "phrases" {
                text.push_str(s);
                text.push('\n');
            }
        });
        let mut seen = BTreeSet::new();
        let mut todo = named_concepts(&text);
        while let Some(c) = todo.pop() {
            if !seen.insert(c.clone()) {
                continue;
            }
            if let Some((_, t)) = self.concept_text.iter().find(|(id, _)| *id == c) {
                text.push_str(t);
                todo.extend(named_concepts(t));
            }
        }
        text
    }

    /// The other senses whose trigger words the rule can match.
    fn senses_of(&self, raw: &toml::Table) -> Vec<&str> {
        let text = self.reach(raw);
        self.senses
            .iter()
            .filter(|(_, trigger)| {
                regex::RegexBuilder::new(trigger)
                    .case_insensitive(true)
                    .build()
                    .is_ok_and(|re| re.is_match(&text))
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

fn push_new(into: &mut Vec<String>, s: &str) {
    if !into.iter().any(|c| c == s) {
        into.push(s.to_string());
    }
}

/// The `{concept}` names in a pattern (a repetition such as `{0,80}` is not one).
fn named_concepts(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            out.push(name.to_string());
        }
    }
    out
}

/// Calls `f(key, string)` for every string in `v`, with the key it sits under.
fn strings(v: &toml::Value, key: &str, f: &mut dyn FnMut(&str, &str)) {
    match v {
        toml::Value::String(s) => f(key, s),
        toml::Value::Array(a) => a.iter().for_each(|x| strings(x, key, f)),
        toml::Value::Table(t) => t.iter().for_each(|(k, x)| strings(x, k, f)),
        _ => {}
    }
}

/// Every page: `README.md` (the index), then one per rule, as (file name, text).
pub fn pages() -> Result<Vec<(String, String)>, crate::error::LoadErrors> {
    let set = RuleSet::load(&builtin::files())?;
    let data = Data::load(&set);
    let linter = Linter::new(set.clone());
    let mut out = vec![("README.md".to_string(), index(&set.rules))];
    for rule in &set.rules {
        out.push((format!("{}.md", rule.id), rule_page(rule, &data, &linter)));
    }
    out.push((
        format!("{}.md", UNUSED_SUPPRESSION_CHECK.id),
        unused_suppression_page(&linter),
    ));
    Ok(out)
}

const GENERATED: &str = "<!-- Generated from the rule data by `tenderlint docs --out docs/rules`. \
Edit the rule files, not this page, then run that command. -->";

fn index(rules: &[Rule]) -> String {
    let mut out = format!(
        "# tenderlint's rules\n\n{GENERATED}\n\n\
         One page per rule: what it finds and how, a worked example with tenderlint's real \
         output, why it matters (with the publication it rests on), what to write instead, \
         how to configure it and when it does not apply. `tenderlint explain RULE` prints \
         the same rationale and advice in the terminal, and SARIF, the language server and \
         `explain` link to these pages.\n\n\
         Severities: **error** is a clause to change before the tender is published; \
         **warning** is one to look at and usually change; **info** is worth knowing.\n\n\
         | rule | severity | finds |\n|---|---|---|\n"
    );
    for r in rules {
        out.push_str(&format!(
            "| [`{id}`]({id}.md) | {} | {} |\n",
            r.severity,
            cell(&r.title),
            id = r.id
        ));
    }
    let c = &UNUSED_SUPPRESSION_CHECK;
    out.push_str(&format!(
        "| [`{id}`]({id}.md) | {} | {} |\n",
        c.severity,
        cell(c.title),
        id = c.id
    ));
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn kind_sentence(rule: &Rule, raw: &toml::Table) -> String {
    let scope: Vec<String> = raw
        .get("scope")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str())
                .map(|s| s.replace('-', " ") + "s")
                .collect()
        })
        .unwrap_or_default();
    let scope = match scope.len() {
        0 => "paragraphs, list items and table cells".to_string(),
        1 => scope[0].clone(),
        n => format!("{} and {}", scope[..n - 1].join(", "), scope[n - 1]),
    };
    match &rule.check {
        Check::Pattern { .. } => format!(
            "A clause rule. It reads the {scope} of a document, searches each clause (a \
             sentence, or the part of one between semicolons or list bullets) for the \
             concepts below, and reports a clause once however many matches it holds."
        ),
        Check::Table { .. } => "A table rule. It reads the header row of every table and \
             reports a table, once, at its header when the header matches the concepts below. \
             A table that a PDF conversion flattened into lines, its header cells each a line \
             wholly in bold, counts as a table, reported at the cell that names its measures."
            .to_string(),
        Check::Require { min, .. } => format!(
            "A document rule: one of the ingredients of a partnership. It searches the {scope} \
             of the whole document (or of the whole tender, when the files of a tender are \
             judged together with `tender.toml`) for the concepts below, and reports the \
             document once, at its first heading, when it finds {}.",
            if *min == 1 {
                "none".to_string()
            } else {
                format!("fewer than {min}")
            }
        ),
        Check::Conditional { .. } => format!(
            "A document rule. It searches the {scope} of the whole document (or tender) and \
             fires, once, when every one of its conditions is met somewhere and one of the \
             things it requires is missing everywhere. The concepts below are what it looks for."
        ),
        Check::Metric { limits, .. } => {
            let parts: Vec<String> = limits
                .iter()
                .map(|l| match l.measure {
                    Measure::RequirementRatio => format!(
                        "more than {:.0}% of its sentences impose a requirement (documents of \
                         {} words or more)",
                        l.max * 100.0,
                        thousands(l.min_words)
                    ),
                    Measure::RequirementSentences => {
                        format!("more than {} of its sentences impose a requirement", l.max)
                    }
                    Measure::Words => {
                        format!("it is longer than {} words", thousands(l.max as usize))
                    }
                })
                .collect();
            format!(
                "A document rule that measures the whole document (or tender). It reports the \
                 document once when {}.",
                parts.join(", or when ")
            )
        }
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The worked example of a rule: a short document, or for a metric rule one long enough
/// to be measured.
fn example_document(rule: &Rule) -> String {
    let example = rule.example.as_deref().unwrap_or_default().trim();
    match rule.kind {
        Kind::Pattern => format!(
            "# Community musculoskeletal service\n\n## 4. Payment and performance\n\n4.1 {example}\n"
        ),
        Kind::Table => format!(
            "# Community musculoskeletal service\n\n## Schedule 4: Measures\n\n{example}\n"
        ),
        Kind::Require | Kind::Conditional => {
            format!("# Community musculoskeletal service\n\n{example}\n")
        }
        Kind::Metric => rigid_document(),
    }
}

/// A specification of just over 1,000 words, every sentence a requirement.
fn rigid_document() -> String {
    const DUTIES: [&str; 10] = [
        "The Provider shall answer every referral in writing within two working days of receipt.",
        "The Provider shall employ a named clinical lead for each of the four community clinics.",
        "The Provider must keep a register of every patient waiting for a first appointment.",
        "The Provider shall use the appointment template set out in Appendix C without change.",
        "The Provider must open each clinic from 8am to 6pm on every working day of the year.",
        "The Provider shall record every contact on the clinical system before the end of the day.",
        "The Provider must follow the discharge letter format agreed by the Commissioner.",
        "The Provider shall submit any change to staffing levels to the Commissioner for approval.",
        "The Provider must hold stocks of every item in the equipment list in Appendix D.",
        "The Provider shall make every policy named in this schedule available on request.",
    ];
    let mut out = String::from("# Community musculoskeletal service: specification\n");
    let mut words = 0;
    let mut section = 0;
    while words < 1_000 {
        section += 1;
        out.push_str(&format!("\n## {section}. Service requirements\n\n"));
        for (i, duty) in DUTIES.iter().enumerate() {
            out.push_str(&format!("{section}.{} {duty}\n", i + 1));
            words += duty.split_whitespace().count() + 1;
        }
    }
    out
}

/// What `tenderlint check --select RULE example.md` prints on `text`.
fn output_on(linter: &Linter, rule: &str, text: &str) -> String {
    let mut linter = linter.clone();
    linter.rules.retain(|r| *r.id == *rule);
    if rule != UNUSED_SUPPRESSION_CHECK.id {
        linter.unused_suppression = None;
    }
    let plain = human::Human::new(false);
    let finish = Finish {
        human: Some(&plain),
        ..Finish::default()
    };
    let report = check_text(&linter, EXAMPLE_FILE.to_string(), text, finish);
    let summary = Summary::of(std::slice::from_ref(&report), &[]);
    format!("{}{}", report.rendered, human::summary_line(&summary))
}

fn example_section(linter: &Linter, id: &str, text: &str) -> String {
    let output = output_on(linter, id, text);
    let long = text.lines().count() > 40;
    let block = format!("```markdown\n{text}```\n");
    let block = if long {
        format!(
            "<details>\n<summary>{EXAMPLE_FILE}: {} lines, mostly shall and must</summary>\n\n{block}\n</details>\n",
            text.lines().count()
        )
    } else {
        block
    };
    format!(
        "## Example\n\n{EXAMPLE_FILE}:\n\n{block}\nWhat tenderlint says about it:\n\n\
         ```text\n$ tenderlint check --select {id} {EXAMPLE_FILE}\n{}\n```\n",
        output.trim_end()
    )
}

fn better_block(better: &str) -> String {
    if better.trim_start().starts_with('|') {
        format!("{}\n", better.trim())
    } else {
        format!("> {}\n", better.trim())
    }
}

fn rule_page(rule: &Rule, data: &Data, linter: &Linter) -> String {
    let empty = toml::Table::new();
    let raw = data.raw(&rule.id).unwrap_or(&empty);
    let (finds, cancels) = data.concepts_of(raw);
    let mut out = format!(
        "# {id}\n\n{GENERATED}\n\n**{title}**\n\n\
         Severity **{severity}** by default · category `{category}` · `tenderlint explain {id}`\n\n\
         ## What it finds\n\n{how}\n",
        id = rule.id,
        title = rule.title,
        severity = rule.severity,
        category = rule.category,
        how = kind_sentence(rule, raw),
    );
    if !finds.is_empty() {
        out.push_str(
            "\nThe concepts it is written in (`tenderlint concepts` lists every one, with its \
             words):\n\n",
        );
        for c in &finds {
            out.push_str(&format!(
                "- `{c}`: {}\n",
                data.description(c).unwrap_or_default()
            ));
        }
    }
    out.push_str(&format!(
        "\nWhat it says when it fires:\n\n> {}\n\n",
        message_shape(&rule.message)
    ));
    out.push_str(&example_section(linter, &rule.id, &example_document(rule)));
    out.push_str(&format!(
        "\n## Why it matters\n\n{}\n",
        rule.rationale.trim()
    ));
    out.push_str(&format!("\n## What to write instead\n\n{}\n", rule.help));
    if let Some(b) = &rule.better {
        out.push_str(&format!("\nFor example:\n\n{}", better_block(b)));
    }
    out.push_str(&configuration(rule));
    out.push_str(&exclusions(rule, raw, data, &cancels));
    out
}

/// A message with its placeholders shown as what fills them.
fn message_shape(message: &str) -> String {
    message
        .replace("{match}", "…the words found…")
        .replace("{column}", "…the column…")
        .replace("{value}", "…the measure…")
        .replace("{max}", "…the limit…")
}

/// A value to show in a configuration example: a share stays a share, a count doubles.
fn example_limit(default: f64) -> f64 {
    if default <= 1.0 {
        0.5
    } else {
        default * 2.0
    }
}

fn configuration(rule: &Rule) -> String {
    let id = &rule.id;
    let param = match &rule.check {
        Check::Require { min, .. } => format!(
            "\nIt takes one parameter, `min`: how many mentions the document needs (default \
             {min}).\n\n```toml\n[rules]\n{id} = {{ severity = \"{}\", min = 2 }}\n```\n",
            rule.severity
        ),
        Check::Metric { limits, .. } if limits.len() == 1 => format!(
            "\nIt takes one parameter, `max`: the limit of its measure (default {}).\n\n\
             ```toml\n[rules]\n{id} = {{ max = {} }}\n```\n",
            limits[0].max,
            example_limit(limits[0].max)
        ),
        // With several limits `max` would be ambiguous (the configuration refuses it): each
        // limit is set by the name of its measure.
        Check::Metric { limits, .. } => format!(
            "\nIt takes one parameter per limit, named by its measure: {}.\n\n\
             ```toml\n[rules]\n{id} = {{ {} = {} }}\n```\n",
            limits
                .iter()
                .map(|l| format!("`{}` (default {})", l.measure.as_str(), l.max))
                .collect::<Vec<_>>()
                .join(", "),
            limits
                .first()
                .map(|l| l.measure.as_str())
                .unwrap_or_default(),
            example_limit(limits.first().map(|l| l.max).unwrap_or_default())
        ),
        _ => String::new(),
    };
    let suppress = if rule.is_document_level() {
        format!("<!-- tenderlint-disable-file {id} -- the reason, for the next reader -->")
    } else {
        format!("<!-- tenderlint-disable-next-line {id} -- the reason, for the next reader -->")
    };
    format!(
        "\n## Configuration\n\nIn `tenderlint.toml`, set its severity (`error`, `warning`, \
         `info`) or turn it `off`:\n\n```toml\n[rules]\n{id} = \"{other}\"\n```\n{param}\n\
         For some files only, with `[[overrides]]` (later entries win):\n\n\
         ```toml\n[[overrides]]\nfiles = [\"schedules/*.md\"]\nrules = {{ {id} = \"off\" }}\n```\n\n\
         Or in the document itself, with the reason:\n\n```markdown\n{suppress}\n```\n\n\
         `--select {id}` checks this rule alone; `--ignore {id}` leaves it out.\n",
        other = match rule.severity {
            crate::diagnostic::Severity::Error => "warning",
            _ => "error",
        },
    )
}

fn exclusions(rule: &Rule, raw: &toml::Table, data: &Data, cancels: &[String]) -> String {
    let mut items = Vec::new();
    let excludes_definitions = raw
        .get("exclude_section")
        .and_then(|v| v.as_str())
        .is_some_and(|s| s.contains("{definitions-heading}"));
    if excludes_definitions {
        items.push(format!(
            "Sections headed as definitions (`definitions-heading`: {})",
            data.description("definitions-heading").unwrap_or_default()
        ));
    }
    if rule.kind == Kind::Table {
        items.push(
            "A table's body rows (only its header row is read), and a table inside a code \
             block, which is not a table"
                .to_string(),
        );
    }
    if rule.kind == Kind::Pattern {
        items.push(
            "Headings, blockquotes (quoted guidance), footnotes, code blocks and code spans, \
             and titles written as paragraphs (\"4. KPI CREDITS\")"
                .to_string(),
        );
    }
    for c in cancels {
        if c == "definitions-heading" {
            continue;
        }
        items.push(format!(
            "A match in the same sentence as `{c}`: {}",
            data.description(c).unwrap_or_default()
        ));
    }
    let window = data
        .window
        .map(|w| format!(" among the {w} words before it"))
        .unwrap_or_default();
    items.extend(match rule.kind {
        Kind::Table | Kind::Metric => None,
        Kind::Require => Some(format!(
            "A negated mention does not count as one: a cue such as \"no\", \"not\", \
             \"without\" or \"instead of\"{window}, or \"will not apply\" after it, in the \
             same clause, cancels it: a sentence that says the thing is missing (\"there is \
             no ...\") satisfies nothing."
        )),
        _ => Some(format!(
            "A negated match: a cue such as \"no\", \"not\", \"without\", \"instead of\" or \
             \"rather than\"{window}, or \"will not apply\", \"is disapplied\" after it, in \
             the same clause (\"No service credits will apply\")."
        )),
    });
    let senses = data.senses_of(raw);
    if !senses.is_empty() {
        items.push(format!(
            "Its words in another sense, recognised by a cue in the clause or the headings \
             above it: {}.",
            senses.join("; ")
        ));
    }
    if rule.is_document_level() {
        items.push(
            "Documents with no prose (empty, only whitespace, only front matter): there is \
             nothing to judge."
                .to_string(),
        );
    }
    if rule.kind == Kind::Require {
        items.push(
            "A document that names it: `check --stats`, the HTML report and the `evidence` \
             of its ingredient in `--format json` say where it was first found (line and \
             words), so that you can see why the rule did not fire."
                .to_string(),
        );
    }
    let mut out = String::from("\n## When it does not apply\n\n");
    for i in items {
        out.push_str(&format!("- {i}\n"));
    }
    out
}

fn unused_suppression_page(linter: &Linter) -> String {
    let c = &UNUSED_SUPPRESSION_CHECK;
    let id = c.id;
    let example = "# Community musculoskeletal service\n\n\
        <!-- tenderlint-disable-next-line service-credit -->\n\
        The Provider reports outcomes to the joint board each year.\n";
    let mut out = format!(
        "# {id}\n\n{GENERATED}\n\n**{title}**\n\n\
         Severity **{severity}** by default · category `{category}` · `tenderlint explain {id}`\n\n\
         ## What it finds\n\n\
         A check of tenderlint itself, not of the tender's wording: a suppression comment \
         (`tenderlint-disable-next-line`, `tenderlint-disable`, `tenderlint-disable-file`) \
         that hides no finding, or that names a rule that does not exist.\n\n",
        title = c.title,
        severity = c.severity,
        category = c.category,
    );
    out.push_str(&example_section(linter, id, example));
    out.push_str(&format!("\n## Why it matters\n\n{}\n", c.rationale));
    out.push_str(&format!(
        "\n## What to write instead\n\n{}\n\nFor example: {}\n",
        c.help, c.better
    ));
    out.push_str(&format!(
        "\n## Configuration\n\nIt is configured like a rule, by its id:\n\n\
         ```toml\n[rules]\n{id} = \"off\"\n```\n\n\
         `--select` without it turns it off; `--ignore {id}` leaves it out.\n\n\
         ## When it does not apply\n\n\
         - A comment inside a code block or a code span is not a suppression.\n\
         - A comment that names a rule turned off (by the configuration, `--select` or \
         `--ignore`) is not reported: the rule finds nothing because it does not run.\n"
    ));
    out
}
