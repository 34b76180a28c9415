//! The printed report's cross-references carry the page they lead to, where the print
//! engine can say it (CSS `target-counter()`, from CSS Generated Content for Paged Media).
//! Chromium cannot: it drops the declaration and prints the link alone (tests/browser.rs
//! prints the reports with it and checks that no stray "(page" is left). WeasyPrint can,
//! and prints the page numbers checked here.
//!
//! Needs WeasyPrint (Python: `pip install weasyprint`, found as the `weasyprint` module of
//! `$TENDERLINT_WEASYPRINT_PYTHON`, else of `python3`) and pdftotext (poppler-utils).
//! Without them the test is skipped, loudly; `TENDERLINT_REQUIRE_PRINT=1` (set by CI)
//! makes that a failure.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn python() -> String {
    std::env::var("TENDERLINT_WEASYPRINT_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Whether WeasyPrint and pdftotext can be run; panics when CI requires them.
fn tools() -> bool {
    let ok = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let weasy = ok(Command::new(python()).args(["-c", "import weasyprint"]));
    let pdftotext = ok(Command::new("pdftotext").arg("-v"));
    if weasy && pdftotext {
        return true;
    }
    let missing = if weasy { "pdftotext" } else { "WeasyPrint" };
    if std::env::var("TENDERLINT_REQUIRE_PRINT").is_ok_and(|v| v == "1") {
        panic!("TENDERLINT_REQUIRE_PRINT=1 but {missing} cannot be run (see tests/print.rs)");
    }
    eprintln!("\n*** skipped: {missing} is not installed (set TENDERLINT_REQUIRE_PRINT=1 to require it) ***\n");
    false
}

/// The numbers of every "(page N)" in `text`, in order.
fn pages(text: &str) -> Vec<usize> {
    text.match_indices("(page ")
        .filter_map(|(i, _)| {
            let rest = &text[i + 6..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..]
                .starts_with(')')
                .then(|| digits.parse().ok())
                .flatten()
        })
        .collect()
}

#[test]
fn cross_references_carry_the_page_they_lead_to_where_the_print_engine_can_say_it() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (html, pdf) = (dir.path().join("r.html"), dir.path().join("r.pdf"));
    let report = Command::new(env!("CARGO_BIN_EXE_tenderlint"))
        .current_dir(ROOT)
        .args(["report", "--no-config", "--no-history"])
        .arg("fixtures/performance-centric.md")
        .arg("-o")
        .arg(&html)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.status.code(), Some(0), "{:?}", report);
    let print = Command::new(python())
        .args([
            "-c",
            "import sys, weasyprint; weasyprint.HTML(sys.argv[1]).write_pdf(sys.argv[2])",
        ])
        .arg(&html)
        .arg(&pdf)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        print.status.success(),
        "{}",
        String::from_utf8_lossy(&print.stderr)
    );
    let text = |p: &Path| {
        let out = Command::new("pdftotext")
            .arg(p)
            .arg("-")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let printed = text(&pdf);
    let sheets = printed.matches('\u{c}').count();
    // Lines joined: a list of places may wrap.
    let joined = printed.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = pages(&joined);
    assert!(all.len() >= 20, "{} page numbers in: {joined}", all.len());
    assert!(
        all.iter().all(|&p| (1..=sheets).contains(&p)),
        "a page number beyond the {sheets} pages: {all:?}"
    );
    // Each rule's places are listed in the order of the text: their pages never go back.
    let mut groups = 0;
    for (i, _) in joined
        .match_indices(" places (")
        .chain(joined.match_indices(" place ("))
    {
        let list = &joined[i..];
        let end = list.find("))").map_or(list.len(), |e| e + 2);
        let places = pages(&list[..end]);
        assert!(!places.is_empty(), "{}", &list[..end]);
        assert!(
            places.windows(2).all(|w| w[0] <= w[1]),
            "pages go back: {}",
            &list[..end]
        );
        groups += 1;
    }
    assert!(groups >= 5, "{groups} lists of places in: {joined}");
    // The places come after the verdict, which fills the first page.
    assert!(all.iter().all(|&p| p > 1), "{all:?}");
}
