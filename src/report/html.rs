//! `tenderlint report`: one self-contained HTML page a procurement officer can open,
//! print or forward. Each document is shown as a reader sees it, with every finding
//! marked in place and explained in a numbered note after its block; findings about the
//! whole document sit in a box at the top; a summary gives counts, the outcome-focus
//! score, the partnership ingredients and the longest-standing findings.
//!
//! Safety: nothing from a tender is ever live. Every piece of text, file name and rule
//! text goes through [`escape`]; raw HTML in the Markdown is shown as text; links keep an
//! `href` only for `http:`, `https:` and `mailto:`; images show their description and are
//! never loaded. A Content-Security-Policy allows only the page's own filter script (by
//! its hash) and inline styles, as a second line of defence.
//!
//! Each document's part of the page is rendered by [`Html::render_document`] while its
//! text is in memory (through [`crate::check::Finish`]); [`Html::page`] assembles the
//! page from [`Section`]s of [`FileReport`]s afterwards.

use super::{verdict, FileReport, Summary};
use crate::baseline::Baseline;
use crate::config::UNUSED_SUPPRESSION;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{is_inline, is_inline_end, BlockKind, Document};
use crate::files::FileError;
use crate::history::{self, History};
use crate::metrics::Metrics;
use crate::rules::Rule;
use pulldown_cmark::{Alignment, Event, Tag, TagEnd};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

const CSS: &str = include_str!("html.css");

/// The page's only script: the filters (severity, rule, file, only the paragraphs with
/// findings), which keep the counts in the contents up to date. It is optional (the page
/// reads the same without it), and the Content-Security-Policy allows it by its hash alone.
const SCRIPT: &str = include_str!("filter.js");

/// `sha256-` and the base64 SHA-256 of [`SCRIPT`], as the policy names it. A unit test
/// recomputes it.
const SCRIPT_HASH: &str = "sha256-x3TxcUx0JWkiaYpgvlDsAi0DiAi10rETjgaPpphddyA=";

/// How many findings the "longest-standing" list shows; the rest are with their documents.
const OLDEST_SHOWN: usize = 15;
/// The changes a verdict lists first, and the places a group of findings links to.
const TOP_CHANGES: usize = 3;
const PLACES_LISTED: usize = 12;

/// Escapes text for HTML content and for attribute values in double or single quotes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// A file name as the page shows it: control characters and the raw bytes of a name that
/// is not UTF-8 made visible ([`crate::excerpt::escape`]), then escaped for HTML.
fn escape_path(path: &str) -> String {
    escape(&crate::excerpt::escape(path))
}

pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let with = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(with);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// A link target the report may make live: web pages and e-mail addresses only.
/// Anything else (`javascript:`, `data:`, relative paths into the tender's folder) is
/// shown as text.
pub fn is_safe_link(dest: &str) -> bool {
    let d = dest.trim_start().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|p| d.starts_with(p))
}

/// The page's `id` for a document: its path, letters and digits kept and every other
/// byte written as `_` and two hex digits, so different paths never share an id.
pub fn doc_id(path: &str) -> String {
    let mut id = String::from("doc-");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() {
            id.push(char::from(b));
        } else {
            let _ = write!(id, "_{b:02x}");
        }
    }
    id
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
    }
}

/// The word shown with every finding, so that severity never rests on colour alone.
fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "\u{2716}",
        Severity::Warning => "\u{25B2}",
        Severity::Info => "\u{25CF}",
    }
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

/// A category id as words: `performance-centric` -> `Performance centric`.
fn category_words(category: &str) -> String {
    let words = category.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The HTML renderer: the rules, to name and group findings, and the baseline, to mark
/// the findings it records as known.
#[derive(Debug, Clone, Copy)]
pub struct Html<'a> {
    catalogue: &'a [Rule],
    baseline: Option<&'a Baseline>,
}

/// A part of the page: a title and the documents under it. Today a run is one section;
/// a tender pack will be one section with its files and its own figures.
#[derive(Debug)]
pub struct Section<'a> {
    pub title: String,
    pub files: Vec<&'a FileReport>,
    /// Figures for the section as a whole, when it has its own.
    pub metrics: Option<&'a Metrics>,
}

/// Everything the page shows.
#[derive(Debug)]
pub struct Page<'a> {
    pub sections: &'a [Section<'a>],
    /// Paths that failed before any file could be read (missing, symbolic link loops).
    pub unreadable: &'a [FileError],
    /// When each line of each file was last changed, where git knows.
    pub history: &'a History,
    /// Whether git was asked at all (`--no-history` says not to).
    pub history_asked: bool,
    /// The day the page is written, `YYYY-MM-DD`.
    pub date: String,
}

impl<'a> Html<'a> {
    pub fn new(catalogue: &'a [Rule], baseline: Option<&'a Baseline>) -> Self {
        Html {
            catalogue,
            baseline,
        }
    }

    fn rule(&self, id: &str) -> Option<&'a Rule> {
        self.catalogue.iter().find(|r| &*r.id == id)
    }

    fn is_document_level(&self, d: &Diagnostic) -> bool {
        self.rule(&d.rule).is_some_and(Rule::is_document_level)
    }

    fn category(&self, d: &Diagnostic) -> String {
        match self.rule(&d.rule) {
            Some(r) => category_words(&r.category),
            None if &*d.rule == UNUSED_SUPPRESSION => "Suppression comments".to_string(),
            None => "Other".to_string(),
        }
    }

    fn title(&self, d: &Diagnostic) -> String {
        match self.rule(&d.rule) {
            Some(r) => r.title.clone(),
            None if &*d.rule == UNUSED_SUPPRESSION => {
                "A suppression comment that hides nothing".to_string()
            }
            None => d.rule.to_string(),
        }
    }

    fn known(&self, path: &str, diags: &[Diagnostic]) -> Vec<bool> {
        match self.baseline {
            Some(b) => b.recorded(path, diags),
            None => vec![false; diags.len()],
        }
    }

    /// One finding's note: its number, severity, rule, message and what to write
    /// instead.
    fn note(&self, out: &mut String, n: Note) {
        let Note { id, k, d, .. } = n;
        let sev = severity_class(d.severity);
        let _ = write!(
            out,
            "<li class=\"note {sev}\" id=\"{id}-f{k}\" data-rule=\"{rule}\" data-line=\"{line}\"><p class=\"note-head\">",
            rule = escape(&d.rule),
            // The line as `--format json` gives it, for scripts and the browser tests.
            line = d.span.start.line
        );
        let badge = format!(
            "<span class=\"icon\" aria-hidden=\"true\">{}</span> {} {k}",
            severity_icon(d.severity),
            severity_word(d.severity)
        );
        if n.in_text {
            let _ = write!(
                out,
                "<a class=\"badge {sev}\" href=\"#{id}-r{k}\" title=\"Back to the text\">{badge}</a>"
            );
        } else {
            let _ = write!(out, "<span class=\"badge {sev}\">{badge}</span>");
        }
        let _ = write!(
            out,
            " <strong class=\"rule-title\">{}</strong> ",
            escape(&self.title(d))
        );
        // The rule's page (method, worked example, why it matters), when it has one.
        match crate::docs::url_for(&d.rule) {
            Some(url) => {
                let _ = write!(
                    out,
                    "<a class=\"rule-id\" href=\"{}\" title=\"About this rule\">({})</a>",
                    escape(&url),
                    escape(&d.rule)
                );
            }
            None => {
                let _ = write!(out, "<span class=\"rule-id\">({})</span>", escape(&d.rule));
            }
        }
        if n.known {
            out.push_str(" <span class=\"known\">known: recorded in the baseline</span>");
        }
        out.push_str("</p>");
        // A note beside the text shows its heading and folds its message and advice away,
        // so that it opens no gap in the text it sits beside; the verdict and the list of
        // findings by rule say what to write instead, and printing opens every note.
        let folded = n.in_text;
        if folded {
            out.push_str("<details><summary>Why, and what to write instead</summary>");
        }
        let _ = write!(
            out,
            "<p class=\"message\">{}</p><p class=\"help\"><span class=\"help-label\">What to write instead:</span> ",
            escape(&d.message)
        );
        match n.help_in {
            Some(first) => {
                let _ = write!(out, "as in <a href=\"#{id}-f{first}\">note {first}</a>.");
            }
            None => escape_into(out, &d.help),
        }
        out.push_str("</p>");
        if folded {
            out.push_str("</details>");
        }
        out.push_str("</li>");
    }

    /// The document as a reader sees it, findings marked, with a box at the top for
    /// findings about the whole document. Findings are numbered in the order of
    /// `diagnostics` (by position), from 1. A long document is parsed in pieces of at
    /// least `pieces` bytes, as `check` parses it, so that memory follows one piece.
    pub fn render_document(
        &self,
        path: &str,
        source: &str,
        diagnostics: &[Diagnostic],
        pieces: Option<usize>,
    ) -> String {
        self.render(path, source, diagnostics, Layout::Markdown { pieces })
    }

    /// As [`Html::render_document`], for a document that is not Markdown (a Word file):
    /// its text is laid out from the document model's blocks, one paragraph each.
    pub fn render_blocks(&self, path: &str, doc: &Document, diagnostics: &[Diagnostic]) -> String {
        self.render(path, doc.source, diagnostics, Layout::Blocks(doc))
    }

    fn render(
        &self,
        path: &str,
        source: &str,
        diagnostics: &[Diagnostic],
        layout: Layout,
    ) -> String {
        let id = doc_id(path);
        let known = self.known(path, diagnostics);
        let mut out = String::new();

        let mut whole: Vec<usize> = (0..diagnostics.len())
            .filter(|&i| self.is_document_level(&diagnostics[i]))
            .collect();
        // The most serious first.
        whole.sort_by_key(|&i| std::cmp::Reverse(diagnostics[i].severity));
        if !whole.is_empty() {
            // A tender's findings were judged over all its files and are shown in one.
            let about = if whole.iter().any(|&i| diagnostics[i].tender.is_some()) {
                "What this tender is missing, judged over all its files"
            } else {
                "What this document is missing"
            };
            // Each section's name is unique on the page: a folder report has many.
            let _ = write!(
                out,
                "<section class=\"doc-level\" aria-labelledby=\"{id}-whole\"><h4 id=\"{id}-whole\">{about}<span class=\"vh\"> ({})</span></h4><ol class=\"notes\">",
                escape_path(path)
            );
            for &i in &whole {
                let note = Note {
                    id: &id,
                    k: i + 1,
                    d: &diagnostics[i],
                    known: known[i],
                    in_text: false,
                    help_in: None,
                };
                self.note(&mut out, note);
            }
            out.push_str("</ol></section>\n");
        }

        let mut marks = Vec::new();
        let mut notes = Vec::new();
        // The first note of each rule in the text says what to write instead; later
        // ones point back to it.
        let mut first: Vec<(&str, usize)> = Vec::new();
        for (i, d) in diagnostics.iter().enumerate() {
            if self.is_document_level(d) {
                continue;
            }
            marks.push(Mark {
                k: i + 1,
                start: d.span.offset,
                end: d.span.offset + d.span.length,
                severity: d.severity,
                done: false,
            });
            let help_in = match first.iter().find(|(r, _)| *r == &*d.rule) {
                Some(&(_, k)) => Some(k),
                None => {
                    first.push((&d.rule, i + 1));
                    None
                }
            };
            let mut note = String::new();
            let n = Note {
                id: &id,
                k: i + 1,
                d,
                known: known[i],
                in_text: true,
                help_in,
            };
            self.note(&mut note, n);
            notes.push(note);
        }
        out.push_str("<div class=\"doc-body\">\n");
        // The writer goes on in `out`: a long document's text is written once, not
        // written and then copied.
        let mut w = Writer::new(source, &id, marks, notes, out);
        match layout {
            Layout::Blocks(doc) => w.blocks(doc),
            Layout::Markdown { pieces } => w.document(pieces),
        }
        let mut out = w.out;
        out.push_str("</div>\n");
        out
    }

    /// The whole page, as one string.
    pub fn page(&self, p: &Page) -> String {
        self.page_parts(p).concat()
    }

    /// The whole page, in parts: the page's own text, with each document's rendered
    /// text between its parts where it belongs, so that a long document's text is not
    /// copied into the page (see [`Parts`]).
    pub fn page_parts<'p>(&self, p: &Page<'p>) -> Parts<'p> {
        let files: Vec<&FileReport> = p
            .sections
            .iter()
            .flat_map(|s| s.files.iter().copied())
            .collect();
        let summary = Summary::of(files.iter().copied(), p.unreadable);
        let mut out = String::with_capacity(CSS.len() + 16_384);
        let mut inserts = Vec::new();
        let documents = plural(summary.files, "document", "documents");
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src '{SCRIPT_HASH}'; base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"tenderlint {version}\">\n\
             <title>Tender report: {documents}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#main\">Skip to the report</a>\n\
             <header class=\"page-head\"><h1>Tender report</h1>\n<p class=\"lede\">{line} Written on {date} by tenderlint {version}.</p></header>\n",
            version = env!("CARGO_PKG_VERSION"),
            line = escape(super::human::summary_line(&summary).trim()),
            date = escape(&p.date),
        );
        let history = self.history_worth_showing(p);
        self.nav(&mut out, p, files.len() > 1, history);
        out.push_str("<main id=\"main\">\n");
        self.verdict(&mut out, p, &files);
        self.run_summary(&mut out, p, &files, &summary);
        for (n, s) in p.sections.iter().enumerate() {
            let _ = writeln!(
                out,
                "<section class=\"section\" id=\"section-{}\" aria-labelledby=\"section-{}-title\"><h2 id=\"section-{}-title\">{}</h2>",
                n + 1,
                n + 1,
                n + 1,
                escape(&s.title)
            );
            if let Some(m) = s.metrics {
                out.push_str("<div class=\"doc-summary\">");
                self.metrics_panel(&mut out, m);
                out.push_str("</div>\n");
            }
            for r in &s.files {
                self.file(&mut out, r);
                if r.result.is_ok() {
                    inserts.push((out.len(), r.rendered.as_str()));
                }
                out.push_str("</article>\n");
            }
            out.push_str("</section>\n");
        }
        if history {
            out.push_str("<section id=\"history\" class=\"appendix\" aria-labelledby=\"history-title\"><h2 id=\"history-title\">Appendix: longest-standing findings</h2>\n");
            self.oldest(&mut out, p);
            out.push_str("</section>\n");
        }
        out.push_str("</main>\n");
        let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
        Parts { text: out, inserts }
    }

    fn nav(&self, out: &mut String, p: &Page, summary: bool, history: bool) {
        out.push_str(
            "<nav aria-labelledby=\"contents-title\"><h2 id=\"contents-title\">Contents</h2>\n<ol>\n<li><a href=\"#verdict\">Verdict</a></li>\n",
        );
        if summary {
            out.push_str("<li><a href=\"#summary\">All documents</a></li>\n");
        }
        for (n, s) in p.sections.iter().enumerate() {
            let _ = write!(
                out,
                "<li><a href=\"#section-{}\">{}</a>\n<ol>\n",
                n + 1,
                escape(&s.title)
            );
            for r in &s.files {
                let id = doc_id(&r.path);
                // The filter script rewrites a count to what it shows.
                let counts = match &r.result {
                    Ok(d) if d.is_empty() => {
                        "<span class=\"count\">(no findings)</span>".to_string()
                    }
                    Ok(d) => format!(
                        "<span class=\"count\" data-doc=\"{id}\" data-total=\"{}\">({})</span>",
                        d.len(),
                        plural(d.len(), "finding", "findings")
                    ),
                    Err(_) => "<span class=\"count\">(could not be checked)</span>".to_string(),
                };
                let _ = writeln!(
                    out,
                    "<li><a href=\"#{id}\">{}</a> {counts}</li>",
                    escape_path(&r.path)
                );
            }
            out.push_str("</ol></li>\n");
        }
        if history {
            out.push_str("<li><a href=\"#history\">Appendix: longest-standing findings</a></li>\n");
        }
        out.push_str(
            "</ol>\n<form id=\"filters\" class=\"filters\" hidden><fieldset><legend>Show findings</legend>\
             <label><input type=\"checkbox\" value=\"error\" checked> Errors</label> \
             <label><input type=\"checkbox\" value=\"warning\" checked> Warnings</label> \
             <label><input type=\"checkbox\" value=\"info\" checked> Info</label>\
             <label for=\"f-rule\">Rule</label><select id=\"f-rule\"><option value=\"\">All rules</option>",
        );
        // The rules and files of the run, as the filters offer them.
        let mut rules: BTreeMap<&str, String> = BTreeMap::new();
        for r in p.sections.iter().flat_map(|s| s.files.iter()) {
            for d in r.result.as_deref().unwrap_or(&[]) {
                rules.entry(&d.rule).or_insert_with(|| self.title(d));
            }
        }
        let mut rules: Vec<(&str, String)> = rules.into_iter().collect();
        rules.sort_by(|a, b| a.1.cmp(&b.1));
        for (id, title) in rules {
            let _ = write!(
                out,
                "<option value=\"{}\">{}</option>",
                escape(id),
                escape(&title)
            );
        }
        out.push_str("</select><label for=\"f-file\">File</label><select id=\"f-file\"><option value=\"\">All files</option>");
        for r in p.sections.iter().flat_map(|s| s.files.iter()) {
            let _ = write!(
                out,
                "<option value=\"{}\">{}</option>",
                doc_id(&r.path),
                escape_path(&r.path)
            );
        }
        out.push_str(
            "</select><label><input type=\"checkbox\" id=\"f-only\"> Only paragraphs with findings</label>\
             <label><input type=\"checkbox\" id=\"f-open\"> Open every explanation</label>\
             <p id=\"f-status\" class=\"small\" role=\"status\" aria-live=\"polite\"></p></fieldset></form>\n</nav>\n",
        );
    }

    fn run_summary(&self, out: &mut String, p: &Page, files: &[&FileReport], summary: &Summary) {
        // One document: the verdict above and its own summary below say it all.
        if files.len() <= 1 {
            self.failed(out, p, files);
            return;
        }
        out.push_str("<section id=\"summary\" class=\"run-summary\" aria-labelledby=\"summary-title\"><h2 id=\"summary-title\">All documents</h2>\n");

        // Outcome focus and ingredients, one row per tender and per document that stands
        // alone: (where it is on the page, its name, its figures).
        let sections = p.sections.iter().enumerate().filter_map(|(n, s)| {
            s.metrics
                .map(|m| (format!("section-{}", n + 1), s.title.clone(), m))
        });
        let documents = files.iter().filter_map(|r| {
            r.metrics.as_ref().map(|m| {
                (
                    doc_id(&r.path),
                    crate::excerpt::escape(&r.path).into_owned(),
                    m,
                )
            })
        });
        let checked: Vec<(String, String, &Metrics)> = sections.chain(documents).collect();
        let mut ingredient_names: Vec<&str> = Vec::new();
        for (_, _, m) in &checked {
            for i in &m.ingredients {
                if !ingredient_names.contains(&i.name.as_str()) {
                    ingredient_names.push(&i.name);
                }
            }
        }
        out.push_str("<h3>Outcome focus and partnership ingredients</h3>\n");
        out.push_str(
            "<p class=\"explain\">Outcome focus runs from 0 (only penalty clauses, no partnership ingredient) to 1 \
             (every ingredient, and outcome measures rather than penalty clauses). The ingredients are what the evidence \
             says a real partnership needs: patient-outcome measures, the patient's voice, shared goals, joint governance \
             and meaningful data.</p>\n",
        );
        if checked.is_empty() {
            out.push_str("<p>No document could be checked.</p>\n");
        } else {
            out.push_str("<div class=\"table-wrap\" tabindex=\"0\"><table class=\"focus\"><thead><tr><th scope=\"col\">Document</th><th scope=\"col\">Outcome focus</th>");
            for name in &ingredient_names {
                let _ = write!(
                    out,
                    "<th scope=\"col\">{}</th>",
                    escape(&category_words(name))
                );
            }
            out.push_str("</tr></thead><tbody>\n");
            for (href, name, m) in &checked {
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\"><a href=\"#{href}\">{}</a></th><td class=\"score-cell\">",
                    escape(name)
                );
                score_bar(out, m.outcome_focus);
                out.push_str("</td>");
                for name in &ingredient_names {
                    match m.ingredients.iter().find(|i| i.name == *name) {
                        Some(i) => ingredient_cell(out, i),
                        None => out.push_str("<td class=\"na\">not checked</td>"),
                    }
                }
                out.push_str("</tr>\n");
            }
            let mean =
                checked.iter().map(|(_, _, m)| m.outcome_focus).sum::<f64>() / checked.len() as f64;
            let all = if p.sections.iter().any(|s| s.metrics.is_some()) {
                "All tenders and documents (mean)"
            } else {
                "All documents (mean)"
            };
            let _ = write!(
                out,
                "</tbody><tfoot><tr><th scope=\"row\">{all}</th><td class=\"score-cell\">"
            );
            score_bar(out, (mean * 100.0).round() / 100.0);
            out.push_str("</td>");
            for name in &ingredient_names {
                let with: Vec<bool> = checked
                    .iter()
                    .filter_map(|(_, _, m)| m.ingredients.iter().find(|i| i.name == *name))
                    .map(|i| i.present)
                    .collect();
                let _ = write!(
                    out,
                    "<td>present in {} of {}</td>",
                    with.iter().filter(|p| **p).count(),
                    with.len()
                );
            }
            out.push_str("</tr></tfoot></table></div>\n");
        }

        out.push_str("<h3>Findings by category and severity</h3>\n");
        let diags: Vec<&Diagnostic> = files
            .iter()
            .flat_map(|r| r.result.as_deref().unwrap_or(&[]))
            .collect();
        self.counts_table(out, &diags, summary);
        self.one_tender_hint(out, files);
        self.failed(out, p, files);
        out.push_str("</section>\n");
    }

    /// The verdict: for each tender and each document that stands alone, its title, one
    /// sentence, its outcome focus and the changes that matter most; then how to read
    /// the scale.
    fn verdict(&self, out: &mut String, p: &Page, files: &[&FileReport]) {
        out.push_str("<section id=\"verdict\" class=\"verdict\" aria-labelledby=\"verdict-title\"><h2 id=\"verdict-title\">Verdict</h2>\n");
        let mut cards = 0;
        for (n, s) in p.sections.iter().enumerate() {
            if let Some(m) = s.metrics {
                let href = format!("section-{}", n + 1);
                self.verdict_card(out, &href, &s.title, None, m, &s.files);
                cards += 1;
            }
        }
        for r in files {
            if let Some(m) = &r.metrics {
                let shown = crate::excerpt::escape(&r.path);
                let title = m.title.as_deref().unwrap_or(&shown);
                let path = (title != shown).then_some(r.path.as_str());
                self.verdict_card(out, &doc_id(&r.path), title, path, m, &[r]);
                cards += 1;
            }
        }
        if cards == 0 {
            out.push_str("<p>No document could be checked.</p>\n");
        }
        out.push_str(
            "<div class=\"legend\"><h3>How to read this report</h3><ul class=\"severities\">",
        );
        for (s, meaning) in verdict::SEVERITY_MEANINGS {
            let _ = write!(
                out,
                "<li><span class=\"badge {}\"><span class=\"icon\" aria-hidden=\"true\">{}</span> {}</span> {meaning}</li>",
                severity_class(s),
                severity_icon(s),
                severity_word(s)
            );
        }
        out.push_str("</ul><ul class=\"bands\">");
        for (i, b) in verdict::BANDS.iter().enumerate() {
            let to = verdict::BANDS
                .get(i + 1)
                .map_or("1".to_string(), |next| format!("{:.2}", next.from - 0.01));
            let _ = write!(
                out,
                "<li><strong>{:.2} to {to}: {}</strong>: {}</li>",
                b.from,
                escape(b.name),
                escape(b.meaning)
            );
        }
        let _ = write!(
            out,
            "</ul><p class=\"explain\">{}</p></div>\n</section>\n",
            escape(verdict::SCORE_METHOD)
        );
    }

    /// One tender's or document's verdict. `href` is the id of its part of the page.
    fn verdict_card(
        &self,
        out: &mut String,
        href: &str,
        title: &str,
        path: Option<&str>,
        m: &Metrics,
        files: &[&FileReport],
    ) {
        let diags: Vec<&[Diagnostic]> = files
            .iter()
            .map(|r| r.result.as_deref().unwrap_or(&[]))
            .collect();
        let count = |s: Severity| {
            diags
                .iter()
                .flat_map(|d| d.iter())
                .filter(|d| d.severity == s)
                .count()
        };
        let (errors, warnings, infos) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        let worst = if errors > 0 {
            "sev-error"
        } else if warnings > 0 {
            "sev-warning"
        } else {
            "sev-info"
        };
        let _ = write!(
            out,
            "<article class=\"verdict-card {worst}\" aria-labelledby=\"v-{href}\"><h3 id=\"v-{href}\"><a href=\"#{href}\">{}</a></h3>",
            escape(title)
        );
        if let Some(path) = path {
            let _ = write!(out, "<p class=\"path\">{}</p>", escape_path(path));
        }
        let _ = write!(
            out,
            "<p class=\"verdict-line\">{}</p><div class=\"verdict-figures\">",
            escape(&verdict::sentence(errors, warnings, infos, Some(m)))
        );
        score_bar(out, m.outcome_focus);
        let _ = write!(
            out,
            " <span class=\"band\">{}</span>",
            escape(verdict::band(m.outcome_focus).name)
        );
        let missing: Vec<String> = m
            .ingredients
            .iter()
            .filter(|i| !i.present)
            .map(|i| category_words(&i.name).to_lowercase())
            .collect();
        if !m.ingredients.is_empty() {
            if missing.is_empty() {
                out.push_str(
                    " <span class=\"small\">Every partnership ingredient is present.</span>",
                );
            } else {
                let _ = write!(
                    out,
                    " <span class=\"small\">Missing: {}.</span>",
                    escape(&missing.join(", "))
                );
            }
        }
        out.push_str("</div>");
        // Why each present ingredient counts: where the document first says it.
        let present: Vec<String> = (m.ingredients.iter())
            .filter(|i| i.present)
            .filter_map(|i| {
                let e = i.evidence.as_ref()?;
                Some(format!(
                    "{} ({})",
                    category_words(&i.name).to_lowercase(),
                    e.describe()
                ))
            })
            .collect();
        if !present.is_empty() {
            let _ = write!(
                out,
                "<p class=\"small present\">Present: {}.</p>",
                escape(&present.join("; "))
            );
        }
        let groups = verdict::groups(&diags, |d| !self.is_document_level(d));
        if !groups.is_empty() {
            out.push_str("<h4>Change these first</h4><ol class=\"changes\">");
            for g in groups.iter().take(TOP_CHANGES) {
                out.push_str("<li>");
                self.group_line(out, g, files, true);
                out.push_str("</li>");
            }
            out.push_str("</ol>");
            if groups.len() > TOP_CHANGES {
                let _ = write!(
                    out,
                    "<p class=\"small\">{} more listed with the text below.</p>",
                    plural(
                        groups.len() - TOP_CHANGES,
                        "kind of finding",
                        "kinds of finding"
                    )
                );
            }
        }
        out.push_str("</article>\n");
    }

    /// A rule's findings in one line: its badge and title, how many places with a link to
    /// each, and (when `help`) the first sentence of what to write instead.
    fn group_line(&self, out: &mut String, g: &verdict::Group, files: &[&FileReport], help: bool) {
        let sev = severity_class(g.severity);
        let first = g.places[0];
        let _ = write!(
            out,
            "<span class=\"badge {sev}\"><span class=\"icon\" aria-hidden=\"true\">{}</span> {}</span> <a href=\"#{}-f{}\">{}</a>: {} (",
            severity_icon(g.severity),
            severity_word(g.severity),
            doc_id(&files[first.0].path),
            first.1 + 1,
            escape(&self.title(g.first)),
            plural(g.places.len(), "place", "places"),
        );
        for (n, &(f, i)) in g.places.iter().enumerate() {
            if n == PLACES_LISTED {
                out.push_str(", \u{2026}");
                break;
            }
            let r = files[f];
            let Ok(diags) = &r.result else { continue };
            let _ = write!(
                out,
                "{}<a href=\"#{}-f{}\" title=\"{}\">{}</a>",
                if n > 0 { ", " } else { "" },
                doc_id(&r.path),
                i + 1,
                escape_path(&r.path),
                escape(&verdict::place(&diags[i]))
            );
        }
        out.push(')');
        if help {
            let _ = write!(
                out,
                ". <span class=\"help\">{}</span>",
                escape(crate::diagnostic::first_sentence(&g.first.help))
            );
        }
    }

    /// Whether the appendix of longest-standing findings says anything: git was asked,
    /// and the findings do not all date from the same day.
    fn history_worth_showing(&self, p: &Page) -> bool {
        if !p.history_asked {
            return false;
        }
        let mut days = std::collections::BTreeSet::new();
        let mut known = 0;
        let mut total = 0;
        for r in p.sections.iter().flat_map(|s| s.files.iter()) {
            let Ok(diags) = &r.result else { continue };
            let times = p.history.get(&r.path);
            known += self.known(&r.path, diags).iter().filter(|k| **k).count();
            total += diags.len();
            for d in diags {
                if let Some(t) = times.and_then(|t| t.at(d.span.start.line)) {
                    days.insert(history::date(t));
                }
            }
        }
        days.len() > 1 || (known > 0 && known < total)
    }

    /// Documents that stand alone in one folder and all lack the same ingredients may be
    /// parts of one tender: say so once, with the `tender.toml` that would join them.
    fn one_tender_hint(&self, out: &mut String, files: &[&FileReport]) {
        let mut folders: BTreeMap<&str, Vec<&FileReport>> = BTreeMap::new();
        for r in files {
            if r.tender.is_none() && r.result.is_ok() {
                let folder = r.path.rsplit_once('/').map_or(".", |(f, _)| f);
                folders.entry(folder).or_default().push(r);
            }
        }
        for (folder, members) in folders {
            if members.len() < 2 {
                continue;
            }
            let lacks = |r: &FileReport| -> Vec<String> {
                let mut v: Vec<String> = r
                    .result
                    .as_deref()
                    .unwrap_or(&[])
                    .iter()
                    .filter(|d| self.is_document_level(d) && d.rule.starts_with("missing-"))
                    .map(|d| d.rule.to_string())
                    .collect();
                v.sort();
                v.dedup();
                v
            };
            let mut shared = lacks(members[0]);
            for r in &members[1..] {
                let theirs = lacks(r);
                shared.retain(|x| theirs.contains(x));
            }
            if shared.is_empty() {
                continue;
            }
            let names: Vec<String> = shared
                .iter()
                .map(|r| crate::metrics::Metrics::ingredient_name(r))
                .collect();
            let first = members[0]
                .path
                .rsplit_once('/')
                .map_or(members[0].path.as_str(), |(_, f)| f);
            let _ = write!(
                out,
                "<div class=\"hint\"><p><strong>The {} documents in {} each lack the same things</strong> ({}). \
                 If they are parts of one tender, what one lacks may be in another: put a <code>tender.toml</code> \
                 in the folder and tenderlint judges them together.</p>\
                 <pre><code># {}/tender.toml\nname = \"The tender's name\"\nmain = \"{}\"   # where findings about the whole tender go</code></pre></div>\n",
                members.len(),
                escape_path(folder),
                escape(&names.join(", ")),
                escape_path(folder),
                escape_path(first)
            );
        }
    }

    /// The files that could not be checked, if any.
    fn failed(&self, out: &mut String, p: &Page, files: &[&FileReport]) {
        let failed: Vec<&FileError> = p
            .unreadable
            .iter()
            .chain(files.iter().filter_map(|r| r.result.as_ref().err()))
            .collect();
        if !failed.is_empty() {
            out.push_str("<section class=\"file-errors\" aria-labelledby=\"file-errors-title\"><h3 id=\"file-errors-title\">Files that could not be checked</h3><ul>\n");
            for e in failed {
                file_error(out, e);
            }
            out.push_str("</ul></section>\n");
        }
    }

    /// A table of findings: one row per category, one column per severity.
    fn counts_table(&self, out: &mut String, diags: &[&Diagnostic], summary: &Summary) {
        if diags.is_empty() {
            out.push_str("<p class=\"clean\">No findings.</p>\n");
            return;
        }
        let mut by_category: BTreeMap<String, [usize; 3]> = BTreeMap::new();
        for d in diags {
            let row = by_category.entry(self.category(d)).or_default();
            row[SEVERITIES
                .iter()
                .position(|s| *s == d.severity)
                .unwrap_or(0)] += 1;
        }
        out.push_str("<div class=\"table-wrap\" tabindex=\"0\"><table class=\"counts\"><thead><tr><th scope=\"col\">Category</th>");
        for s in SEVERITIES {
            let _ = write!(
                out,
                "<th scope=\"col\"><span class=\"badge {}\"><span class=\"icon\" aria-hidden=\"true\">{}</span> {}</span></th>",
                severity_class(s),
                severity_icon(s),
                severity_word(s)
            );
        }
        out.push_str("<th scope=\"col\">Total</th></tr></thead><tbody>\n");
        for (category, row) in &by_category {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(category));
            for n in row {
                let _ = write!(out, "<td>{n}</td>");
            }
            let _ = writeln!(out, "<td>{}</td></tr>", row.iter().sum::<usize>());
        }
        let _ = writeln!(
            out,
            "</tbody><tfoot><tr><th scope=\"row\">Total</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tfoot></table></div>",
            summary.errors,
            summary.warnings,
            summary.infos,
            summary.errors + summary.warnings + summary.infos
        );
    }

    /// The run's findings, longest-standing first: those the baseline records, then by
    /// the date their line was last changed in git (oldest first), then those git has no
    /// date for, in document order.
    fn oldest(&self, out: &mut String, p: &Page) {
        struct Aged<'r> {
            path: &'r str,
            k: usize,
            d: &'r Diagnostic,
            known: bool,
            time: Option<i64>,
            tracked: bool,
        }
        let mut all: Vec<Aged> = Vec::new();
        for r in p.sections.iter().flat_map(|s| s.files.iter()) {
            let Ok(diags) = &r.result else { continue };
            let known = self.known(&r.path, diags);
            let times = p.history.get(&r.path);
            for (i, d) in diags.iter().enumerate() {
                all.push(Aged {
                    path: &r.path,
                    k: i + 1,
                    d,
                    known: known[i],
                    time: times.and_then(|t| t.at(d.span.start.line)),
                    tracked: times.is_some(),
                });
            }
        }
        out.push_str("<h3>Longest-standing issues</h3>\n");
        if all.is_empty() {
            out.push_str("<p class=\"clean\">No findings.</p>\n");
            return;
        }
        // Equally old findings: the most serious first, then in document order (stable).
        all.sort_by_key(|a| {
            (
                !a.known,
                a.time.is_none(),
                a.time,
                std::cmp::Reverse(a.d.severity),
            )
        });
        let how = if !p.history_asked {
            "Findings recorded in the baseline come first, then the others, the most serious first and otherwise in document order (the git history was not consulted)."
        } else if p.history.is_empty() {
            "Findings recorded in the baseline come first, then the others, the most serious first and otherwise in document order (no git history was found for these files)."
        } else {
            "Oldest first: findings recorded in the baseline, then by the date their line was last changed in git \
             (the finding has stood in the text at least since then). Findings on lines not yet committed, or in files \
             git does not track, come last. Equally old findings: the most serious first."
        };
        let _ = writeln!(out, "<p class=\"explain\">{how}</p>");
        out.push_str(
            "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"oldest\"><thead><tr><th scope=\"col\">Since</th>\
             <th scope=\"col\">Finding</th><th scope=\"col\">Where</th></tr></thead><tbody>\n",
        );
        for a in all.iter().take(OLDEST_SHOWN) {
            let sev = severity_class(a.d.severity);
            let since = match (a.known, a.time, a.tracked) {
                (true, Some(t), _) => format!("{} (in the baseline)", history::date(t)),
                (true, None, _) => "in the baseline".to_string(),
                (false, Some(t), _) => history::date(t),
                (false, None, true) => "not yet committed".to_string(),
                (false, None, false) => "\u{2014}".to_string(),
            };
            let _ = writeln!(
                out,
                "<tr class=\"{sev}\"><td class=\"since\">{}</td><td><span class=\"badge {sev}\"><span class=\"icon\" aria-hidden=\"true\">{}</span> {}</span> \
                 <a href=\"#{}-f{}\">{}</a></td><td class=\"where\">{}, {}</td></tr>",
                escape(&since),
                severity_icon(a.d.severity),
                severity_word(a.d.severity),
                doc_id(a.path),
                a.k,
                escape(&self.title(a.d)),
                escape_path(a.path),
                escape(&match &a.d.location {
                    Some(at) => at.describe(),
                    None => format!("line {}", a.d.span.start.line),
                })
            );
        }
        out.push_str("</tbody></table></div>\n");
        if all.len() > OLDEST_SHOWN {
            let _ = writeln!(
                out,
                "<p class=\"explain\">{} more are listed with their documents below.</p>",
                all.len() - OLDEST_SHOWN
            );
        }
    }

    /// Outcome focus, measures against clauses, and the ingredients, for a document or a
    /// section.
    fn metrics_panel(&self, out: &mut String, m: &Metrics) {
        out.push_str("<div class=\"panel\"><p class=\"panel-title\">Outcome focus</p>");
        score_bar(out, m.outcome_focus);
        let _ = write!(
            out,
            "<p class=\"small\">{} against {}.</p></div>",
            plural(
                m.outcome_measures,
                "patient-outcome measure",
                "patient-outcome measures"
            ),
            plural(
                m.performance_clauses,
                "performance-centric clause",
                "performance-centric clauses"
            )
        );
        if !m.ingredients.is_empty() {
            let present = m.ingredients.iter().filter(|i| i.present).count();
            let _ = write!(
                out,
                "<div class=\"panel\"><p class=\"panel-title\">Partnership ingredients: {present} of {}</p><ul class=\"ingredients\">",
                m.ingredients.len()
            );
            for i in &m.ingredients {
                let (class, mark, word) = if i.present {
                    ("yes", "\u{2713}", "present")
                } else {
                    ("no", "\u{2717}", "missing")
                };
                let _ = write!(
                    out,
                    "<li class=\"{class}\"><span aria-hidden=\"true\">{mark}</span> {}: {word}</li>",
                    escape(&category_words(&i.name))
                );
            }
            out.push_str("</ul></div>");
        }
    }

    /// One document: its heading, summary, then the rendered text (or why it could not
    /// be read).
    fn file(&self, out: &mut String, r: &FileReport) {
        let id = doc_id(&r.path);
        let _ = writeln!(
            out,
            "<article class=\"doc\" id=\"{id}\" aria-labelledby=\"{id}-title\"><h3 id=\"{id}-title\" class=\"doc-title\">{}</h3>",
            escape_path(&r.path)
        );
        match &r.result {
            Err(e) => {
                out.push_str("<div class=\"file-error\" role=\"note\"><ul>");
                file_error(out, e);
                out.push_str("</ul></div>\n");
            }
            Ok(diags) => {
                out.push_str("<div class=\"doc-summary\">");
                if let Some(m) = &r.metrics {
                    out.push_str("<div class=\"panel-stack\">");
                    self.metrics_panel(out, m);
                    out.push_str("</div>");
                }
                out.push_str("<div class=\"panel\"><p class=\"panel-title\">Findings</p>");
                let refs: Vec<&Diagnostic> = diags.iter().collect();
                self.counts_table(out, &refs, &Summary::of([r], &[]));
                if r.baselined > 0 {
                    let _ = write!(
                        out,
                        "<p class=\"small\">{} hidden by the baseline.</p>",
                        plural(r.baselined, "finding", "findings")
                    );
                }
                out.push_str("</div>");
                let groups = verdict::groups(&[diags], |d| !self.is_document_level(d));
                if !groups.is_empty() {
                    out.push_str("<div class=\"panel groups\"><p class=\"panel-title\">Findings by rule</p><ul class=\"changes\">");
                    for g in &groups {
                        out.push_str("<li>");
                        self.group_line(out, g, &[r], false);
                        out.push_str("</li>");
                    }
                    out.push_str("</ul></div>");
                }
                out.push_str("</div>\n");
                // The rendered text follows (see `page_parts`).
            }
        }
    }
}

/// A page in parts: the page's own `text`, and the documents' rendered texts, each to
/// go at a byte offset of `text` (in order). A long document's rendered text is as long
/// as the document: written out from where it is, it is never copied.
pub struct Parts<'p> {
    text: String,
    inserts: Vec<(usize, &'p str)>,
}

impl<'p> Parts<'p> {
    /// The page's pieces of text, in order.
    pub fn chunks(&self) -> impl Iterator<Item = &str> {
        let mut at = 0;
        let mut out = Vec::with_capacity(2 * self.inserts.len() + 1);
        for &(to, rendered) in &self.inserts {
            out.push(&self.text[at..to]);
            out.push(rendered);
            at = to;
        }
        out.push(&self.text[at..]);
        out.into_iter()
    }

    /// The page as one string.
    pub fn concat(&self) -> String {
        let mut page = String::with_capacity(self.chunks().map(str::len).sum());
        self.chunks().for_each(|c| page.push_str(c));
        page
    }
}

fn file_error(out: &mut String, e: &FileError) {
    let _ = write!(
        out,
        "<li class=\"sev-error\"><span class=\"badge sev-error\"><span class=\"icon\" aria-hidden=\"true\">{}</span> Not checked</span> <strong>{}</strong>: {}",
        severity_icon(Severity::Error),
        escape_path(&e.path),
        escape(&e.message)
    );
    if let Some(h) = &e.help {
        let _ = write!(out, " <span class=\"help\">{}</span>", escape(h));
    }
    out.push_str("</li>\n");
}

/// Present or missing; a present ingredient says where the document first names it.
fn ingredient_cell(out: &mut String, ingredient: &crate::metrics::Ingredient) {
    if ingredient.present {
        out.push_str("<td class=\"yes\"><span aria-hidden=\"true\">\u{2713}</span> present");
        if let Some(e) = &ingredient.evidence {
            out.push_str("<span class=\"where\">");
            escape_into(out, &e.describe());
            out.push_str("</span>");
        }
        out.push_str("</td>");
    } else {
        out.push_str("<td class=\"no\"><span aria-hidden=\"true\">\u{2717}</span> missing</td>");
    }
}

/// The outcome-focus score as a bar from 0 to 1, with the number beside it.
fn score_bar(out: &mut String, score: f64) {
    let score = score.clamp(0.0, 1.0);
    let band = match verdict::BANDS
        .iter()
        .position(|b| b == verdict::band(score))
    {
        Some(2) => "high",
        Some(1) => "mid",
        _ => "low",
    };
    let _ = write!(
        out,
        "<span class=\"score\"><svg class=\"bar {band}\" viewBox=\"0 0 100 10\" width=\"140\" height=\"14\" role=\"img\" aria-label=\"Outcome focus {score:.2} out of 1\">\
         <title>Outcome focus {score:.2} out of 1</title>\
         <rect class=\"track\" x=\"0\" y=\"0\" width=\"100\" height=\"10\"/>\
         <rect class=\"fill\" x=\"0\" y=\"0\" width=\"{:.0}\" height=\"10\"/>\
         <line class=\"tick\" x1=\"50\" y1=\"0\" x2=\"50\" y2=\"10\"/></svg> <span class=\"score-number\">{score:.2}</span></span>",
        score * 100.0
    );
}

/// What a note says about one finding.
#[derive(Clone, Copy)]
struct Note<'n> {
    /// The document's id on the page.
    id: &'n str,
    /// The finding's number in its document.
    k: usize,
    d: &'n Diagnostic,
    /// The baseline records it.
    known: bool,
    /// It is marked in the text (else it is about the whole document).
    in_text: bool,
    /// An earlier note of the same rule already says what to write instead.
    help_in: Option<usize>,
}

/// How a document's text is laid out: Markdown from its source (parsed whole, or in
/// pieces of at least so many bytes), or a Word document from its model's blocks.
enum Layout<'d> {
    Markdown { pieces: Option<usize> },
    Blocks(&'d Document<'d>),
}

/// A finding shown in the text.
#[derive(Debug, Clone)]
struct Mark {
    /// Its number in the document (from 1).
    k: usize,
    start: usize,
    end: usize,
    severity: Severity,
    /// Its reference (the badge that links to its note) is written.
    done: bool,
}

/// Writes one document's Markdown as HTML with findings marked, from pulldown-cmark's
/// events and their source ranges.
///
/// Every run of text is cut where a finding starts or ends and each piece that some
/// finding covers becomes its own `<mark>`, opened and closed inside that run: a finding
/// across `**bold** text`, a link or two table cells becomes several marks, and the
/// markup stays well nested. After the last piece of a finding comes its badge, which
/// links to its note; the notes of a top-level block (paragraph, list, table) follow it.
struct Writer<'s> {
    src: &'s str,
    id: &'s str,
    out: String,
    /// Sorted by start; every mark before `lo` is done and ends before the text so far.
    marks: Vec<Mark>,
    notes: Vec<String>,
    lo: usize,
    /// Marks whose badge is written since the last list of notes.
    noted: Vec<usize>,
    /// Badges held back until the link they fall in is closed (no link in a link).
    deferred: Vec<usize>,
    depth: usize,
    links: Vec<bool>,
    images: usize,
    in_head: bool,
    aligns: Vec<Alignment>,
    cell: usize,
}

impl<'s> Writer<'s> {
    /// A writer that appends to `out`.
    fn new(
        src: &'s str,
        id: &'s str,
        marks: Vec<Mark>,
        notes: Vec<String>,
        mut out: String,
    ) -> Self {
        out.reserve(src.len() * 3 / 2);
        Writer {
            src,
            id,
            out,
            marks,
            notes,
            lo: 0,
            noted: Vec::new(),
            deferred: Vec::new(),
            depth: 0,
            links: Vec::new(),
            images: 0,
            in_head: false,
            aligns: Vec::new(),
            cell: 0,
        }
    }

    fn document(&mut self, pieces: Option<usize>) {
        use crate::document::{piece_ranges, with_piece_events, Labels, Piece};
        let src = self.src;
        // The parser builds a tree of all it is given before its first event: a long
        // text is given a piece at a time, cut where `check` cuts it; a short one whole.
        let (pieces, labels) = match pieces {
            Some(bytes) => piece_ranges(src, bytes),
            None => {
                let whole = Piece {
                    range: 0..src.len(),
                    first: String::new(),
                };
                (vec![whole], Labels::default())
            }
        };
        for piece in pieces {
            with_piece_events(src, piece.range, &labels, &piece.first, |events| {
                for (event, range) in events {
                    self.event(event, range);
                }
            });
        }
        if self.marks.iter().any(|m| !m.done) {
            self.out.push_str("<p class=\"refs\">");
            self.flush(usize::MAX);
            self.out.push_str("</p>\n");
        }
        self.write_notes();
    }

    /// The text of a document read from another format, as the events a Markdown
    /// parser would give for it: headings, paragraphs, and tables of header and body
    /// cells (paragraphs in one cell separated by line breaks, empty cells kept).
    fn blocks(&mut self, doc: &Document) {
        let src = self.src;
        let mut table: Option<(usize, Option<usize>, Option<usize>)> = None;
        let close_cell = |w: &mut Self, t: &mut Option<(usize, Option<usize>, Option<usize>)>| {
            if let Some((_, Some(_), col)) = t {
                if col.take().is_some() {
                    w.event(Event::End(TagEnd::TableCell), 0..0);
                }
            }
        };
        let close_row = |w: &mut Self, t: &mut Option<(usize, Option<usize>, Option<usize>)>| {
            close_cell(w, t);
            if let Some((_, row, _)) = t {
                match row.take() {
                    Some(0) => w.event(Event::End(TagEnd::TableHead), 0..0),
                    Some(_) => w.event(Event::End(TagEnd::TableRow), 0..0),
                    None => {}
                }
            }
        };
        for b in &doc.blocks {
            let text = Event::Text(pulldown_cmark::CowStr::Borrowed(&src[b.range.clone()]));
            let (t, row, column) = match b.kind {
                BlockKind::TableHeader { table, column } => (table, 0, column),
                BlockKind::TableCell { table, row, column } => (table, row.max(1), column),
                kind => {
                    if table.is_some() {
                        close_row(self, &mut table);
                        table = None;
                        self.event(Event::End(TagEnd::Table), 0..0);
                    }
                    let (open, close) = match kind {
                        BlockKind::Heading { level } => {
                            let level = pulldown_cmark::HeadingLevel::try_from(level as usize)
                                .unwrap_or(pulldown_cmark::HeadingLevel::H6);
                            let tag = Tag::Heading {
                                level,
                                id: None,
                                classes: Vec::new(),
                                attrs: Vec::new(),
                            };
                            (tag, TagEnd::Heading(level))
                        }
                        _ => (Tag::Paragraph, TagEnd::Paragraph),
                    };
                    self.event(Event::Start(open), b.range.clone());
                    // Word's automatic number is not in the text: shown before it, as
                    // Word shows it.
                    if let Some(c) = b.clause.as_deref() {
                        if !src[b.range.clone()].trim_start().starts_with(c) {
                            let _ =
                                write!(self.out, "<span class=\"clause\">{}</span> ", escape(c));
                        }
                    }
                    self.event(text, b.range.clone());
                    self.event(Event::End(close), b.range.clone());
                    continue;
                }
            };
            if table.is_some_and(|(open, ..)| open != t) {
                close_row(self, &mut table);
                table = None;
                self.event(Event::End(TagEnd::Table), 0..0);
            }
            if table.is_none() {
                self.event(Event::Start(Tag::Table(Vec::new())), b.range.clone());
                table = Some((t, None, None));
            }
            if table.is_some_and(|(_, r, _)| r != Some(row)) {
                close_row(self, &mut table);
                let tag = if row == 0 {
                    Tag::TableHead
                } else {
                    Tag::TableRow
                };
                self.event(Event::Start(tag), b.range.clone());
                if let Some((_, r, _)) = table.as_mut() {
                    *r = Some(row);
                }
            }
            let at = table.and_then(|(_, _, c)| c);
            if at == Some(column) {
                self.event(Event::HardBreak, b.range.clone());
            } else {
                close_cell(self, &mut table);
                // Empty cells before this one are cells still.
                let from = at.map_or(0, |c| c + 1);
                for _ in from..column {
                    self.event(Event::Start(Tag::TableCell), 0..0);
                    self.event(Event::End(TagEnd::TableCell), 0..0);
                }
                self.event(Event::Start(Tag::TableCell), b.range.clone());
                if let Some((_, _, c)) = table.as_mut() {
                    *c = Some(column);
                }
            }
            self.event(text, b.range.clone());
        }
        if table.is_some() {
            close_row(self, &mut table);
            self.event(Event::End(TagEnd::Table), 0..0);
        }
        if self.marks.iter().any(|m| !m.done) {
            self.out.push_str("<p class=\"refs\">");
            self.flush(usize::MAX);
            self.out.push_str("</p>\n");
        }
        self.write_notes();
    }

    fn links_live(&self) -> bool {
        self.links.iter().any(|l| *l)
    }

    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(t) => self.text(&t, range),
            Event::Code(t) => {
                self.out.push_str("<code>");
                self.text(&t, range);
                self.out.push_str("</code>");
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, range),
            Event::Html(t) => self.text(&t, range),
            // A line break inside a table cell, common in converted documents, is the
            // one tag shown as what it means; the page writes its own `<br>`.
            Event::InlineHtml(t) if is_line_break(&t) => self.out.push_str("<br>"),
            Event::InlineHtml(t) => {
                self.out.push_str("<code class=\"raw-html\">");
                self.text(&t, range);
                self.out.push_str("</code>");
            }
            Event::FootnoteReference(label) => {
                let _ = write!(self.out, "<sup class=\"fn-ref\">[{}]</sup>", escape(&label));
            }
            Event::SoftBreak => self.text("\n", range),
            Event::HardBreak => self.out.push_str("<br>\n"),
            Event::Rule => self.out.push_str("<hr>\n"),
            Event::TaskListMarker(done) => {
                self.out.push_str(if done { "[x] " } else { "[ ] " });
            }
        }
    }

    fn start(&mut self, tag: Tag, _range: Range<usize>) {
        if self.images > 0 {
            // Inside an image only its description is shown, as plain text.
            if matches!(tag, Tag::Image { .. }) {
                self.images += 1;
            }
            return;
        }
        if !is_inline(&tag) {
            self.depth += 1;
        }
        match tag {
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, .. } => {
                let (open, _) = heading_tags(level as usize);
                self.out.push_str(&open);
            }
            Tag::BlockQuote(_) => self.out.push_str("<blockquote>\n"),
            Tag::CodeBlock(_) => self.out.push_str("<pre class=\"code\"><code>"),
            Tag::HtmlBlock => self.out.push_str(
                "<pre class=\"raw-html\" title=\"HTML in the document, shown as written\">",
            ),
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(n)) => {
                let _ = writeln!(self.out, "<ol start=\"{n}\">");
            }
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::Item => self.out.push_str("<li>"),
            Tag::FootnoteDefinition(label) => {
                let _ = write!(
                    self.out,
                    "<div class=\"footnote\"><span class=\"fn-label\">[{}]</span> ",
                    escape(&label)
                );
            }
            Tag::DefinitionList => self.out.push_str("<dl>"),
            Tag::DefinitionListTitle => self.out.push_str("<dt>"),
            Tag::DefinitionListDefinition => self.out.push_str("<dd>"),
            Tag::Table(aligns) => {
                self.aligns = aligns;
                self.out
                    .push_str("<div class=\"table-wrap\" tabindex=\"0\"><table>\n");
            }
            Tag::TableHead => {
                self.in_head = true;
                self.cell = 0;
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                self.cell = 0;
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                let name = if self.in_head { "th" } else { "td" };
                let align = match self.aligns.get(self.cell) {
                    Some(Alignment::Left) => " class=\"left\"",
                    Some(Alignment::Center) => " class=\"center\"",
                    Some(Alignment::Right) => " class=\"right\"",
                    _ => "",
                };
                let scope = if self.in_head { " scope=\"col\"" } else { "" };
                let _ = write!(self.out, "<{name}{scope}{align}>");
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Superscript => self.out.push_str("<sup>"),
            Tag::Subscript => self.out.push_str("<sub>"),
            Tag::Link { dest_url, .. } => {
                let live = is_safe_link(&dest_url) && !self.links_live();
                if live {
                    let _ = write!(
                        self.out,
                        "<a href=\"{}\" rel=\"noopener noreferrer\">",
                        escape(dest_url.trim())
                    );
                } else {
                    self.out.push_str("<span class=\"link\">");
                }
                self.links.push(live);
            }
            Tag::Image { .. } => {
                self.images = 1;
                self.out.push_str("<span class=\"image\">[Image: ");
            }
            Tag::MetadataBlock(_) => self.out.push_str(
                "<pre class=\"front-matter\" title=\"Front matter: details about the document\">",
            ),
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        if self.images > 0 {
            if matches!(tag, TagEnd::Image) {
                self.images -= 1;
                if self.images == 0 {
                    self.out.push_str("]</span>");
                }
            }
            return;
        }
        // Badges of findings that end here go inside the element, before it closes.
        let mut upto = range.end;
        match tag {
            TagEnd::Paragraph => {
                self.flush(upto);
                self.out.push_str("</p>\n");
            }
            TagEnd::Heading(level) => {
                self.flush(upto);
                let (_, close) = heading_tags(level as usize);
                self.out.push_str(&close);
            }
            TagEnd::BlockQuote(_) => {
                self.flush(upto);
                self.out.push_str("</blockquote>\n");
            }
            TagEnd::CodeBlock => {
                self.flush(upto);
                self.out.push_str("</code></pre>\n");
            }
            TagEnd::HtmlBlock => {
                self.flush(upto);
                self.out.push_str("</pre>\n");
            }
            TagEnd::MetadataBlock(_) => {
                self.flush(upto);
                self.out.push_str("</pre>\n");
            }
            TagEnd::Item => {
                self.flush(upto);
                self.out.push_str("</li>\n");
            }
            TagEnd::FootnoteDefinition => {
                self.flush(upto);
                self.out.push_str("</div>\n");
            }
            TagEnd::DefinitionListTitle => {
                self.flush(upto);
                self.out.push_str("</dt>\n");
            }
            TagEnd::DefinitionListDefinition => {
                self.flush(upto);
                self.out.push_str("</dd>\n");
            }
            TagEnd::TableCell => {
                // A finding on a whole row ends after the last cell's closing `|`.
                if self.cell + 1 >= self.aligns.len() {
                    upto = self.line_end(range.end);
                }
                self.flush(upto);
                self.out
                    .push_str(if self.in_head { "</th>" } else { "</td>" });
                self.cell += 1;
            }
            // Elements that may not hold a badge directly: it goes after them.
            TagEnd::List(ordered) => {
                self.out
                    .push_str(if ordered { "</ol>\n" } else { "</ul>\n" });
                self.flush_after(upto);
            }
            TagEnd::DefinitionList => {
                self.out.push_str("</dl>\n");
                self.flush_after(upto);
            }
            TagEnd::Table => {
                self.out.push_str("</tbody></table></div>\n");
                self.flush_after(upto);
            }
            TagEnd::TableHead => {
                self.in_head = false;
                self.out.push_str("</tr></thead><tbody>\n");
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Superscript => self.out.push_str("</sup>"),
            TagEnd::Subscript => self.out.push_str("</sub>"),
            TagEnd::Link => {
                let live = self.links.pop().unwrap_or(false);
                self.out.push_str(if live { "</a>" } else { "</span>" });
                if !self.links_live() {
                    for i in std::mem::take(&mut self.deferred) {
                        self.badge(i);
                    }
                }
            }
            TagEnd::Image => {}
        }
        if !is_inline_end(tag) {
            self.depth = self.depth.saturating_sub(1);
            if self.depth == 0 {
                self.write_notes();
            }
        }
    }

    /// The end of the line holding `at` (before its line break), or `at` itself.
    fn line_end(&self, at: usize) -> usize {
        let rest = self.src.get(at..).unwrap_or("");
        at + rest.find(['\n', '\r']).unwrap_or(rest.len())
    }

    /// Badges after an element that cannot hold them: in a paragraph of their own at
    /// the top level, directly inside a list item or blockquote otherwise.
    fn flush_after(&mut self, upto: usize) {
        let any = self.marks[self.lo..]
            .iter()
            .take_while(|m| m.start <= upto)
            .any(|m| !m.done && m.end <= upto);
        if !any {
            return;
        }
        let top = self.depth <= 1;
        if top {
            self.out.push_str("<p class=\"refs\">");
        }
        self.flush(upto);
        if top {
            self.out.push_str("</p>\n");
        }
    }

    /// Writes the badge of every finding that ends at or before `upto`.
    fn flush(&mut self, upto: usize) {
        let mut i = self.lo;
        while i < self.marks.len() && self.marks[i].start <= upto {
            if !self.marks[i].done && self.marks[i].end <= upto {
                self.badge(i);
            }
            i += 1;
        }
    }

    /// The badge after a finding's text: its severity in words, its number, and a link
    /// to its note.
    fn badge(&mut self, i: usize) {
        self.marks[i].done = true;
        if self.links_live() {
            self.deferred.push(i);
            return;
        }
        let m = &self.marks[i];
        let sev = severity_class(m.severity);
        let _ = write!(
            self.out,
            "<a class=\"ref badge {sev}\" id=\"{id}-r{k}\" href=\"#{id}-f{k}\"><span class=\"icon\" aria-hidden=\"true\">{icon}</span> {word} {k}</a>",
            id = self.id,
            k = m.k,
            icon = severity_icon(m.severity),
            word = severity_word(m.severity)
        );
        self.noted.push(i);
    }

    /// The notes of the findings whose badges the last top-level block holds.
    fn write_notes(&mut self) {
        if self.noted.is_empty() {
            return;
        }
        let mut noted = std::mem::take(&mut self.noted);
        noted.sort_by_key(|&i| self.marks[i].k);
        self.out
            .push_str("<ol class=\"notes\" aria-label=\"Findings in the text above\">\n");
        for i in noted {
            self.out.push_str(&self.notes[i]);
            self.out.push('\n');
        }
        self.out.push_str("</ol>\n");
    }

    /// A run of text whose source is `range`, with the findings over it marked.
    fn text(&mut self, text: &str, range: Range<usize>) {
        self.flush(range.start);
        while self.lo < self.marks.len()
            && self.marks[self.lo].done
            && self.marks[self.lo].end <= range.start
        {
            self.lo += 1;
        }
        let over: Vec<usize> = (self.lo..self.marks.len())
            .take_while(|&i| self.marks[i].start < range.end)
            .filter(|&i| self.marks[i].end > range.start)
            .collect();
        if over.is_empty() {
            escape_into(&mut self.out, text);
            return;
        }
        // Text that is its source byte for byte can be cut at any finding's edge; other
        // text (an entity, a line with a quote marker removed) is marked whole.
        let verbatim = self.src.get(range.clone()) == Some(text);
        let mut cuts = vec![range.start, range.end];
        if verbatim {
            for &i in &over {
                for at in [self.marks[i].start, self.marks[i].end] {
                    if at > range.start && at < range.end && self.src.is_char_boundary(at) {
                        cuts.push(at);
                    }
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let piece = if verbatim { &self.src[a..b] } else { text };
            let active: Vec<usize> = over
                .iter()
                .copied()
                .filter(|&i| self.marks[i].start < b && self.marks[i].end > a)
                .collect();
            if active.is_empty() {
                escape_into(&mut self.out, piece);
            } else {
                let worst = active
                    .iter()
                    .map(|&i| self.marks[i].severity)
                    .max()
                    .unwrap_or(Severity::Info);
                let numbers: Vec<String> = active
                    .iter()
                    .map(|&i| self.marks[i].k.to_string())
                    .collect();
                let _ = write!(
                    self.out,
                    "<mark class=\"{}\" data-f=\"{}\">",
                    severity_class(worst),
                    numbers.join(" ")
                );
                escape_into(&mut self.out, piece);
                self.out.push_str("</mark>");
            }
            let end = if verbatim { b } else { range.end };
            for &i in &active {
                if !self.marks[i].done && self.marks[i].end <= end {
                    self.badge(i);
                }
            }
        }
    }
}

fn is_line_break(html: &str) -> bool {
    let tag: String = html
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    tag == "<br>" || tag == "<br/>"
}

/// A tender's heading of `level` sits under the page's title, section and document
/// headings: level 1 becomes `h4`; below `h6`, an ARIA heading of the right level.
fn heading_tags(level: usize) -> (String, String) {
    let n = level + 3;
    if n <= 6 {
        (
            format!("<h{n} class=\"md-h{level}\">"),
            format!("</h{n}>\n"),
        )
    } else {
        (
            format!("<p role=\"heading\" aria-level=\"{n}\" class=\"md-h{level}\">"),
            "</p>\n".to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::line_index::LineIndex;
    use std::sync::Arc;

    fn finding(src: &str, needle: &str, severity: Severity) -> Diagnostic {
        let start = src
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in {src}"));
        let lines = LineIndex::new(src);
        Diagnostic {
            rule: Arc::from("team-rule"),
            severity,
            message: "A message.".into(),
            help: Arc::from("Some help."),
            span: lines.span(src, start, start + needle.len()),
            fingerprint: "0".into(),
            sentence_fingerprint: None,
            tender: None,
            location: None,
        }
    }

    fn render(src: &str, diags: &[Diagnostic]) -> String {
        Html::new(&[], None).render_document("t.md", src, diags, None)
    }

    /// Tags in order, as `<name` and `</name`, to check nesting.
    fn assert_well_nested(html: &str) {
        let mut stack: Vec<String> = Vec::new();
        let void = ["br", "hr", "meta", "input", "rect", "line"];
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let close = rest.starts_with('/');
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if name.is_empty() || void.contains(&name.as_str()) {
                continue;
            }
            if close {
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "in {html}");
            } else {
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?} in {html}");
    }

    #[test]
    fn escaping_covers_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(escape("café — plain"), "café — plain");
        assert_eq!(doc_id("it's \"q\".md"), "doc-it_27s_20_22q_22_2emd");
        assert_ne!(doc_id("a-b.md"), doc_id("a_b.md"));
    }

    #[test]
    fn only_web_and_mail_links_are_safe() {
        assert!(is_safe_link("https://example.org/a"));
        assert!(is_safe_link("mailto:a@example.org"));
        assert!(!is_safe_link("javascript:alert(1)"));
        assert!(!is_safe_link(" JavaScript:alert(1)"));
        assert!(!is_safe_link("data:text/html,x"));
        assert!(!is_safe_link("schedule-2.md"));
    }

    #[test]
    fn a_finding_across_bold_text_is_split_into_well_nested_marks() {
        let src = "The **service credit** regime applies here.\n";
        let d = finding(src, "service credit** regime", Severity::Error);
        let html = render(src, &[d]);
        assert_well_nested(&html);
        assert!(
            html.contains(
                "<strong><mark class=\"sev-error\" data-f=\"1\">service credit</mark></strong>\
                 <mark class=\"sev-error\" data-f=\"1\"> regime</mark><a class=\"ref badge sev-error\" id=\"doc-t_2emd-r1\" href=\"#doc-t_2emd-f1\">"
            ),
            "{html}"
        );
        assert!(html.contains("<li class=\"note sev-error\" id=\"doc-t_2emd-f1\""));
        // The note follows the paragraph, not inside it.
        let p_end = html.find("</p>\n<ol class=\"notes\"").unwrap_or(0);
        assert!(p_end > 0, "{html}");
    }

    #[test]
    fn overlapping_findings_across_a_line_break_and_a_link() {
        let src = "Alpha beta [gamma\ndelta](https://example.org) epsilon.\n";
        let a = finding(src, "beta [gamma\ndelta", Severity::Warning);
        let b = finding(src, "delta](https://example.org) epsilon", Severity::Error);
        let html = render(src, &[a, b]);
        assert_well_nested(&html);
        // The overlap is one piece marked by both findings, at the worse severity.
        assert!(
            html.contains("<mark class=\"sev-error\" data-f=\"1 2\">delta</mark>"),
            "{html}"
        );
        // The badge of the first finding, which ends inside the link, waits for it to close.
        let link_end = html.find("</a>").unwrap_or(0);
        let badge = html.find("id=\"doc-t_2emd-r1\"").unwrap_or(0);
        assert!(badge > link_end, "{html}");
        assert_eq!(html.matches("class=\"ref badge").count(), 2);
    }

    #[test]
    fn a_table_row_finding_marks_each_cell_and_its_badge_stays_in_the_table() {
        let src = "| KPI | Target |\n|---|---|\n| Calls | 90% |\n";
        let d = finding(src, "| KPI | Target |", Severity::Warning);
        let html = render(src, &[d]);
        assert_well_nested(&html);
        assert_eq!(
            html.matches("<mark class=\"sev-warning\"").count(),
            2,
            "{html}"
        );
        let badge = html.find("class=\"ref badge").unwrap_or(usize::MAX);
        assert!(badge < html.find("</thead>").unwrap_or(0), "{html}");
    }

    #[test]
    fn each_badge_follows_its_own_finding_in_cells_and_list_items() {
        let src = "| Measure | Consequence |\n|---|---|\n| Triage | A service credit applies |\n\n\
                   - Invoices are paid.\n- Liquidated damages apply.\n";
        let a = finding(src, "service credit", Severity::Error);
        let b = finding(src, "Liquidated damages", Severity::Error);
        let html = render(src, &[a, b]);
        assert_well_nested(&html);
        assert!(
            html.contains("<td>Triage</td><td>A <mark class=\"sev-error\" data-f=\"1\">service credit</mark><a class=\"ref"),
            "{html}"
        );
        assert!(
            html.contains("<li>Invoices are paid.</li>\n<li><mark class=\"sev-error\" data-f=\"2\">Liquidated damages</mark><a class=\"ref"),
            "{html}"
        );
    }

    #[test]
    fn raw_html_links_and_images_are_never_live() {
        let src = "<script>alert(1)</script>\n\nText <img src=x onerror=\"alert(1)\"> and \
                   [click](javascript:alert(1)) and ![a chart](http://example.org/x.png).\n";
        let html = render(src, &[]);
        assert_well_nested(&html);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("[Image: a chart]"), "{html}");
        assert!(html.contains("<span class=\"link\">click</span>"), "{html}");
        // A line break is the one tag written as what it means, by the page itself.
        let html = render("| a |\n|---|\n| one<br />two <br onclick=x> |\n", &[]);
        assert!(
            html.contains("one<br>two <code class=\"raw-html\">&lt;br onclick=x&gt;</code>"),
            "{html}"
        );
    }

    #[test]
    fn the_page_has_one_part_per_section_with_its_own_figures() {
        let html = Html::new(&[], None);
        let file = |path: &str, src: &str, diags: Vec<Diagnostic>| FileReport {
            path: path.into(),
            rendered: html.render_document(path, src, &diags, None),
            result: Ok(diags),
            baselined: 0,
            fixed: Vec::new(),
            metrics: Some(Metrics::new(1, 0, Vec::new())),
            tender: None,
        };
        let src = "Service credits apply.\n";
        let a = file(
            "pack/a.md",
            src,
            vec![finding(src, "Service credits", Severity::Error)],
        );
        let b = file("pack/b.md", "Fine.\n", Vec::new());
        let c = file("alone.md", "Fine.\n", Vec::new());
        let pack = Metrics::new(0, 3, Vec::new());
        let sections = [
            Section {
                title: "Tender <one>".into(),
                files: vec![&a, &b],
                metrics: Some(&pack),
            },
            Section {
                title: "alone.md".into(),
                files: vec![&c],
                metrics: None,
            },
        ];
        let page = html.page(&Page {
            sections: &sections,
            unreadable: &[],
            history: &History::default(),
            history_asked: false,
            date: "2026-01-01".into(),
        });
        let body = page
            .split("<body>")
            .nth(1)
            .and_then(|b| b.split("<script>").next())
            .unwrap_or_default();
        assert_well_nested(body);
        assert!(
            page.contains(
                "<h2 id=\"section-1-title\">Tender &lt;one&gt;</h2>\n<div class=\"doc-summary\">"
            ),
            "{page}"
        );
        assert!(
            page.contains("<h2 id=\"section-2-title\">alone.md</h2>\n<article"),
            "{page}"
        );
        assert!(page.contains("<a href=\"#section-1\">Tender &lt;one&gt;</a>"));
        assert!(
            page.contains("aria-label=\"Outcome focus 1.00 out of 1\""),
            "the pack's own score"
        );
        assert_eq!(page.matches("<article class=\"doc\"").count(), 3);
        assert!(page.contains("<title>Tender report: 3 documents</title>"));
    }

    #[test]
    fn the_script_hash_in_the_policy_is_the_scripts() {
        assert_eq!(
            SCRIPT_HASH,
            format!("sha256-{}", base64(&sha256(SCRIPT.as_bytes())))
        );
    }

    /// SHA-256 (FIPS 180-4), for the test above only.
    fn sha256(data: &[u8]) -> [u8; 32] {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
        for chunk in msg.chunks(64) {
            let mut w = [0u32; 64];
            for (i, b) in chunk.chunks(4).enumerate() {
                w[i] = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let mut v = h;
            for i in 0..64 {
                let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                let t1 = v[7]
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                let t2 = s0.wrapping_add(maj);
                v = [
                    t1.wrapping_add(t2),
                    v[0],
                    v[1],
                    v[2],
                    v[3].wrapping_add(t1),
                    v[4],
                    v[5],
                    v[6],
                ];
            }
            for (a, b) in h.iter_mut().zip(v) {
                *a = a.wrapping_add(b);
            }
        }
        let mut out = [0u8; 32];
        for (i, word) in h.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn base64(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in bytes.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for j in 0..4 {
                if j <= c.len() {
                    out.push(char::from(A[(n >> (18 - 6 * j)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn the_test_digest_is_sha256() {
        // FIPS 180-4 example "abc".
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }
}
