//! Properties of the document model and the engine, over generated Markdown:
//! spans are exact, linting is deterministic, and suppression comments never widen
//! what is reported.

use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;
use tenderlint::diagnostic::Diagnostic;
use tenderlint::document::Document;
use tenderlint::engine::Linter;
use tenderlint::line_index::reference_position;
use tenderlint::rules::RuleSet;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| {
        Linter::new(
            RuleSet::load(&tenderlint::builtin::files()).unwrap_or_else(|e| panic!("{e:?}")),
        )
    })
}

/// The linter of runs over many files: groups compiled whole, each block searched by
/// the groups whose words it holds.
fn whole() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| Linter {
        whole_groups: true,
        ..linter().clone()
    })
}

fn lint(text: &str) -> Vec<Diagnostic> {
    linter().lint(&Document::parse(text))
}

fn words() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("the"),
        Just("Provider"),
        Just("shall"),
        Just("must"),
        Just("report"),
        Just("monthly"),
        Just("service credits"),
        Just("credit points"),
        Just("liquidated damages"),
        Just("deduct 5% of the monthly payment"),
        Just("paid £40 per attendance"),
        Just("minimum annual volume"),
        Just("No service credits will apply."),
        // The long s and the Kelvin sign match s and k under (?i).
        Just("ſervice credits"),
        Just("\u{212A}PI deductions"),
        Just("EQ-5D-5L"),
        Just("readmission"),
        Just("improve patient outcomes"),
        Just("café"),
        Just("£5"),
        Just("😀"),
        Just("e\u{301}"),
        Just("עברית"),
        Just("—"),
        Just("“quoted”"),
        Just("**bold**"),
        Just("_it_"),
        Just("`code`"),
        Just("[link](x.md)"),
        Just("&amp;"),
        Just("\\*"),
        Just("."),
        Just("e.g."),
    ];
    prop::collection::vec(word, 1..12).prop_map(|w| w.join(" "))
}

/// One Markdown block; blocks are joined by blank lines.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        words().prop_map(|w| format!("# {w}")),
        words().prop_map(|w| format!("### {w}")),
        words(),
        (words(), words()).prop_map(|(a, b)| format!("{a}\n{b}")),
        (words(), words()).prop_map(|(a, b)| format!("- {a}\n  - {b}\n    1. {a}")),
        words().prop_map(|w| format!("> {w}\n> > {w}")),
        (words(), words())
            .prop_map(|(a, b)| format!("| KPI | Service credit |\n|---|---|\n| {a} | {b} |")),
        words().prop_map(|w| format!("```\n{w}\n```")),
        words().prop_map(|w| format!("    {w}")),
        words().prop_map(|w| format!("<div>{w}</div>")),
        words().prop_map(|w| format!("Note[^n].\n\n[^n]: {w}")),
        Just("<!-- tenderlint-disable-next-line service-credits -->".to_string()),
        Just("<!-- tenderlint-disable payment-deduction -->".to_string()),
        Just("<!-- tenderlint-enable -->".to_string()),
        any::<String>(),
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(block(), 0..16),
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(blocks, eol, front, bom)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            if front {
                text.push_str("---\ntitle: service credits\n---\n\n");
            }
            text.push_str(&blocks.join("\n\n"));
            text.replace('\n', eol)
        })
}

const SUPPRESSIONS: [&str; 6] = [
    "<!-- tenderlint-disable service-credits -->",
    "<!-- tenderlint-disable -->",
    "<!-- tenderlint-disable-next-line payment-deduction, volume-payment -->",
    "<!-- tenderlint-disable-file service-credits -- a reason -->",
    "<!-- tenderlint-disable-file missing-patient-outcomes -->",
    "<!-- tenderlint-enable service-credits -->",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_span_is_inside_the_text_on_char_boundaries_and_agrees_with_its_position(text in document()) {
        for d in lint(&text) {
            let s = &d.span;
            let end = s.offset + s.length;
            prop_assert!(end <= text.len(), "{d:?}");
            prop_assert!(text.is_char_boundary(s.offset) && text.is_char_boundary(end), "{d:?}");
            prop_assert_eq!(reference_position(&text, s.offset), (s.start.line, s.start.column), "start of {:?}", d);
            prop_assert_eq!(reference_position(&text, end), (s.end.line, s.end.column), "end of {:?}", d);
        }
    }

    #[test]
    fn block_text_maps_back_into_the_block_on_char_boundaries(text in document()) {
        let doc = Document::parse(&text);
        for b in &doc.blocks {
            // Starts at every character; ends after every character.
            let starts = b.text.char_indices().map(|(i, _)| b.source_start(i));
            let ends = b.text.char_indices().map(|(i, c)| b.source_end(i + c.len_utf8()));
            for at in starts.chain(ends) {
                prop_assert!(text.is_char_boundary(at), "block {:?} maps to {at}", b.text);
                prop_assert!(b.range.start <= at && at <= b.range.end, "block {:?} maps to {at} outside {:?}", b.text, b.range);
            }
        }
    }

    #[test]
    fn linting_is_deterministic(text in document()) {
        prop_assert_eq!(lint(&text), lint(&text));
    }

    /// A run over many files compiles each pattern group whole and searches each block
    /// with the groups whose words it holds; a document alone compiles only the parts
    /// whose words it holds. Both must find the same.
    #[test]
    fn compiling_only_the_needed_parts_changes_nothing(text in document()) {
        let doc = Document::parse(&text);
        prop_assert_eq!(whole().lint(&doc), linter().lint(&doc));
    }

    #[test]
    fn a_suppression_comment_never_adds_a_finding(
        blocks in prop::collection::vec(block(), 1..12),
        at in any::<prop::sample::Index>(),
        which in 0..SUPPRESSIONS.len(),
    ) {
        let original = blocks.join("\n\n");
        let i = at.index(blocks.len() + 1);
        let mut with = blocks.clone();
        with.insert(i, SUPPRESSIONS[which].to_string());
        let suppressed = with.join("\n\n");
        // Where the comment went, and how many bytes it added.
        let inserted_at = blocks[..i].iter().map(|b| b.len() + 2).sum::<usize>();
        let added = suppressed.len() - original.len();

        // A comment between a list item and an indented line ends the list, and the
        // line becomes code: that changes what the document says, which the property
        // is not about.
        let texts = |t: &str| -> Vec<String> {
            Document::parse(t).blocks.iter().map(|b| b.text.clone()).collect()
        };
        prop_assume!(texts(&original) == texts(&suppressed));

        let before_all = lint(&original);
        let before: Vec<(String, usize, usize)> = before_all.iter().map(|d| (d.rule.to_string(), d.span.offset, d.span.length)).collect();
        for d in lint(&suppressed) {
            if &*d.rule == "unused-suppression" {
                continue;
            }
            // A finding about the whole document sits on line 1 when there is no heading,
            // which may now be the comment: it must have been reported before, anywhere.
            let document_level = linter().rules.get(&d.rule).is_some_and(|r| r.is_document_level());
            if document_level {
                prop_assert!(before_all.iter().any(|b| b.rule == d.rule), "{} appeared only with {:?} inserted", d.rule, SUPPRESSIONS[which]);
                continue;
            }
            let offset = if d.span.offset >= inserted_at { d.span.offset - added } else { d.span.offset };
            let key = (d.rule.to_string(), offset, d.span.length);
            prop_assert!(before.contains(&key), "{key:?} appeared only with {:?} inserted:\n{suppressed}", SUPPRESSIONS[which]);
        }
    }
}

/// The same, on text nobody here wrote: every real tender, the fixtures and the CUAD
/// clauses, each document linted alone.
#[test]
fn compiling_only_the_needed_parts_changes_nothing_on_real_text() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    // A clone without ../shared checks the fixtures alone, with a note; CI, which sets
    // TENDERLINT_REQUIRE_CORPUS, always has the real tenders and CUAD too.
    let have_shared = shared.is_dir();
    assert!(
        have_shared || std::env::var_os("TENDERLINT_REQUIRE_CORPUS").is_none(),
        "TENDERLINT_REQUIRE_CORPUS is set, and ../shared/corpus is not beside the checkout"
    );
    if !have_shared {
        println!(
            "note: ../shared/corpus is not beside the checkout: only the fixtures are checked"
        );
    }
    let mut texts: Vec<(String, String)> = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let dirs = if have_shared {
        vec![shared.join("real"), fixtures]
    } else {
        vec![fixtures]
    };
    for dir in dirs {
        for entry in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_else(|e| panic!("{e}"));
                texts.push((entry.path().display().to_string(), text));
            }
        }
    }
    let cuad = if have_shared {
        std::fs::read_to_string(shared.join("cuad/clauses.jsonl")).unwrap_or_else(|e| panic!("{e}"))
    } else {
        String::new()
    };
    for (i, line) in cuad.lines().enumerate() {
        let clause: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        texts.push((
            format!("CUAD clause {i}"),
            clause["text"].as_str().unwrap_or_default().to_string(),
        ));
    }
    assert!(
        texts.len() > if have_shared { 100 } else { 10 },
        "the corpus is missing: {} texts",
        texts.len()
    );
    let mut findings = 0;
    for (name, text) in &texts {
        let doc = Document::parse(text);
        let alone = linter().lint(&doc);
        assert_eq!(alone, whole().lint(&doc), "{name}");
        findings += alone.len();
    }
    assert!(
        findings > if have_shared { 500 } else { 50 },
        "only {findings} findings: the comparison proves little"
    );
}

/// A document of more than 2,000 blocks is searched in chunks of blocks on all cores:
/// every finding must still sit on its own line.
#[test]
fn a_long_document_searched_in_chunks_keeps_every_position() {
    let paragraphs = 4_321;
    let text: String = (0..paragraphs)
        .map(|i| format!("Clause {i}: service credits apply.\n\n"))
        .collect();
    let findings: Vec<Diagnostic> = lint(&text)
        .into_iter()
        .filter(|d| &*d.rule == "service-credits")
        .collect();
    assert_eq!(findings.len(), paragraphs);
    for (i, d) in findings.iter().enumerate() {
        assert_eq!(d.span.start.line, 2 * i + 1, "finding {i}");
        let clause = format!("Clause {i}: ");
        assert_eq!(d.span.start.column, clause.len() + 1, "finding {i}");
    }
}

/// A document of 1,000 to 2,000 blocks is searched, alone, by the parts of each group
/// its words need, and over many files by each group whole, every group searching all
/// the blocks on one core (more than 1,000 blocks: in chunks of 1,000). The two must
/// agree on every finding, the blocks after the first chunk included.
#[test]
fn a_document_of_several_chunks_gives_the_same_findings_whole_and_in_parts() {
    let fixtures: Vec<String> = [
        "performance-centric",
        "measurement-and-reporting",
        "outcome-focused",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(format!("fixtures/{f}.md")).unwrap_or_else(|e| panic!("{e}")))
    .collect();
    let mut text = String::new();
    let mut part = 0;
    while Document::parse(&text).blocks.len() < 1_500 {
        part += 1;
        text.push_str(
            &fixtures[part % fixtures.len()].replace("\n# ", &format!("\n# Part {part}: ")),
        );
        text.push_str("\n\n");
    }
    let doc = Document::parse(&text);
    assert!(
        (1_001..=2_000).contains(&doc.blocks.len()),
        "{} blocks",
        doc.blocks.len()
    );
    let alone = linter().lint(&doc);
    let last_chunk = alone
        .iter()
        .filter(|d| d.span.offset > text.len() * 3 / 4)
        .count();
    assert!(
        alone.len() > 100 && last_chunk > 10,
        "{} findings, {last_chunk} late",
        alone.len()
    );
    assert_eq!(alone, whole().lint(&doc));
}
