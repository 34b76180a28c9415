//! The floor for `bench/run.sh`: what any linter of these rules must do at least, and
//! nothing more. It walks the folders given, reads each Markdown file, parses it with
//! pulldown-cmark (the same options as tenderlint's document model), and searches the text
//! of each block for the built-in patterns: each line of the patterns file (`tenderlint
//! rules --patterns`: one regex per pattern group, flags included) compiled as one regex,
//! every one searching every block, on all cores. No
//! rules, exceptions, scopes, sentences, suppressions or report: it prints the number of
//! files and matches.
//!
//! ```text
//! cargo run --release --example floor -- target/bench/patterns.txt target/bench/corpus
//! ```

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use regex::Regex;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [patterns, roots @ ..] = args.as_slice() else {
        eprintln!("usage: floor PATTERNS-FILE PATH...");
        return ExitCode::from(2);
    };
    let patterns = match std::fs::read_to_string(patterns) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot read {patterns}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut regexes = Vec::new();
    for line in patterns.lines().filter(|l| !l.is_empty()) {
        match Regex::new(line) {
            Ok(re) => regexes.push(re),
            Err(e) => {
                eprintln!("a pattern does not compile: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let mut files = Vec::new();
    for root in roots {
        for entry in walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let path = entry.path();
            if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "md") {
                files.push(path.to_path_buf());
            }
        }
    }
    let matches: usize = files
        .par_iter()
        .map(|path| match std::fs::read_to_string(path) {
            Ok(text) => count(&regexes, &text),
            Err(_) => 0,
        })
        .sum();
    println!("{} files, {matches} matches", files.len());
    ExitCode::SUCCESS
}

/// Matches of `regexes` in the text of each block of the Markdown document `text`.
fn count(regexes: &[Regex], text: &str) -> usize {
    let search =
        |block: &str| -> usize { regexes.iter().map(|re| re.find_iter(block).count()).sum() };
    let mut found = 0;
    let mut block = String::new();
    for event in Parser::new_ext(text, tenderlint::document::options()) {
        match event {
            Event::Text(t) | Event::Code(t) => block.push_str(&t),
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            )
            | Event::Start(Tag::Item) => {
                found += search(&block);
                block.clear();
            }
            _ => {}
        }
    }
    found + search(&block)
}
