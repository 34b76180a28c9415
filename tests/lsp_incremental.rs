//! The language server re-lints a buffer after an edit by scanning again only the
//! pieces the edit touched (`src/lsp/incremental.rs`). These tests apply edits to a
//! document of many pieces and check, after every edit, that the findings (rules,
//! spans, lines, columns, messages, fingerprints, locations) are those of the same text
//! linted whole and fresh; and that the pieces the edit did not touch were not scanned
//! again, so that a stale piece would show.

mod common;

use proptest::prelude::*;
use std::sync::OnceLock;
use tenderlint::document::{Document, Locator};
use tenderlint::engine::Linter;
use tenderlint::line_index::LineIndex;
use tenderlint::lsp::incremental::{Incremental, Work};
use tenderlint::rules::RuleSet;

/// Small pieces, so that the test document has dozens of them.
const PIECE: usize = 1024;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| {
        Linter::new(
            RuleSet::load(&tenderlint::builtin::files()).unwrap_or_else(|e| panic!("{e:?}")),
        )
    })
}

/// A tender of every Markdown fixture, twice: findings, clean clauses, tables, lists,
/// suppression comments, front matter, code, CRLF lines.
fn tender() -> String {
    let fixtures = common::markdown_fixtures();
    let mut text = String::from("# Tender — “Community nursing” 😀\n\n");
    for _ in 0..2 {
        for f in &fixtures {
            text.push_str(f);
            text.push_str("\n\n");
        }
    }
    text
}

/// The findings of `text` linted whole, located, as JSON.
fn whole(text: &str) -> String {
    let doc = Document::parse(text);
    let mut found = linter().lint(&doc);
    Locator::new(&doc).locate_all(&mut found);
    serde_json::to_string_pretty(&found).unwrap()
}

/// The findings of `text` from the kept pieces, as JSON, and the work done.
fn kept(cache: &mut Incremental, text: &str) -> (String, Work) {
    let (found, work) = cache.lint(linter(), text, &LineIndex::new(text));
    (serde_json::to_string_pretty(&found).unwrap(), work)
}

/// Lints `text` with the cache, checks the findings are the whole text's, and returns
/// the work done.
fn same(cache: &mut Incremental, text: &str, what: &str) -> Work {
    let (got, work) = kept(cache, text);
    let want = whole(text);
    if got != want {
        let at = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let show = |s: &str| {
            s.lines()
                .skip(at.saturating_sub(8))
                .take(16)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{what}: the kept pieces differ from the whole text at line {at} of the JSON\n--- kept\n{}\n--- whole\n{}",
            show(&got),
            show(&want)
        );
    }
    work
}

/// A cache that has linted `text` once, every piece scanned.
fn primed(text: &str) -> Incremental {
    let mut cache = Incremental::new(PIECE);
    let work = same(&mut cache, text, "first lint");
    assert_eq!(work.scanned, work.pieces);
    assert!(work.pieces > 20, "{} pieces", work.pieces);
    cache
}

/// Where `needle` is in `text`.
fn find(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle} is not in the text"))
}

#[test]
fn an_edit_in_the_first_piece_moves_the_others() {
    let mut text = tender();
    let mut cache = primed(&text);
    // A letter and a line break inside a paragraph of the first piece: later pieces move
    // by three bytes and one line, with the same blocks and headings.
    let at = find(&text, "Words inside") + 3;
    assert!(at < cache.ranges().next().unwrap().end);
    text.insert_str(at, "x\ny");
    let work = same(&mut cache, &text, "edit in the first piece");
    assert_eq!(work.scanned, 1, "{work:?}");
    // And back.
    text.replace_range(at..at + 3, "");
    let work = same(&mut cache, &text, "edit undone");
    assert_eq!(work.scanned, 1, "{work:?}");
}

#[test]
fn an_edit_in_the_last_piece_keeps_the_others() {
    let mut text = tender();
    let mut cache = primed(&text);
    // At the end of the last line.
    let at = text.trim_end().len();
    assert!(at > cache.ranges().last().unwrap().start);
    text.insert_str(at, " The provider shall pay service credits.");
    let work = same(&mut cache, &text, "edit in the last piece");
    assert_eq!(work.scanned, 1, "{work:?}");
    text.truncate(text.len() / 2 * 2 - 200);
    while !text.is_char_boundary(text.len()) {
        text.pop();
    }
    same(&mut cache, &text, "the end cut off");
}

#[test]
fn an_edit_in_the_middle_scans_only_its_piece_and_findings_after_it_move() {
    let mut text = tender();
    let mut cache = primed(&text);
    let at = text.len() / 2;
    let at = at + text[at..].find(". ").unwrap() + 1;
    text.insert_str(at, " Service credits apply.\r\nCafé 😀.");
    let work = same(&mut cache, &text, "edit in the middle");
    assert_eq!(work.scanned, 1, "{work:?}");
}

#[test]
fn an_edit_across_a_cut_joins_the_pieces_it_touches() {
    let mut text = tender();
    let mut cache = primed(&text);
    // Delete from inside one piece to inside the next: the cut between them goes.
    let from = text.len() / 3;
    let from = from + text[from..].find(' ').unwrap();
    let to = from + 3 * PIECE / 2;
    let to = to + text[to..].find(' ').unwrap();
    text.replace_range(from..to, " ");
    let work = same(&mut cache, &text, "edit across a cut");
    assert!(work.scanned < work.pieces, "{work:?}");
    // A heading typed where the cut was, then a fence opened and never closed, which
    // leaves no place to cut after it.
    text.insert_str(
        from,
        "\n\n## Payment\n\nThe provider shall be paid monthly.\n\n",
    );
    same(&mut cache, &text, "heading across the old cut");
    text.insert_str(from, "\n\n```\n");
    let work = same(&mut cache, &text, "fence opened");
    assert!(work.pieces < 40, "{work:?}");
    text.replace_range(from..from + 5, "");
    same(&mut cache, &text, "fence closed again");
}

#[test]
fn an_edit_that_makes_a_piece_long_cuts_it_anew() {
    let mut text = tender();
    let mut cache = primed(&text);
    let before = kept(&mut cache, &text).1.pieces;
    let at = text.len() / 2;
    let at = at + text[at..].find("\n\n").unwrap() + 2;
    let mut pasted = String::new();
    for i in 0..40 {
        pasted.push_str(&format!(
            "## Section {i}\n\nThe provider shall submit a monthly report. Service credits apply.\n\n| KPI | Target | Credit |\n|---|---|---|\n| a | 1 | 2 |\n\n"
        ));
    }
    text.insert_str(at, &pasted);
    let work = same(&mut cache, &text, "a long paste");
    assert!(work.pieces > before + 2, "{before} then {work:?}");
}

#[test]
fn suppression_comments_in_one_piece_reach_into_others() {
    let mut text = tender();
    let mut cache = primed(&text);
    let at = text.len() / 4;
    let at = at + text[at..].find("\n\n").unwrap() + 2;
    text.insert_str(at, "<!-- tenderlint-disable -->\n\n");
    same(&mut cache, &text, "disabled from a quarter on");
    let end = text.len() * 3 / 4;
    let end = end + text[end..].find("\n\n").unwrap() + 2;
    text.insert_str(end, "<!-- tenderlint-enable -->\n\n");
    same(&mut cache, &text, "enabled again at three quarters");
}

/// One edit: where (a fraction of the text), how many characters it deletes, and what
/// it inserts.
#[derive(Debug, Clone)]
struct Edit {
    at: f64,
    delete: usize,
    insert: &'static str,
}

const INSERTS: &[&str] = &[
    "",
    "x",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "\n\n# New heading\n\n",
    "\n\n## Payment mechanism\n\n",
    "\n\nPAYMENT MECHANISM\n\n",
    "<!-- tenderlint-disable -->",
    "\n\n<!-- tenderlint-enable -->\n\n",
    "<!-- tenderlint-disable-next-line service-credits -->\n",
    "\n```\n",
    "\n\n~~~~\ncode\n",
    "\n\n| KPI | Target | Credit |\n|---|---|---|\n| a | 1 | 2 |\n\n",
    "| b | 3 | 4 |\n",
    "Café — “quoted” 😀 ",
    " Service credits apply. ",
    "The provider shall ",
    "[^1]",
    "\n\n[^1]: A note.\n\n",
    "\n\n[ref]: https://example.org\n\n",
    "[ref]",
    "<!--",
    "-->",
    "\n---\n",
    "\n\n1. An item\n2. Another\n\n",
    "> quoted ",
    "Partnership with a joint board",
    // Bold lines: the header cells of a table that a PDF conversion flattened, read as
    // one table with the body cell after them, so never cut from it.
    "\n\n**Success measure**\n\n**Target**\n\n",
    "\n\n__Indicator__\n\n",
    "**",
];

fn edit() -> impl Strategy<Value = Edit> {
    (
        0.0..1.0f64,
        prop_oneof![Just(0usize), 0..40usize],
        0..INSERTS.len(),
    )
        .prop_map(|(at, delete, i)| Edit {
            at,
            delete,
            insert: INSERTS[i],
        })
}

fn apply(text: &mut String, e: &Edit) {
    let mut at = (text.len() as f64 * e.at) as usize;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let end = text[at..]
        .char_indices()
        .nth(e.delete)
        .map_or(text.len(), |(i, _)| at + i);
    text.replace_range(at..end, e.insert);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_edits_give_the_findings_of_the_whole_text(edits in prop::collection::vec(edit(), 1..10)) {
        let mut text = tender();
        let mut cache = Incremental::new(PIECE);
        same(&mut cache, &text, "first lint");
        for (n, e) in edits.iter().enumerate() {
            apply(&mut text, e);
            same(&mut cache, &text, &format!("after edit {n}: {e:?}"));
        }
    }
}

#[test]
fn a_finding_about_the_whole_text_moves_with_the_heading_it_sits_at() {
    // No heading in the first pieces: a finding about the whole document sits at the
    // first heading, in a later piece, and moves when an edit before it moves that piece.
    let mut text = String::new();
    while text.len() < 4 * PIECE {
        text.push_str("The provider reports activity to the commissioner every month.\n\n");
    }
    let heading = text.len();
    text.push_str("# Specification\n\nThe provider shall deliver the service.\n\n");
    while text.len() < 8 * PIECE {
        text.push_str("Referrals are accepted from every practice in the area.\n\n");
    }
    let mut cache = Incremental::new(PIECE);
    let (found, _) = cache.lint(linter(), &text, &LineIndex::new(&text));
    assert!(
        found.iter().any(|d| d.span.offset == heading + 2),
        "no finding at the heading: {found:?}"
    );
    text.insert_str(10, "x\ny");
    let work = same(&mut cache, &text, "an edit before the heading");
    assert_eq!(work.scanned, 1, "{work:?}");
}

#[test]
fn a_paragraph_added_renumbers_the_paragraphs_after_it_without_scanning_them() {
    let mut text = tender();
    let mut cache = primed(&text);
    let at = text.len() / 2;
    let at = at + text[at..].find("\n\n").unwrap() + 2;
    text.insert_str(at, "A new paragraph.\n\n");
    let work = same(&mut cache, &text, "a paragraph added");
    assert!(work.scanned <= 2, "{work:?}");
    text.replace_range(at..at + 18, "");
    let work = same(&mut cache, &text, "and removed");
    assert!(work.scanned <= 2, "{work:?}");
}
