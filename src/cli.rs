//! Command-line arguments, loading rules and configuration, and exit codes.
//!
//! Exit codes: 0 no error-level finding; 1 at least one (or more warnings than
//! `--max-warnings`); 2 a usage, configuration, rule-file or file-reading problem, or
//! output that could not be written.

use crate::baseline::{self, Baseline};
use crate::builtin;
use crate::check::{check_files, check_pack, check_source, unreadable, Finish};
use crate::config::UNUSED_SUPPRESSION;
use crate::diagnostic::Severity;
use crate::engine::{Linter, UNUSED_SUPPRESSION_CHECK};
use crate::error::LoadErrors;
use crate::files;
use crate::history::{self, History};
use crate::input;
use crate::output;
use crate::report::html::{Html, Page, Section};
use crate::report::{
    github, human, json, junit, sarif, FileReport, Format, Outcome, Summary, TenderReport,
};
use crate::resolve::{Choice, Resolver, Settings};
use crate::rules::{Rule, RuleSet};
use crate::source::Source;
use crate::tender;
use crate::tender::PackPlan;
use clap::{Args, Parser, Subcommand};
use globset::GlobSet;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Parser)]
#[command(
    name = "tenderlint",
    version,
    about = "Checks health-care tender specifications for performance-centric clauses and missing patient-outcome measures."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check Markdown tender documents (files or folders; default: the current folder).
    Check(CheckArgs),
    /// Write one HTML page showing each document with its findings marked, a summary
    /// and the outcome-focus score, to open in a browser, print or forward. Exits 0
    /// when the page is written, whatever it found.
    Report(ReportArgs),
    /// Write a copy of a Word document (.docx) with each finding as a Word review
    /// comment on its own words, by "tenderlint": what was found and what to write
    /// instead. Findings about the whole document go on its first paragraph. Exits 0
    /// when the copy is written, whatever it found.
    Review(ReviewArgs),
    /// List the rules: id, severity, category and what each finds.
    Rules {
        /// Print instead every search pattern of the enabled rules, one regex a line
        /// (Rust regex syntax, which ripgrep shares), as the benchmark gives to `rg -f`.
        #[arg(long)]
        patterns: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// List the concepts the rules are written in (`{concept}` in a pattern): each
    /// with what it stands for and, for gazetteers, every named indicator and its framework.
    Concepts {
        /// Print also each concept's regex, as the rules use it.
        #[arg(long)]
        patterns: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Write a starter tenderlint.toml listing every rule with its default severity.
    Init {
        /// Where to write it.
        #[arg(default_value = "tenderlint.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Run the language server (LSP over standard input and output): editors show
    /// findings as you type, with explanations on hover and quick fixes.
    Lsp {
        /// Accepted for editor clients that pass it; standard input and output is the
        /// only transport.
        #[arg(long, hide = true)]
        stdio: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Write the documentation pages of the built-in rules (one Markdown page per rule
    /// and an index), generated from the rule data with the real output on each example.
    Docs {
        /// The folder to write them in.
        #[arg(long, value_name = "DIR", default_value = "docs/rules")]
        out: PathBuf,
    },
    /// Explain one rule: why it matters, an example it flags, and a better wording.
    Explain {
        /// The rule id, for example `service-credits`.
        id: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(Debug, Args)]
struct RuleArgs {
    /// Use this configuration file for every file, instead of the nearest tenderlint.toml
    /// above each.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore any tenderlint.toml: built-in rules at their default severities.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
    /// Load more rules from this file (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    rule_files: Vec<PathBuf>,
}

/// Which of the loaded rules a run applies.
#[derive(Debug, Args)]
struct Selection {
    /// Check only these rules (comma-separated ids), even those the configuration turns off.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    select: Vec<String>,
    /// Do not check these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    ignore: Vec<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or folders to check. Folders are searched for .md and .markdown files.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    selection: Selection,
    /// Fail (exit 1) when there are more warnings than this.
    #[arg(long, value_name = "N")]
    max_warnings: Option<usize>,
    /// Read the document from standard input (what editors send for an unsaved buffer).
    #[arg(long, conflicts_with = "paths")]
    stdin: bool,
    /// With --stdin: the path the text belongs to. It names the document in the output,
    /// and the configuration is found from its folder and applied as to that file.
    #[arg(long, value_name = "NAME", requires = "stdin")]
    stdin_filename: Option<PathBuf>,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// With --baseline: fail when a recorded finding has been fixed but is still in the
    /// baseline, so that the baseline only ever shrinks.
    #[arg(long, requires = "baseline")]
    ratchet: bool,
    /// Print each document's figures under its findings: performance-centric clauses,
    /// outcome measures, partnership ingredients and the outcome-focus score (0 to 1).
    /// The JSON format always carries them, under `files`.
    #[arg(long)]
    stats: bool,
    /// Judge every file alone, ignoring tender packs (tender.toml and [[tender]]).
    #[arg(long)]
    per_file: bool,
    /// Do not follow symbolic links while walking folders (they are followed by default;
    /// a file named on the command line is always read).
    #[arg(long)]
    no_follow: bool,
    /// Record every current finding in this baseline file (written atomically).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Debug, Args)]
struct ReviewArgs {
    /// The Word document to review (.docx). It is read, never changed.
    path: PathBuf,
    /// Where to write the reviewed copy [default: the document's name with
    /// `.reviewed.docx`].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    selection: Selection,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// Files or folders to report on. Folders are searched for .md and .markdown files.
    paths: Vec<PathBuf>,
    /// Where to write the page; `-` writes it to standard output.
    #[arg(
        short,
        long,
        value_name = "FILE",
        default_value = "tenderlint-report.html"
    )]
    output: PathBuf,
    #[command(flatten)]
    selection: Selection,
    /// Mark the findings this baseline records as known, and list them as the oldest.
    /// (Unlike `check`, the report still shows them.)
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Do not ask git when each finding's line was last changed; the longest-standing
    /// list then keeps document order after the baseline's findings.
    #[arg(long)]
    no_history: bool,
    /// Do not follow symbolic links while walking folders (they are followed by default,
    /// and a file reached outside the folders asked for is marked so on the page).
    #[arg(long)]
    no_follow: bool,
    #[command(flatten)]
    rules: RuleArgs,
}

pub fn run() -> ExitCode {
    crate::isolate::install_hook();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Report(args) => report(args),
        Command::Review(args) => review(args),
        Command::Rules { patterns, rules } => list_rules(rules, patterns),
        Command::Concepts { patterns, rules } => list_concepts(rules, patterns),
        Command::Explain { id, rules } => explain(&id, rules),
        Command::Init { path, force } => init(&path, force),
        Command::Docs { out } => write_docs(&out),
        Command::Lsp { stdio: _, rules } => crate::lsp::run(crate::lsp::Options {
            config: rules.config.as_deref().map(files::absolute),
            no_config: rules.no_config,
            rule_files: rules
                .rule_files
                .iter()
                .map(|p| files::absolute(p))
                .collect(),
        }),
    };
    // Output that could not be written is a failed run, whatever was found.
    let code = if OUTPUT_FAILED.load(Ordering::Relaxed) {
        2
    } else {
        code
    };
    ExitCode::from(code)
}

fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Prints problems with rule or configuration files to stderr; returns exit code 2.
fn report_load_errors(errors: LoadErrors) -> u8 {
    let h = human::Human::new(stderr_color());
    let mut err = std::io::stderr().lock();
    for e in &errors.0 {
        let _ = write!(err, "{}", h.render_problem(e));
    }
    2
}

/// A rule id on the command line that names no rule: exit 2, with the nearest id.
fn no_such_rule(linter: &Linter, id: &str) -> u8 {
    let hint = linter
        .closest_rule(id)
        .map(|c| format!(" Did you mean `{c}`?"))
        .unwrap_or_default();
    usage_error(&format!(
        "there is no rule `{id}`.{hint} Run `tenderlint rules` to list the rules."
    ))
}

fn usage_error(message: &str) -> u8 {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    2
}

/// Writes to stdout. A closed pipe (`tenderlint check | head -1`) is not an error.
fn emit(text: &str) -> bool {
    emit_with(|out| out.write_all(text.as_bytes()))
}

/// Set when standard output could not be written (a full disk): the run exits 2.
static OUTPUT_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout through a buffer, for reports too large to build in memory first.
fn emit_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> bool {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the report: {e}");
            OUTPUT_FAILED.store(true, Ordering::Relaxed);
            false
        }
    }
}

/// Where the configuration of a run comes from: `--config`, `--no-config`, or the
/// nearest one above each file.
fn choice(args: &RuleArgs) -> Choice {
    match (&args.config, args.no_config) {
        (Some(path), _) => Choice::File(path.clone()),
        (None, true) => Choice::None,
        (None, false) => Choice::Nearest,
    }
}

/// The rules of the current folder's configuration (for `rules`, `concepts`, `explain`).
fn load_linter(args: &RuleArgs) -> Result<Linter, LoadErrors> {
    let mut resolver = Resolver::new(choice(args));
    let key = resolver.key_for_folder(Path::new("."));
    let loaded = resolver.load(key.as_deref());
    if !resolver.errors.is_empty() {
        return Err(resolver.errors);
    }
    Ok(Settings::build(loaded.as_deref(), &args.rule_files, &[])?.linter)
}

/// The settings of the configuration `key` (see [`Resolver`]), then `--select` and
/// `--ignore`. Errors are reported; the exit code is returned.
fn settings(
    resolver: &mut Resolver,
    key: Option<&Path>,
    rules: &RuleArgs,
    selection: &Selection,
) -> Result<Settings, u8> {
    let loaded = resolver.load(key);
    if !resolver.errors.is_empty() {
        return Err(report_load_errors(std::mem::take(&mut resolver.errors)));
    }
    if key.is_some() && loaded.is_none() {
        // Its errors were reported already; the run stops there.
        return Err(2);
    }
    let mut settings = Settings::build(loaded.as_deref(), &rules.rule_files, &selection.select)
        .map_err(report_load_errors)?;
    select(&mut settings.linter, selection)?;
    Ok(settings)
}

fn check(args: CheckArgs) -> u8 {
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => return usage_error(&e),
    };
    let human = (args.format == Format::Human).then(|| human::Human::new(stdout_color()));
    let finish = Finish {
        human: human.as_ref(),
        baseline: baseline.as_ref(),
        stats: args.stats,
        ..Finish::default()
    };
    let follow = !args.no_follow;

    let Checked {
        reports,
        unreadable,
        tenders,
        catalogue,
    } = if args.stdin {
        // Standard input takes the configuration of the file it stands for, found as
        // for that file on disk.
        let mut resolver = Resolver::new(choice(&args.rules));
        let key = match &args.stdin_filename {
            Some(name) => resolver.key_for_file(name),
            None => resolver.key_for_folder(Path::new(".")),
        };
        let settings = match settings(&mut resolver, key.as_deref(), &args.rules, &args.selection) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let mut scope = Scope::new(&settings, args.per_file, follow);
        let text = match input::read_stdin(input::DOCUMENT) {
            Ok(text) => text,
            Err(e) => return usage_error(&format!("standard input {e}")),
        };
        let finish = Finish {
            overrides: settings.overrides.as_ref(),
            ..finish
        };
        let mut checked = check_stdin(
            &settings.linter,
            args.stdin_filename.as_deref(),
            text,
            &mut scope,
            finish,
        );
        checked.catalogue = settings.linter.catalogue.clone();
        checked
    } else {
        let gathered = match gather(&args.paths, &args.rules, &args.selection, follow) {
            Ok(g) => g,
            Err(code) => return code,
        };
        if args.format == Format::JsonLines && args.write_baseline.is_none() {
            return check_streaming_lines(gathered, &args, finish);
        }
        check_paths(gathered, args.per_file, follow, finish)
    };
    let summary = Summary::of(&reports, &unreadable);
    let outcome = Outcome {
        reports: &reports,
        unreadable: &unreadable,
        summary,
        tenders: &tenders,
        catalogue: &catalogue,
    };

    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &reports) {
            Ok(n) => {
                let what = if n == 1 { "finding" } else { "findings" };
                let _ = writeln!(
                    std::io::stderr(),
                    "Wrote {n} {what} to the baseline {}.",
                    path.display()
                );
                if summary.file_errors > 0 {
                    2
                } else {
                    0
                }
            }
            Err(e) => usage_error(&e),
        };
    }

    match args.format {
        Format::Human => {
            let h = human.unwrap_or_else(|| human::Human::new(false));
            let mut open = true;
            for r in &reports {
                open = open && emit(&r.rendered);
            }
            for e in &unreadable {
                open = open && emit(&h.render_error(e));
            }
            if args.stats {
                for t in &tenders {
                    let files = t.files.len();
                    open = open
                        && emit(&format!(
                            "Tender \"{}\" ({}, {files} files, judged together)\n{}\n",
                            crate::excerpt::escape(&t.name),
                            crate::excerpt::escape(&t.root),
                            t.metrics.describe()
                        ));
                }
            }
            if open {
                emit(&human::summary_line(&summary));
            }
        }
        Format::Json => {
            emit_with(|out| json::write(&outcome, out));
        }
        Format::JsonLines => {
            emit(&json::render_lines(&outcome));
            let mut err = std::io::stderr().lock();
            for e in outcome.file_errors() {
                let _ = writeln!(err, "error: {e}");
            }
        }
        Format::Github => {
            emit(&github::render(&outcome));
        }
        Format::Junit => {
            emit(&junit::render(&outcome));
        }
        Format::Sarif => {
            emit(&sarif::render(&outcome));
        }
    }

    let fixed: Vec<baseline::Entry> = reports
        .iter()
        .flat_map(|r| r.fixed.iter().cloned())
        .collect();
    exit_code(&args, &summary, &fixed)
}

/// The exit code of `check`, and the ratchet's complaint when it fails.
fn exit_code(args: &CheckArgs, summary: &Summary, fixed: &[baseline::Entry]) -> u8 {
    let ratchet_failed = args.ratchet && !fixed.is_empty();
    if ratchet_failed {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "error: {} finding(s) in the baseline have been fixed. Well done: now remove them from the baseline with --write-baseline, so it only shrinks.",
            fixed.len()
        );
        for e in fixed {
            let _ = writeln!(err, "  {} {} ({})", e.path, e.rule, e.message);
        }
    }

    let too_many = args.max_warnings.filter(|&max| summary.warnings > max);
    if let Some(max) = too_many {
        let n = summary.warnings;
        let what = if n == 1 { "warning" } else { "warnings" };
        let _ = writeln!(
            std::io::stderr(),
            "{n} {what}, more than --max-warnings {max}"
        );
    }

    if summary.file_errors > 0 {
        2
    } else if summary.errors > 0 || ratchet_failed || too_many.is_some() {
        1
    } else {
        0
    }
}

/// Applies `--select` and `--ignore` to a linter, after checking that they name rules.
fn select(linter: &mut Linter, selection: &Selection) -> Result<(), u8> {
    let Selection { select, ignore } = selection;
    for id in select.iter().chain(ignore) {
        if !linter.knows(id) && id != UNUSED_SUPPRESSION {
            return Err(no_such_rule(linter, id));
        }
    }
    if !select.is_empty() {
        linter.rules.retain(|r| select.iter().any(|s| *s == *r.id));
        if !select.iter().any(|s| s == UNUSED_SUPPRESSION) {
            linter.unused_suppression = None;
        }
    }
    if !ignore.is_empty() {
        linter.rules.retain(|r| !ignore.iter().any(|s| *s == *r.id));
        if ignore.iter().any(|s| s == UNUSED_SUPPRESSION) {
            linter.unused_suppression = None;
        }
    }
    Ok(())
}

/// What a run covers and how its files group: the configuration's `exclude` globs (with
/// the folder they are relative to) and the tenders its files belong to.
struct Scope {
    excludes: Option<(GlobSet, PathBuf)>,
    finder: tender::Finder,
    per_file: bool,
    /// Whether walking a folder follows symbolic links (`--no-follow` turns it off).
    follow: bool,
}

impl Scope {
    fn new(settings: &Settings, per_file: bool, follow: bool) -> Scope {
        let declared = if per_file {
            Vec::new()
        } else {
            settings.tenders.clone()
        };
        Scope {
            excludes: settings.excludes.clone(),
            finder: tender::Finder::new(declared),
            per_file,
            follow,
        }
    }

    fn excludes(&self) -> Option<(&GlobSet, &Path)> {
        self.excludes.as_ref().map(|(g, root)| (g, root.as_path()))
    }

    /// Sorts `found` into tenders and files that stand alone.
    fn plan(&mut self, found: Vec<PathBuf>) -> tender::Plan {
        if self.per_file {
            return tender::Plan {
                alone: found,
                ..tender::Plan::default()
            };
        }
        let excludes = self.excludes.as_ref().map(|(g, root)| (g, root.as_path()));
        tender::plan(found, &mut self.finder, excludes, self.follow)
    }
}

/// What checking a run's files produced: reports in path order, the files that could
/// not be checked, the tenders judged, and every rule the run's configurations loaded.
struct Checked {
    reports: Vec<FileReport>,
    unreadable: Vec<files::FileError>,
    tenders: Vec<TenderReport>,
    catalogue: Vec<Rule>,
}

/// The files of a run, grouped by the configuration that applies to each, with the
/// settings built from it (once per configuration).
struct Gathered {
    groups: Vec<(Settings, Vec<PathBuf>)>,
    unreadable: Vec<files::FileError>,
}

impl Gathered {
    /// Every rule the run's configurations loaded, each id once.
    fn catalogue(&self) -> Vec<Rule> {
        let mut out: Vec<Rule> = Vec::new();
        for (s, _) in &self.groups {
            for r in &s.linter.catalogue {
                if !out.iter().any(|o| o.id == r.id) {
                    out.push(r.clone());
                }
            }
        }
        out
    }
}

/// Finds the files under `paths` (the current folder when none is given), skipping
/// what the configuration of each folder excludes, and groups them by the nearest
/// configuration (or the one `--config` names). Errors are reported; the exit code is
/// returned.
fn gather(
    paths: &[PathBuf],
    rules: &RuleArgs,
    selection: &Selection,
    follow: bool,
) -> Result<Gathered, u8> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut resolver = Resolver::new(choice(rules));
    let (found, unreadable) = files::discover(&paths, &mut |p| resolver.excluded(p), follow);
    if !resolver.errors.is_empty() {
        return Err(report_load_errors(std::mem::take(&mut resolver.errors)));
    }
    if found.is_empty() {
        warn_nothing_found(&paths);
    }
    let mut keys: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    let mut index: HashMap<Option<PathBuf>, usize> = HashMap::new();
    for f in found {
        let key = resolver.key_for_file(&f);
        let i = *index.entry(key.clone()).or_insert_with(|| {
            keys.push((key, Vec::new()));
            keys.len() - 1
        });
        keys[i].1.push(f);
    }
    if keys.is_empty() {
        // Nothing to check: the current folder's configuration and the rule ids named
        // are still checked, so that a mistake in them is not passed over.
        keys.push((resolver.key_for_folder(Path::new(".")), Vec::new()));
    }
    let mut groups = Vec::new();
    for (key, found) in keys {
        groups.push((
            settings(&mut resolver, key.as_deref(), rules, selection)?,
            found,
        ));
    }
    Ok(Gathered { groups, unreadable })
}

/// Checks the gathered files: files in parallel, the files of each tender judged
/// together, each group under its own configuration.
fn check_paths(gathered: Gathered, per_file: bool, follow: bool, finish: Finish) -> Checked {
    let catalogue = gathered.catalogue();
    let mut reports = Vec::new();
    let (unreadable, tenders) = check_gathered(gathered, per_file, follow, finish, &mut |batch| {
        reports.extend(batch)
    });
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    Checked {
        reports,
        unreadable,
        tenders,
        catalogue,
    }
}

/// Checks each group of gathered files under its configuration (see [`check_found`]).
fn check_gathered(
    gathered: Gathered,
    per_file: bool,
    follow: bool,
    finish: Finish,
    sink: &mut dyn FnMut(Vec<FileReport>),
) -> (Vec<files::FileError>, Vec<TenderReport>) {
    let mut unreadable = gathered.unreadable;
    let mut tenders = Vec::new();
    for (mut settings, found) in gathered.groups {
        let mut scope = Scope::new(&settings, per_file, follow);
        let finish = Finish {
            overrides: settings.overrides.as_ref(),
            ..finish
        };
        let (u, t) = check_found(&mut settings.linter, found, &mut scope, finish, sink);
        unreadable.extend(u);
        tenders.extend(t);
        // The process ends soon after: taking the compiled rules apart would cost more
        // than a tenth of a small run's time, and the system frees the memory anyway.
        drop(scope);
        std::mem::forget(settings);
    }
    (unreadable, tenders)
}

/// Files checked at a time when reports are handed on as they are made: enough to keep
/// every core busy, few enough that a million files never sit in memory together.
const BATCH_FILES: usize = 2048;

/// Checks the files `found` under one configuration, handing each batch of reports to
/// `sink` as soon as it is made, in the order of their paths (a tender's files
/// together). Returns the files that could not be read while planning tenders, and
/// the tenders judged.
fn check_found(
    linter: &mut Linter,
    found: Vec<PathBuf>,
    scope: &mut Scope,
    finish: Finish,
    sink: &mut dyn FnMut(Vec<FileReport>),
) -> (Vec<files::FileError>, Vec<TenderReport>) {
    let mut unreadable = Vec::new();
    // Over many files, compiling every group whole once repays its cost; a few files
    // each compile only what they need.
    linter.whole_groups = found.len() > 16;
    if linter.whole_groups {
        linter.rules.prepare();
    }
    let linter = &*linter;
    let plan = scope.plan(found);
    unreadable.extend(plan.unreadable);
    // Single files and tenders in the order of their (first) paths, so that batches
    // come out in the order the whole run is sorted in.
    let first = |p: &PackPlan| p.files.iter().min().cloned().unwrap_or_default();
    let mut units: Vec<(PathBuf, Option<&PackPlan>)> =
        plan.alone.iter().map(|p| (p.clone(), None)).collect();
    units.extend(plan.packs.iter().map(|p| (first(p), Some(p))));
    units.sort_by(|a, b| a.0.cmp(&b.0));
    let mut tenders = Vec::new();
    let mut rest = &units[..];
    while !rest.is_empty() {
        // Units up to BATCH_FILES files (a tender counts all its files).
        let (mut take, mut files) = (0, 0);
        while take < rest.len() && (take == 0 || files < BATCH_FILES) {
            files += rest[take].1.map_or(1, |p| p.files.len());
            take += 1;
        }
        let (batch, later) = rest.split_at(take);
        rest = later;
        let alone: Vec<PathBuf> = batch
            .iter()
            .filter(|u| u.1.is_none())
            .map(|u| u.0.clone())
            .collect();
        let mut reports = check_files(linter, &alone, finish);
        let packs: Vec<_> = batch
            .par_iter()
            .filter_map(|u| u.1)
            .map(|p| check_pack(linter, p, None, finish))
            .collect();
        for (files, tender) in packs {
            reports.extend(files);
            tenders.push(tender);
        }
        sink(reports);
    }
    report_broken_tenders(plan.errors, &mut unreadable);
    (unreadable, tenders)
}

/// Warns on stderr that the folders among `paths` held nothing to check, so that a run
/// (a pre-commit hook, a CI step) pointed at the wrong folder does not pass in silence.
/// The exit code is not changed: a folder with no documents yet is not an error. Paths
/// that do not exist are errors already, reported with the files.
fn warn_nothing_found(paths: &[PathBuf]) {
    let folders: Vec<String> = paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| files::display(p))
        .collect();
    if folders.is_empty() {
        return;
    }
    let _ = writeln!(
        std::io::stderr(),
        "warning: no Markdown or Word files (.md, .markdown, .docx) found under {}, so nothing was checked",
        folders.join(", ")
    );
}

/// `check --format json-lines` over paths: each batch of reports is written as soon as
/// it is made and then dropped, so memory follows the batch, not the run (the whole
/// run was held before: 5.4 GB for a million files). Returns the exit code.
fn check_streaming_lines(gathered: Gathered, args: &CheckArgs, finish: Finish) -> u8 {
    let mut summary = Summary::default();
    let mut fixed: Vec<baseline::Entry> = Vec::new();
    let mut open = true;
    let mut sink = |mut batch: Vec<FileReport>| {
        batch.sort_by(|a, b| a.path.cmp(&b.path));
        let part = Summary::of(&batch, &[]);
        summary.add(&part);
        let outcome = Outcome {
            reports: &batch,
            unreadable: &[],
            summary: part,
            tenders: &[],
            catalogue: &[],
        };
        if open {
            open = emit(&json::render_lines(&outcome));
        }
        let mut err = std::io::stderr().lock();
        for e in outcome.file_errors() {
            let _ = writeln!(err, "error: {e}");
        }
        fixed.extend(batch.into_iter().flat_map(|r| r.fixed));
    };
    let (unreadable, _) =
        check_gathered(gathered, args.per_file, !args.no_follow, finish, &mut sink);
    summary.file_errors += unreadable.len();
    let mut err = std::io::stderr().lock();
    for e in &unreadable {
        let _ = writeln!(err, "error: {e}");
    }
    drop(err);
    exit_code(args, &summary, &fixed)
}

/// Checks standard input as the file `name` (when given): with the configuration's
/// exclusions, and with the other files of its tender on disk.
fn check_stdin(
    linter: &Linter,
    name: Option<&Path>,
    text: Vec<u8>,
    scope: &mut Scope,
    finish: Finish,
) -> Checked {
    let shown = files::display(name.unwrap_or(Path::new("<stdin>")));
    let excluded = match (name, scope.excludes()) {
        (Some(name), Some((globs, root))) => files::is_excluded(name, globs, root),
        _ => false,
    };
    let mut checked = Checked {
        reports: Vec::new(),
        unreadable: Vec::new(),
        tenders: Vec::new(),
        catalogue: Vec::new(),
    };
    if excluded {
        return checked;
    }
    let plan = match name {
        Some(name) => scope.plan(vec![name.to_path_buf()]),
        None => tender::Plan::default(),
    };
    // Named as a Word file (`--stdin-filename spec.docx`): the bytes are a Word file.
    let read = match name {
        Some(n) if crate::source::is_word(n) => Source::word(&text).map_err(|e| files::FileError {
            path: shown.clone(),
            message: e.to_string(),
            help: e.help().map(str::to_string),
        }),
        _ => files::decode(text)
            .map(Source::markdown)
            .map_err(|(message, help)| files::FileError {
                path: shown.clone(),
                message,
                help: Some(help),
            }),
    };
    match (read, plan.packs.first(), name) {
        (Ok(source), Some(pack), Some(name)) => {
            let (files, tender) = check_pack(linter, pack, Some((name, &source)), finish);
            checked.reports = files;
            checked.tenders.push(tender);
        }
        (Ok(source), _, _) => checked
            .reports
            .push(check_source(linter, shown, &source, finish)),
        (Err(e), _, _) => checked.reports.push(unreadable(shown, e, finish)),
    }
    checked.unreadable = plan.unreadable;
    report_broken_tenders(plan.errors, &mut checked.unreadable);
    checked
}

/// A tender file with errors is shown like a configuration error, and the run fails
/// (exit 2) as for a file that cannot be read; its files were checked one by one.
fn report_broken_tenders(
    broken: Vec<(PathBuf, LoadErrors)>,
    unreadable: &mut Vec<files::FileError>,
) {
    if broken.is_empty() {
        return;
    }
    let h = human::Human::new(stderr_color());
    let mut err = std::io::stderr().lock();
    for (path, errors) in broken {
        for e in &errors.0 {
            let _ = write!(err, "{}", h.render_problem(e));
        }
        unreadable.push(files::FileError {
            path: files::display(&path),
            message: "this tender file has errors, so the files beneath it were each checked alone".into(),
            help: Some("Fix the tender file (the errors are printed above), or delete it to check the files alone.".into()),
        });
    }
}

/// `tenderlint review`: check one Word document alone and write a copy of it with each
/// finding as a review comment. Exit 0 when the copy is written, 2 when the document
/// cannot be read, the copy cannot be written, or for usage and configuration errors.
fn review(args: ReviewArgs) -> u8 {
    let mut resolver = Resolver::new(choice(&args.rules));
    let key = resolver.key_for_file(&args.path);
    let settings = match settings(&mut resolver, key.as_deref(), &args.rules, &args.selection) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let linter = &settings.linter;
    let shown = files::display(&args.path);
    if !crate::source::is_word(&args.path) {
        return usage_error(&format!(
            "{shown} is not a Word document (.docx): `review` writes comments into Word files; use `check` or `report` for Markdown"
        ));
    }
    let output = args.output.unwrap_or_else(|| {
        let stem = args.path.file_stem().unwrap_or_default().to_string_lossy();
        args.path.with_file_name(format!("{stem}.reviewed.docx"))
    });
    if files::absolute(&output) == files::absolute(&args.path) {
        return usage_error(&format!(
            "the reviewed copy would replace {shown} itself; name another file with -o"
        ));
    }
    let h = human::Human::new(stderr_color());
    let unreadable = |e: files::FileError| {
        let _ = write!(std::io::stderr(), "{}", h.render_error(&e));
        2
    };
    let bytes = match input::read(&args.path, input::WORD) {
        Ok(b) => b,
        Err(e) => {
            return unreadable(files::FileError {
                path: shown.clone(),
                message: e.to_string(),
                help: e.help().map(str::to_string),
            })
        }
    };
    let word = match crate::docx::read(&bytes) {
        Ok(w) => w,
        Err(e) => {
            return unreadable(files::FileError {
                path: shown.clone(),
                message: e.to_string(),
                help: e.help().map(str::to_string),
            })
        }
    };
    let source = Source::from_word(&word);
    let finish = Finish {
        overrides: settings.overrides.as_ref(),
        ..Finish::default()
    };
    let report = check_source(linter, shown.clone(), &source, finish);
    let diagnostics = match report.result {
        Ok(d) => d,
        Err(e) => return unreadable(e),
    };
    let comments = crate::review::comments_for(&source.text, &diagnostics, |id| {
        linter.rules.get(id).is_some_and(|r| r.is_document_level())
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let date = format!("{}T00:00:00Z", history::date(now));
    let reviewed = match crate::review::write_review(&bytes, &word, &comments, "tenderlint", &date)
    {
        Ok(b) => b,
        Err(e) => {
            return usage_error(&format!("cannot write comments into {shown}: {e}"));
        }
    };
    let written = files::display(&output);
    if let Err(e) = output::write(&output, &reviewed) {
        return usage_error(&format!("cannot write {written}: {e}"));
    }
    let counts = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let _ = writeln!(
        std::io::stderr(),
        "Wrote {written}: {} comments on {shown} ({} errors, {} warnings, {} infos).",
        comments.len(),
        counts(Severity::Error),
        counts(Severity::Warning),
        counts(Severity::Info)
    );
    0
}

/// `tenderlint report`: check the files as `check` does, render each document while its
/// text is in memory, then write one page. Exit 0 when it is written (files that could
/// not be read are listed in it), 2 for usage and configuration errors or when the page
/// cannot be written.
/// An absolute `path` relative to the current folder (with `..` steps when it lies
/// outside it); a relative path as given.
fn relative_to_cwd(path: &Path) -> PathBuf {
    use std::path::Component;
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    if !path.is_absolute() {
        return path.to_path_buf();
    }
    let (to, from) = (files::absolute(path), files::absolute(&cwd));
    let (to, from): (Vec<Component>, Vec<Component>) =
        (to.components().collect(), from.components().collect());
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut out: PathBuf = from[common..]
        .iter()
        .map(|_| Component::ParentDir)
        .collect();
    out.extend(&to[common..]);
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn report(mut args: ReportArgs) -> u8 {
    // The page names files as the officer knows them: relative to where the run
    // started, not by absolute paths.
    args.paths = args.paths.iter().map(|p| relative_to_cwd(p)).collect();
    let follow = !args.no_follow;
    let gathered = match gather(&args.paths, &args.rules, &args.selection, follow) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => return usage_error(&e),
    };
    // The rules as the page names them: every rule of the run's configurations.
    let catalogue = gathered.catalogue();
    let renderer = Html::new(&catalogue, baseline.as_ref());
    let finish = Finish {
        html: Some(&renderer),
        ..Finish::default()
    };
    let Checked {
        mut reports,
        unreadable,
        tenders,
        ..
    } = check_paths(gathered, false, follow, finish);
    mark_outside(&mut reports, &args.paths);

    let history = if args.no_history {
        History::default()
    } else {
        let with_findings: Vec<&str> = reports
            .iter()
            .filter(|r| r.result.as_ref().is_ok_and(|d| !d.is_empty()))
            .map(|r| r.path.as_str())
            .collect();
        history::of_files(&with_findings)
    };
    // One section per tender, with its files and its figures; then the files that
    // stand alone.
    let mut sections: Vec<Section> = tenders
        .iter()
        .map(|t| Section {
            title: format!("Tender: {}", t.name),
            // In the tender's order: its main file first.
            files: t
                .files
                .iter()
                .filter_map(|f| reports.iter().find(|r| r.path == *f))
                .collect(),
            metrics: Some(&t.metrics),
        })
        .collect();
    let alone: Vec<&FileReport> = reports.iter().filter(|r| r.tender.is_none()).collect();
    if !alone.is_empty() {
        let title = if tenders.is_empty() {
            "The documents"
        } else {
            "Documents that stand alone"
        };
        sections.push(Section {
            title: title.to_string(),
            files: alone,
            metrics: None,
        });
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let page = renderer.page_parts(&Page {
        sections: &sections,
        unreadable: &unreadable,
        history: &history,
        history_asked: !args.no_history,
        date: history::date(now),
    });

    let summary = Summary::of(&reports, &unreadable);
    if args.output.as_os_str() == "-" {
        emit_with(|out| page.chunks().try_for_each(|c| out.write_all(c.as_bytes())));
    } else {
        let parts: Vec<&[u8]> = page.chunks().map(str::as_bytes).collect();
        if let Err(e) = output::write_parts(&args.output, &parts) {
            return usage_error(&format!("cannot write {}: {e}", args.output.display()));
        }
        let _ = writeln!(
            std::io::stderr(),
            "Wrote {}. {}",
            args.output.display(),
            human::summary_line(&summary).trim()
        );
    }
    if summary.file_errors > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "warning: {} could not be checked; the report lists {}.",
            if summary.file_errors == 1 {
                "1 file"
            } else {
                "some files"
            },
            if summary.file_errors == 1 {
                "it"
            } else {
                "them"
            },
        );
    }
    0
}

/// Marks, at the top of its part of the page, each file that lies outside the folders
/// asked for: reached through a symbolic link, its text is shown with where it really is.
fn mark_outside(reports: &mut [FileReport], paths: &[PathBuf]) {
    let asked = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let roots: Vec<PathBuf> = asked
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    for r in reports.iter_mut().filter(|r| r.result.is_ok()) {
        let Ok(real) = std::fs::canonicalize(&r.path) else {
            continue;
        };
        if roots.iter().any(|root| real.starts_with(root)) {
            continue;
        }
        let note = format!(
            "<p class=\"outside\" role=\"note\"><strong>Outside the folders checked.</strong> This file was reached through a symbolic link; it is <code>{}</code>.</p>\n",
            crate::report::html::escape(&real.display().to_string())
        );
        r.rendered.insert_str(0, &note);
    }
}

fn list_rules(args: RuleArgs, patterns: bool) -> u8 {
    let linter = match load_linter(&args) {
        Ok(v) => v,
        Err(e) => return report_load_errors(e),
    };
    if patterns {
        let lines: Vec<&str> = linter.rules.matchers.iter().map(|m| m.as_str()).collect();
        emit(&(lines.join("\n") + "\n"));
        return 0;
    }
    // The rules left on, then the engine's own check when it is on.
    let mut rows: Vec<(&str, Severity, &str, &str)> = linter
        .rules
        .rules
        .iter()
        .map(|r| (&*r.id, r.severity, r.category.as_str(), r.title.as_str()))
        .collect();
    if let Some(severity) = linter.unused_suppression {
        let c = &UNUSED_SUPPRESSION_CHECK;
        rows.push((c.id, severity, c.category, c.title));
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (id, severity, category, title) in rows {
        out.push_str(&format!(
            "{:width$}  {:7}  {:20}  {}\n",
            id,
            severity.as_str(),
            category,
            title,
            width = width
        ));
    }
    emit(&out);
    0
}

fn list_concepts(args: RuleArgs, patterns: bool) -> u8 {
    let linter = match load_linter(&args) {
        Ok(v) => v,
        Err(e) => return report_load_errors(e),
    };
    let concepts = &linter.rules.concepts;
    let mut out = String::new();
    for c in &concepts.info {
        out.push_str(&format!("{}  ({})\n  {}\n", c.id, c.origin, c.description));
        for (name, framework) in &c.terms {
            out.push_str(&format!("  - {name} [{framework}]\n"));
        }
        if patterns {
            out.push_str(&format!(
                "  regex: {}\n",
                concepts.alternation(&c.id).unwrap_or_default()
            ));
        }
    }
    emit(&out);
    0
}

fn explain(id: &str, args: RuleArgs) -> u8 {
    let linter = match load_linter(&args) {
        Ok(v) => v,
        Err(e) => return report_load_errors(e),
    };
    if id == UNUSED_SUPPRESSION_CHECK.id {
        let c = &UNUSED_SUPPRESSION_CHECK;
        let severity = linter.unused_suppression.unwrap_or(c.severity);
        emit(&explanation(
            [
                c.id,
                c.title,
                severity.as_str(),
                c.category,
                c.rationale,
                c.help,
            ],
            Some(c.example),
            Some(c.better),
        ));
        return 0;
    }
    let Some(r) = linter.rules.get(id) else {
        return no_such_rule(&linter, id);
    };
    let severity = r.severity.to_string();
    emit(&explanation(
        [
            &r.id,
            &r.title,
            &severity,
            &r.category,
            r.rationale.trim(),
            &r.help,
        ],
        r.example.as_deref(),
        r.better.as_deref(),
    ));
    0
}

/// What `explain` prints: id, title, severity, category, rationale and help, then the
/// examples and, for a rule tenderlint ships, where its documentation page is.
fn explanation(
    [id, title, severity, category, rationale, help]: [&str; 6],
    example: Option<&str>,
    better: Option<&str>,
) -> String {
    let mut out = format!(
        "{id}: {title}\n{severity}, {category}\n\nWhy it matters\n  {rationale}\n\nWhat to write instead\n  {help}\n"
    );
    if let Some(e) = example {
        out.push_str(&format!("\nFlagged\n  {e}\n"));
    }
    if let Some(b) = better {
        out.push_str(&format!("\nBetter\n  {b}\n"));
    }
    if let Some(url) = crate::docs::url_for(id) {
        out.push_str(&format!(
            "\nMore, with a worked example and how to configure it\n  {url}\n  ({} in tenderlint's repository)\n",
            crate::docs::page_path(id)
        ));
    }
    out
}

/// `tenderlint docs`: the rule pages, written into `out`.
fn write_docs(out: &Path) -> u8 {
    let pages = match crate::docs::pages() {
        Ok(p) => p,
        Err(e) => return report_load_errors(e),
    };
    if let Err(e) = std::fs::create_dir_all(out) {
        return usage_error(&format!("cannot create {}: {e}", out.display()));
    }
    for (name, text) in &pages {
        let path = out.join(name);
        if let Err(e) = output::write(&path, text.as_bytes()) {
            return usage_error(&format!("cannot write {}: {e}", path.display()));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "Wrote {} pages to {}.",
        pages.len(),
        out.display()
    );
    0
}

fn init(path: &Path, force: bool) -> u8 {
    if path.exists() && !force {
        return usage_error(&format!(
            "{} already exists; use --force to replace it",
            path.display()
        ));
    }
    let rules = match RuleSet::load(&builtin::files()) {
        Ok(r) => r,
        Err(e) => return report_load_errors(e),
    };
    let mut text = String::from(
        "# tenderlint configuration. Every key is optional; delete what you do not need.\n\
         # Rule files and excludes are relative to this file.\n\n\
         # extend = [\"team-rules.toml\"]    # more rules, in the format of tenderlint's rules/*.toml\n\
         # exclude = [\"drafts/\"]           # globs of files not to check\n\n\
         # Each rule: \"error\", \"warning\", \"info\" or \"off\"; or a table such as\n\
         # { severity = \"warning\", min = 2 } (require rules) or { max = 300 } (metric rules).\n\
         # `tenderlint explain RULE` says why each rule matters.\n[rules]\n",
    );
    for r in &rules.rules {
        text.push_str(&format!("# {}\n{} = \"{}\"\n", r.title, r.id, r.severity));
    }
    let c = &UNUSED_SUPPRESSION_CHECK;
    text.push_str(&format!("# {}\n{} = \"{}\"\n", c.title, c.id, c.severity));
    match output::write(path, text.as_bytes()) {
        Ok(()) => {
            let _ = writeln!(std::io::stderr(), "Wrote {}.", path.display());
            0
        }
        Err(e) => usage_error(&format!("cannot write {}: {e}", path.display())),
    }
}
