//! How long `tenderlint lsp` takes to re-lint a large buffer after a keystroke.
//!
//! ```text
//! cargo run --release --example lsp_relint                      # 1 MiB of the fixtures, repeated
//! cargo run --release --example lsp_relint -- --file big.md     # any document
//! cargo run --release --example lsp_relint -- --size 4194304 --runs 31
//! cargo run --release --example lsp_relint -- --whole            # without the pieces kept
//! ```
//!
//! Each run does what the server's lint thread does after a change, through the same
//! library functions: apply one incremental edit given in UTF-16 positions, parse and
//! scan again the pieces of the Markdown the edit touched (re-using the others from the
//! last lint, as the server keeps them for each open buffer), judge and suppress over the
//! whole, convert every finding's range to UTF-16 line/character, and encode the
//! `textDocument/publishDiagnostics` notification as JSON. With `--whole`, every run
//! parses and lints the whole buffer, as the server did before it kept pieces. Writing
//! to the editor is left out. The debounce delay (150 ms after the last change) is not
//! included: it is a wait, not work. Prints the median, minimum and maximum of `--runs`
//! runs (default 21), after one warm-up run (which, with pieces, lints every piece).

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenderlint::engine::Linter;
use tenderlint::lsp::lint::{relint_to_json, Ready};
use tenderlint::lsp::text::{apply_change, Encoding};
use tenderlint::rules::RuleSet;

/// Realistic tender text in the repository: findings, clean clauses, tables, lists,
/// suppression comments, front matter, CRLF line endings.
const FIXTURES: [&str; 6] = [
    include_str!("../fixtures/performance-centric.md"),
    include_str!("../fixtures/outcome-focused.md"),
    include_str!("../fixtures/precision-not-findings.md"),
    include_str!("../fixtures/edge-tables-and-lists.md"),
    include_str!("../fixtures/edge-suppressions.md"),
    include_str!("../fixtures/edge-code-and-front-matter.md"),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut size = 1 << 20;
    let mut runs = 21;
    let mut file = None;
    let mut whole = false;
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--whole" => {
                whole = true;
                i += 1;
                continue;
            }
            "--size" => size = value.parse().unwrap_or(size),
            "--runs" => runs = value.parse().unwrap_or(runs),
            "--file" => file = Some(value),
            other => {
                eprintln!(
                    "usage: lsp_relint [--size BYTES] [--runs N] [--file PATH] [--whole] (not {other})"
                );
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    let mut text = match &file {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => {
            let mut t = String::with_capacity(size + 4096);
            // The multi-byte text an officer types, so UTF-16 columns differ from bytes.
            t.push_str("# Tender — “Community nursing” 😀\n\n");
            let mut n = 0;
            while t.len() < size {
                t.push_str(FIXTURES[n % FIXTURES.len()]);
                t.push_str("\n\n");
                n += 1;
            }
            t
        }
    };

    let start = Instant::now();
    let rules = match RuleSet::load(&tenderlint::builtin::files()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot load the built-in rules: {e:?}");
            return ExitCode::from(1);
        }
    };
    let ready = Arc::new(Ready::new(Linter::new(rules)));
    let build = start.elapsed();
    // The pieces the server keeps for the buffer between lints.
    let mut cache = None;
    let uri = Uri::from_str("file:///bench/tender.md").unwrap_or_else(|e| panic!("{e}"));

    // Keystrokes at the start of the middle line, in UTF-16 coordinates: type a
    // character, delete it, and so on.
    let middle = u32::try_from(text.lines().count() / 2).unwrap_or(0);
    let runs = runs.max(1);
    let mut times = Vec::with_capacity(runs);
    let mut json_len = 0;
    for run in 0..=runs {
        let t0 = Instant::now();
        let (at, typed) = (Position::new(middle, 0), run % 2 == 0);
        let end = Position::new(middle, if typed { 0 } else { 1 });
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(at, end)),
            range_length: None,
            text: if typed { "x" } else { "" }.to_string(),
        };
        apply_change(&mut text, change, Encoding::Utf16);
        let kept = (!whole).then_some(&mut cache);
        let json = relint_to_json(&ready, &uri, &text, run as i32, Encoding::Utf16, kept);
        let elapsed = t0.elapsed();
        json_len = json.len();
        std::hint::black_box(json);
        if run > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let fresh = relint_to_json(&ready, &uri, &text, 0, Encoding::Utf16, None);
    let count = fresh.matches("\"source\":\"tenderlint\"").count();
    if !whole {
        // The pieces kept must give what the whole buffer gives.
        let kept = relint_to_json(&ready, &uri, &text, 0, Encoding::Utf16, Some(&mut cache));
        if kept != fresh {
            eprintln!("the pieces kept give other diagnostics than the whole buffer");
            return ExitCode::from(1);
        }
    }
    println!(
        "document: {} bytes, {} lines, {count} diagnostics ({json_len} bytes of JSON)",
        text.len(),
        text.lines().count()
    );
    println!(
        "rules loaded and compiled once per configuration: {:.1} ms",
        ms(build)
    );
    println!(
        "re-lint after one edit ({}), {runs} runs: median {:.1} ms (min {:.1}, max {:.1})",
        if whole { "whole buffer" } else { "pieces kept" },
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    ExitCode::SUCCESS
}
