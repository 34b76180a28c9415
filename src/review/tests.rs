//! Documents are built here with the zip crate's writer; every review written is read
//! back with `docx::read` and its XML parsed, to check what every review must hold.

use super::*;
use crate::docx::tests::{docx, ROOT_RELS};
use crate::docx::{self, Word};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive};

const DATE: &str = "2026-12-06T00:00:00Z";

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape""#;

const TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;

fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
}

/// A .docx with `body` in word/document.xml, content types, relationships and a styles
/// part, and `extra` parts after them.
fn with_body(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let document = document_xml(body);
    let mut parts = vec![
        ("[Content_Types].xml", TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document.as_str()),
        ("word/_rels/document.xml.rels", DOC_RELS),
        (
            "word/styles.xml",
            r#"<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>"#,
        ),
    ];
    parts.extend_from_slice(extra);
    docx(&parts)
}

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

fn p(content: &str) -> String {
    format!("<w:p>{content}</w:p>")
}

fn comment(paragraph: usize, range: Range<usize>, text: &str) -> Comment {
    Comment {
        paragraph,
        range,
        text: text.to_string(),
    }
}

/// The comment on `words` in paragraph `paragraph` of `word`.
fn on(word: &Word, paragraph: usize, words: &str, text: &str) -> Comment {
    let at = word.paragraphs[paragraph]
        .text
        .find(words)
        .unwrap_or_else(|| panic!("{words:?} in {:?}", word.paragraphs[paragraph].text));
    comment(paragraph, at..at + words.len(), text)
}

/// Every entry of an archive, inflated, in order.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().unwrap().into_owned(), content)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let (_, content) = entries(bytes)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"));
    String::from_utf8(content).unwrap()
}

fn has_part(bytes: &[u8], name: &str) -> bool {
    entries(bytes).iter().any(|(n, _)| n == name)
}

/// What the reader reads of each paragraph, runs aside.
fn read_as(word: &Word) -> Vec<(String, docx::Kind, Option<String>, docx::Part)> {
    word.paragraphs
        .iter()
        .map(|p| (p.text.clone(), p.kind, p.clause.clone(), p.part))
        .collect()
}

const STORIES: [&str; 3] = [
    "word/document.xml",
    "word/footnotes.xml",
    "word/endnotes.xml",
];

/// Writes the review of `original` and checks what every review holds: the reader
/// reads the same paragraphs from it; the same input gives the same bytes; every
/// entry of the original is there, in order, and unchanged unless it is a part a
/// review rewrites; every story part is well-formed with each comment's marks in
/// order; comments.xml holds each id once. Returns the review and, for each comment
/// id, the text its range covers.
fn review(original: &[u8], comments: &[Comment]) -> (Vec<u8>, BTreeMap<i64, String>) {
    let word = docx::read(original).unwrap();
    let out = write_review(original, &word, comments, "tenderlint", DATE).unwrap();
    let again = docx::read(&out).expect("the review reads");
    assert_eq!(read_as(&again), read_as(&word));
    assert_eq!(
        out,
        write_review(original, &word, comments, "tenderlint", DATE).unwrap(),
        "the same bytes every time"
    );

    let before = entries(original);
    let after = entries(&out);
    assert!(after.len() >= before.len());
    let rewritable = |name: &str| {
        STORIES.contains(&name)
            || name.ends_with("comments.xml")
            || name.ends_with("document.xml.rels")
            || name == "[Content_Types].xml"
    };
    for ((name, content), (new_name, new_content)) in before.iter().zip(&after) {
        assert_eq!(name, new_name, "entries keep their order");
        if !rewritable(name) {
            assert_eq!(content, new_content, "{name} is copied unchanged");
        }
    }

    let mut anchored = BTreeMap::new();
    for name in STORIES {
        if has_part(&out, name) {
            anchored.extend(anchored_text(&part(&out, name)));
        }
    }
    let ids: Vec<i64> = comments_of(&out).iter().map(|c| c.id).collect();
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "comment ids are unique");
    for id in anchored.keys() {
        assert!(unique.contains(id), "comment {id} is in comments.xml");
    }
    (out, anchored)
}

fn id_of(e: &BytesStart<'_>) -> i64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "id")
        .and_then(|a| a.value.parse().ok())
        .expect("an id")
}

/// Parses a story part to the end (it must be well-formed) and gives, for each comment,
/// the text of its paragraph's runs between its range start and end (a text box's
/// paragraphs are their own), checking that the start comes first, then the end, then
/// the reference in a run; that the marks are not inside runs; and that none is left
/// open.
fn anchored_text(xml: &str) -> BTreeMap<i64, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    // Comment id -> (paragraphs open where it starts, text).
    let mut open: BTreeMap<i64, (usize, String)> = BTreeMap::new();
    let mut ended: BTreeMap<i64, String> = BTreeMap::new();
    let mut done = BTreeMap::new();
    let push = |open: &mut BTreeMap<i64, (usize, String)>, depth: usize, s: &str| {
        for (at, text) in open.values_mut() {
            if *at == depth {
                text.push_str(s);
            }
        }
    };
    loop {
        let event = reader.read_event().expect("well-formed");
        let parent = stack.last().cloned().unwrap_or_default();
        let in_t = parent == "t" && stack.len() >= 2 && stack[stack.len() - 2] == "r";
        let depth = stack.iter().filter(|n| *n == "p").count();
        match event {
            Event::Start(e) => stack.push(e.local_name().as_ref().to_string()),
            Event::Empty(e) => match e.local_name().as_ref() {
                "commentRangeStart" => {
                    assert_ne!(parent, "r", "a range starts outside runs");
                    let id = id_of(&e);
                    assert!(!open.contains_key(&id) && !done.contains_key(&id));
                    open.insert(id, (depth, String::new()));
                }
                "commentRangeEnd" => {
                    assert_ne!(parent, "r", "a range ends outside runs");
                    let id = id_of(&e);
                    let (_, text) = open.remove(&id).expect("the range started before it ends");
                    ended.insert(id, text);
                }
                "commentReference" => {
                    assert_eq!(parent, "r", "the reference is in a run");
                    let id = id_of(&e);
                    let text = ended.remove(&id).expect("the reference follows the end");
                    done.insert(id, text);
                }
                "tab" if parent == "r" => push(&mut open, depth, "\t"),
                "br" if parent == "r" => push(&mut open, depth, " "),
                _ => {}
            },
            Event::Text(t) if in_t => push(&mut open, depth, &t.xml10_content().replace('\n', " ")),
            Event::GeneralRef(r) if in_t => {
                let c = match &*r {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => r.resolve_char_ref().unwrap().unwrap(),
                };
                push(&mut open, depth, &c.to_string());
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty());
    assert!(open.is_empty(), "every range ends: {open:?}");
    assert!(ended.is_empty(), "every range has its reference: {ended:?}");
    done
}

#[derive(Debug, PartialEq)]
struct Parsed {
    id: i64,
    author: String,
    initials: String,
    date: String,
    lines: Vec<String>,
}

/// The comments of a review's comments.xml, parsed.
fn comments_of(bytes: &[u8]) -> Vec<Parsed> {
    let xml = part(bytes, "word/comments.xml");
    let mut reader = Reader::from_str(&xml);
    let mut out: Vec<Parsed> = Vec::new();
    let mut in_t = false;
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "comment" => {
                let get = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                out.push(Parsed {
                    id: id_of(&e),
                    author: get("w:author"),
                    initials: get("w:initials"),
                    date: get("w:date"),
                    lines: Vec::new(),
                });
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "p" => {
                if let Some(c) = out.last_mut() {
                    c.lines.push(String::new());
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == "tab" => {
                if let Some(line) = out.last_mut().and_then(|c| c.lines.last_mut()) {
                    line.push('\t');
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "t" => in_t = true,
            Event::End(e) if e.local_name().as_ref() == "t" => in_t = false,
            Event::Text(t) if in_t => {
                if let Some(line) = out.last_mut().and_then(|c| c.lines.last_mut()) {
                    line.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_t => {
                let c = match &*r {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    _ => '\'',
                };
                if let Some(line) = out.last_mut().and_then(|c| c.lines.last_mut()) {
                    line.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn texts(anchored: &BTreeMap<i64, String>) -> Vec<&str> {
    anchored.values().map(String::as_str).collect()
}

// --- Anchoring -----------------------------------------------------------------------

#[test]
fn a_finding_inside_one_run_cuts_it_in_three_with_its_formatting() {
    let original = with_body(
        "<w:p><w:r w:rsidR=\"00AB\"><w:rPr><w:i/></w:rPr><w:t>The Provider shall deliver.</w:t></w:r></w:p>",
        &[],
    );
    let word = docx::read(&original).unwrap();
    let (out, anchored) = review(&original, &[on(&word, 0, "shall", "Use 'must'.")]);
    assert_eq!(texts(&anchored), ["shall"]);
    let xml = part(&out, "word/document.xml");
    let expected = concat!(
        "<w:p><w:r w:rsidR=\"00AB\"><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">The Provider </w:t></w:r>",
        "<w:commentRangeStart w:id=\"0\"/>",
        "<w:r w:rsidR=\"00AB\"><w:rPr><w:i/></w:rPr><w:t>shall</w:t></w:r>",
        "<w:commentRangeEnd w:id=\"0\"/>",
        "<w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"0\"/></w:r>",
        "<w:r w:rsidR=\"00AB\"><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\"> deliver.</w:t></w:r></w:p>",
    );
    assert!(xml.contains(expected), "{xml}");
    // The rest of the part is as it was.
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w="
    ));
    assert!(xml.ends_with("<w:sectPr/></w:body></w:document>"));
}

#[test]
fn a_range_across_two_runs_keeps_each_runs_formatting() {
    let original = with_body(
        &p("<w:r><w:rPr><w:b/></w:rPr><w:t>Bold words</w:t></w:r><w:r><w:t xml:space=\"preserve\"> then plain text.</w:t></w:r>"),
        &[],
    );
    let word = docx::read(&original).unwrap();
    let (out, anchored) = review(&original, &[on(&word, 0, "words then plain", "Too vague.")]);
    assert_eq!(texts(&anchored), ["words then plain"]);
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Bold </w:t></w:r><w:commentRangeStart w:id=\"0\"/><w:r><w:rPr><w:b/></w:rPr><w:t>words</w:t></w:r>"), "{xml}");
    assert!(xml.contains("<w:r><w:t xml:space=\"preserve\"> then plain</w:t></w:r><w:commentRangeEnd w:id=\"0\"/>"), "{xml}");
    assert!(
        xml.contains("<w:r><w:t xml:space=\"preserve\"> text.</w:t></w:r>"),
        "{xml}"
    );
}

#[test]
fn an_empty_range_covers_the_whole_paragraph_after_its_properties() {
    let original = with_body(
        &format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>{}{}</w:p><w:p/>{}",
            run("Payment "),
            run("terms"),
            p(&run("Last."))
        ),
        &[],
    );
    let (out, anchored) = review(
        &original,
        &[
            comment(0, 0..0, "Whole heading."),
            comment(1, 0..0, "Empty paragraph."),
            comment(2, 3..3, "Also whole."),
        ],
    );
    assert_eq!(texts(&anchored), ["Payment terms", "", "Last."]);
    let xml = part(&out, "word/document.xml");
    assert!(
        xml.contains("</w:pPr><w:commentRangeStart w:id=\"0\"/><w:r>"),
        "{xml}"
    );
    assert!(xml.contains("terms</w:t></w:r><w:commentRangeEnd w:id=\"0\"/><w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"0\"/></w:r></w:p>"), "{xml}");
    assert!(xml.contains("<w:p><w:commentRangeStart w:id=\"1\"/><w:commentRangeEnd w:id=\"1\"/><w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"1\"/></w:r></w:p>"), "{xml}");
    assert!(
        xml.contains("<w:p><w:commentRangeStart w:id=\"2\"/><w:r>"),
        "{xml}"
    );
}

#[test]
fn ranges_inside_an_insertion_and_across_a_hyperlink() {
    let original = with_body(
        &p(concat!(
            "<w:r><w:t xml:space=\"preserve\">Pay within </w:t></w:r>",
            "<w:ins w:id=\"1\" w:author=\"A\" w:date=\"2026-01-01T00:00:00Z\"><w:r><w:t>thirty</w:t></w:r></w:ins>",
            "<w:r><w:t xml:space=\"preserve\"> days, see </w:t></w:r>",
            "<w:hyperlink r:id=\"rId9\" w:history=\"1\"><w:r><w:rPr><w:rStyle w:val=\"Hyperlink\"/></w:rPr><w:t>the payment terms</w:t></w:r></w:hyperlink>",
            "<w:r><w:t>.</w:t></w:r>"
        )),
        &[],
    );
    let word = docx::read(&original).unwrap();
    assert_eq!(
        word.paragraphs[0].text,
        "Pay within thirty days, see the payment terms."
    );
    let (out, anchored) = review(
        &original,
        &[
            on(&word, 0, "hirt", "Inside the insertion."),
            on(&word, 0, "days, see the payment", "Into the link."),
            on(&word, 0, "terms.", "Out of the link."),
        ],
    );
    assert_eq!(
        texts(&anchored),
        ["hirt", "days, see the payment", "terms."]
    );
    let xml = part(&out, "word/document.xml");
    // Marks sit beside the runs, inside the insertion and the hyperlink.
    assert!(xml.contains("<w:ins w:id=\"1\" w:author=\"A\" w:date=\"2026-01-01T00:00:00Z\"><w:r><w:t>t</w:t></w:r><w:commentRangeStart w:id=\"0\"/><w:r><w:t>hirt</w:t></w:r><w:commentRangeEnd w:id=\"0\"/>"), "{xml}");
    assert!(xml.contains("<w:hyperlink r:id=\"rId9\" w:history=\"1\"><w:r><w:rPr><w:rStyle w:val=\"Hyperlink\"/></w:rPr><w:t>the payment</w:t></w:r><w:commentRangeEnd w:id=\"1\"/>"), "{xml}");
    assert!(xml.contains("<w:t xml:space=\"preserve\"> </w:t></w:r><w:commentRangeStart w:id=\"2\"/><w:r><w:rPr><w:rStyle w:val=\"Hyperlink\"/></w:rPr><w:t>terms</w:t></w:r></w:hyperlink>"), "{xml}");
}

#[test]
fn multi_byte_characters_at_the_edges() {
    let original = with_body(&p(&run("Café “quoted” 🎉 done — ok")), &[]);
    let word = docx::read(&original).unwrap();
    let (_, anchored) = review(
        &original,
        &[
            on(&word, 0, "é", "One accented letter."),
            on(&word, 0, "“quoted”", "Curly quotes."),
            on(&word, 0, "🎉", "An emoji."),
            on(&word, 0, "— ok", "A dash."),
        ],
    );
    assert_eq!(texts(&anchored), ["é", "“quoted”", "🎉", "— ok"]);

    // A range given in the middle of a character takes the whole character in.
    let at = word.paragraphs[0].text.find('🎉').unwrap();
    let (_, anchored) = review(
        &original,
        &[comment(0, at + 1..at + 2, "Inside the emoji.")],
    );
    assert_eq!(texts(&anchored), ["🎉"]);
}

#[test]
fn overlapping_comments_and_comments_sharing_a_run() {
    let original = with_body(&p(&run("The Provider shall deliver the service.")), &[]);
    let word = docx::read(&original).unwrap();
    let (out, anchored) = review(
        &original,
        &[
            on(&word, 0, "shall deliver", "Second by position."),
            on(&word, 0, "Provider shall", "First by position."),
            on(&word, 0, "service", "Third."),
            on(&word, 0, "Provider shall", "Same words again."),
        ],
    );
    // Ids follow the position in the paragraph; comments on the same words keep the
    // order they were given in.
    assert_eq!(
        texts(&anchored),
        [
            "Provider shall",
            "Provider shall",
            "shall deliver",
            "service"
        ]
    );
    let lines: Vec<String> = comments_of(&out)
        .into_iter()
        .map(|c| c.lines.concat())
        .collect();
    assert_eq!(
        lines,
        [
            "First by position.",
            "Same words again.",
            "Second by position.",
            "Third."
        ]
    );
}

#[test]
fn a_paragraph_in_a_table_cell() {
    let original = with_body(
        &format!(
            "{}<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:tc><w:tcPr/>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p(&run("Before the table.")),
            p(&run("KPI")),
            p(&run("Calls answered within 30 seconds"))
        ),
        &[],
    );
    let word = docx::read(&original).unwrap();
    assert!(matches!(
        word.paragraphs[2].kind,
        docx::Kind::TableCell { column: 1, .. }
    ));
    let (out, anchored) = review(&original, &[on(&word, 2, "30 seconds", "Which calls?")]);
    assert_eq!(texts(&anchored), ["30 seconds"]);
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains("<w:tc><w:p><w:r><w:t xml:space=\"preserve\">Calls answered within </w:t></w:r><w:commentRangeStart w:id=\"0\"/>"), "{xml}");
}

const FOOTNOTES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> A Service Month is a calendar month.</w:t></w:r></w:p></w:footnote></w:footnotes>"#;

#[test]
fn a_footnote_is_commented_in_its_own_part() {
    let body = p(&format!(
        "{}<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"1\"/></w:r>",
        run("Credits accrue per Service Month.")
    ));
    let original = with_body(&body, &[("word/footnotes.xml", FOOTNOTES)]);
    let word = docx::read(&original).unwrap();
    assert_eq!(word.paragraphs[1].kind, docx::Kind::Footnote);
    let (out, anchored) = review(
        &original,
        &[
            on(&word, 1, "calendar month", "Which calendar?"),
            on(&word, 0, "Service Month", "Defined in a footnote."),
        ],
    );
    assert_eq!(texts(&anchored), ["Service Month", "calendar month"]);
    let footnotes = part(&out, "word/footnotes.xml");
    assert!(footnotes.contains("<w:r><w:t xml:space=\"preserve\"> A Service Month is a </w:t></w:r><w:commentRangeStart w:id=\"1\"/><w:r><w:t xml:space=\"preserve\">calendar month</w:t></w:r>"), "{footnotes}");
    assert!(footnotes.contains("<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"));
    assert_eq!(comments_of(&out).len(), 2, "one comments part for both");

    // A comment in the footnote alone leaves word/document.xml as it was.
    let (out, _) = review(&original, &[on(&word, 1, "Service", "Only here.")]);
    assert_eq!(
        part(&out, "word/document.xml"),
        part(&original, "word/document.xml")
    );
}

#[test]
fn a_document_with_comments_keeps_them_and_numbers_after_them() {
    let comments = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="7" w:author="Reviewer" w:date="2026-01-05T10:00:00Z" w:initials="R"><w:p><w:r><w:t>Old comment.</w:t></w:r></w:p></w:comment></w:comments>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;
    let types = TYPES.replace(
        "</Types>",
        "<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/></Types>",
    );
    let document = document_xml(&p(&format!(
        "<w:commentRangeStart w:id=\"7\"/>{}<w:commentRangeEnd w:id=\"7\"/><w:r><w:commentReference w:id=\"7\"/></w:r>{}",
        run("Reviewed words,"),
        run(" new words.")
    )));
    let original = docx(&[
        ("[Content_Types].xml", &types),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", rels),
        ("word/comments.xml", comments),
    ]);
    let word = docx::read(&original).unwrap();
    let (out, anchored) = review(
        &original,
        &[
            on(&word, 0, "new", "First new."),
            on(&word, 0, "words,", "Inside the old range."),
        ],
    );
    assert_eq!(
        anchored,
        BTreeMap::from([
            (7, "Reviewed words,".to_string()),
            (8, "words,".to_string()),
            (9, "new".to_string())
        ])
    );
    let parsed = comments_of(&out);
    assert_eq!(
        parsed
            .iter()
            .map(|c| (c.id, c.author.as_str()))
            .collect::<Vec<_>>(),
        [(7, "Reviewer"), (8, "tenderlint"), (9, "tenderlint")]
    );
    assert_eq!(parsed[0].lines, ["Old comment."]);
    // Nothing more to declare.
    assert_eq!(part(&out, "word/_rels/document.xml.rels"), rels);
    assert_eq!(part(&out, "[Content_Types].xml"), types);
    assert_eq!(entries(&out).len(), 5);
}

#[test]
fn the_relationship_and_content_type_are_added_when_missing() {
    // No relationships part for the main part at all.
    let document = document_xml(&p(&run("Some words.")));
    let original = docx(&[
        ("[Content_Types].xml", TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &document),
    ]);
    let (out, _) = review(&original, &[comment(0, 5..10, "A comment.")]);
    let names: Vec<String> = entries(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/comments.xml",
            "word/_rels/document.xml.rels"
        ]
    );
    let rels = part(&out, "word/_rels/document.xml.rels");
    assert!(rels.contains("<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/></Relationships>"), "{rels}");
    let types = part(&out, "[Content_Types].xml");
    assert!(types.ends_with("<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/></Types>"), "{types}");
    assert!(types.starts_with(&TYPES[..TYPES.len() - "</Types>".len()]));

    // A relationships part without the comments relationship gets one, with a new id.
    let original = with_body(&p(&run("Some words.")), &[]);
    let (out, _) = review(&original, &[comment(0, 5..10, "A comment.")]);
    let rels = part(&out, "word/_rels/document.xml.rels");
    assert_eq!(
        rels,
        DOC_RELS.replace("</Relationships>", "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/></Relationships>")
    );
}

#[test]
fn the_comment_part_holds_author_date_initials_and_lines() {
    let original = with_body(&p(&run("Some words.")), &[]);
    let word = docx::read(&original).unwrap();
    let comments = [on(
        &word,
        0,
        "words",
        "“Words” are vague & <unclear>.\nWrite instead:\tthe service\u{7} levels.\r\n\nEnd.",
    )];
    let out = write_review(&original, &word, &comments, "tenderlint", DATE).unwrap();
    assert_eq!(
        comments_of(&out),
        [Parsed {
            id: 0,
            author: "tenderlint".into(),
            initials: "TL".into(),
            date: DATE.into(),
            lines: vec![
                "“Words” are vague & <unclear>.".into(),
                "Write instead:\tthe service levels.".into(),
                String::new(),
                "End.".into()
            ],
        }]
    );
    let xml = part(&out, "word/comments.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:comment w:id=\"0\" w:author=\"tenderlint\" w:date=\"2026-12-06T00:00:00Z\" w:initials=\"TL\"><w:p><w:r><w:t xml:space=\"preserve\">“Words” are vague &amp; &lt;unclear&gt;.</w:t></w:r></w:p>"), "{xml}");
    assert!(xml.contains("<w:t xml:space=\"preserve\">Write instead:</w:t><w:tab/><w:t xml:space=\"preserve\">the service levels.</w:t>"), "{xml}");
}

// --- Where a run cannot be cut -------------------------------------------------------

#[test]
fn inside_a_field_the_range_widens_to_whole_runs() {
    let original = with_body(
        &p(concat!(
            "<w:r><w:t xml:space=\"preserve\">See </w:t></w:r>",
            "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> REF _Ref1 \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
            "<w:r><w:t>Section 3.2</w:t></w:r>",
            "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
            "<w:r><w:t xml:space=\"preserve\"> for the fees.</w:t></w:r>"
        )),
        &[],
    );
    let word = docx::read(&original).unwrap();
    assert_eq!(word.paragraphs[0].text, "See Section 3.2 for the fees.");
    let (out, anchored) = review(
        &original,
        &[
            on(&word, 0, "3.2", "In the field's result."),
            on(&word, 0, "2 for the", "From the field out."),
        ],
    );
    assert_eq!(texts(&anchored), ["Section 3.2", "Section 3.2 for the"]);
    let xml = part(&out, "word/document.xml");
    assert!(
        xml.contains("<w:r><w:t>Section 3.2</w:t></w:r>"),
        "not cut: {xml}"
    );
}

#[test]
fn simple_fields_content_controls_and_smart_tags_are_taken_in_whole() {
    let original = with_body(
        &p(concat!(
            "<w:r><w:t xml:space=\"preserve\">Page </w:t></w:r>",
            "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>12</w:t></w:r></w:fldSimple>",
            "<w:r><w:t xml:space=\"preserve\"> of the </w:t></w:r>",
            "<w:sdt><w:sdtPr><w:alias w:val=\"Name\"/></w:sdtPr><w:sdtContent><w:r><w:t>Provider Name</w:t></w:r></w:sdtContent></w:sdt>",
            "<w:r><w:t xml:space=\"preserve\"> at </w:t></w:r>",
            "<w:smartTag w:uri=\"urn:x\" w:element=\"place\"><w:r><w:t>North Wessex</w:t></w:r></w:smartTag>"
        )),
        &[],
    );
    let word = docx::read(&original).unwrap();
    assert_eq!(
        word.paragraphs[0].text,
        "Page 12 of the Provider Name at North Wessex"
    );
    let (out, anchored) = review(
        &original,
        &[
            on(&word, 0, "2", "In a simple field."),
            on(&word, 0, "Name", "In a content control."),
            on(&word, 0, "Wessex", "In a smart tag."),
        ],
    );
    assert_eq!(texts(&anchored), ["12", "Provider Name", "North Wessex"]);
    let xml = part(&out, "word/document.xml");
    assert!(
        xml.contains("<w:commentRangeStart w:id=\"0\"/><w:fldSimple"),
        "{xml}"
    );
    assert!(
        xml.contains("</w:fldSimple><w:commentRangeEnd w:id=\"0\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<w:commentRangeStart w:id=\"1\"/><w:sdt>"),
        "{xml}"
    );
    assert!(
        xml.contains("</w:smartTag><w:commentRangeEnd w:id=\"2\"/>"),
        "{xml}"
    );
}

#[test]
fn runs_with_tabs_breaks_and_several_texts_are_cut_in_order() {
    let original = with_body(
        &p("<w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:t>a</w:t><w:tab/><w:t>bc</w:t><w:br/><w:lastRenderedPageBreak/><w:t>de</w:t></w:r>"),
        &[],
    );
    let word = docx::read(&original).unwrap();
    assert_eq!(word.paragraphs[0].text, "a\tbc de");
    let (out, anchored) = review(
        &original,
        &[
            comment(0, 1..3, "From the tab."),
            comment(0, 4..6, "From the break."),
        ],
    );
    assert_eq!(texts(&anchored), ["\tb", " d"]);
    let xml = part(&out, "word/document.xml");
    let u = "<w:r><w:rPr><w:u w:val=\"single\"/></w:rPr>";
    assert!(xml.contains(&format!(
        "{u}<w:t>a</w:t></w:r><w:commentRangeStart w:id=\"0\"/>{u}<w:tab/><w:t>b</w:t></w:r><w:commentRangeEnd w:id=\"0\"/>"
    )), "{xml}");
    assert!(xml.contains(&format!(
        "{u}<w:t>c</w:t></w:r><w:commentRangeStart w:id=\"1\"/>{u}<w:br/><w:lastRenderedPageBreak/><w:t>d</w:t></w:r><w:commentRangeEnd w:id=\"1\"/>"
    )), "{xml}");
}

#[test]
fn references_and_line_ends_in_cut_text_read_back_the_same() {
    let original = with_body(
        &p("<w:r><w:t xml:space=\"preserve\">Fees &amp; charges&#13;apply &#x2014; see\r\nbelow &lt;here&gt;.</w:t></w:r>"),
        &[],
    );
    let word = docx::read(&original).unwrap();
    let (_, anchored) = review(
        &original,
        &[
            on(&word, 0, "& char", "Ampersand."),
            on(&word, 0, "apply — see", "Dash."),
            on(&word, 0, "below <", "Angle."),
        ],
    );
    assert_eq!(texts(&anchored), ["& char", "apply — see", "below <"]);
}

#[test]
fn a_text_box_in_a_run_being_cut_gets_its_own_comment() {
    let txbx = concat!(
        "<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>",
        "<w:p><w:r><w:t>Boxed text here</w:t></w:r></w:p>",
        "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    );
    let original = with_body(
        &p(&format!(
            "<w:r><w:t xml:space=\"preserve\">See </w:t>{txbx}<w:t>the box</w:t></w:r>"
        )),
        &[],
    );
    let word = docx::read(&original).unwrap();
    assert_eq!(word.paragraphs[0].text, "See the box");
    assert_eq!(word.paragraphs[1].text, "Boxed text here");
    let (out, anchored) = review(
        &original,
        &[
            on(&word, 0, "the", "Outside the box."),
            on(&word, 1, "text", "In the box."),
            on(&word, 0, "See the", "From the start."),
        ],
    );
    // Ids follow paragraphs: the text box's paragraph comes after the one it sits in.
    assert_eq!(texts(&anchored), ["See the", "the", "text"]);
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains("<w:t xml:space=\"preserve\">Boxed </w:t></w:r><w:commentRangeStart w:id=\"2\"/><w:r><w:t>text</w:t></w:r><w:commentRangeEnd w:id=\"2\"/>"), "{xml}");
    assert!(xml.contains("</w:drawing></w:r><w:commentRangeStart w:id=\"1\"/><w:r><w:t>the</w:t></w:r><w:commentRangeEnd w:id=\"1\"/>"), "{xml}");
}

#[test]
fn marks_take_the_prefix_the_document_gives_wordprocessingml() {
    let document = r#"<?xml version="1.0"?><x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:body><x:p><x:r><x:t>Odd prefix here.</x:t></x:r></x:p></x:body></x:document>"#;
    let original = docx(&[
        ("[Content_Types].xml", TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document),
    ]);
    let (out, anchored) = review(&original, &[comment(0, 4..10, "Prefix.")]);
    assert_eq!(texts(&anchored), ["prefix"]);
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains("<x:commentRangeStart x:id=\"0\"/><x:r><x:t>prefix</x:t></x:r><x:commentRangeEnd x:id=\"0\"/><x:r><x:rPr><x:rStyle x:val=\"CommentReference\"/></x:rPr><x:commentReference x:id=\"0\"/></x:r>"), "{xml}");
}

// --- Errors ----------------------------------------------------------------------------

#[test]
fn what_cannot_be_written_is_an_error_in_plain_words() {
    let original = with_body(&p(&run("Words.")), &[]);
    let word = docx::read(&original).unwrap();
    let err = write_review(
        &original,
        &word,
        &[comment(3, 0..0, "x")],
        "tenderlint",
        DATE,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ReviewError::NoParagraph {
            paragraph: 3,
            paragraphs: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "a comment is for paragraph 4 but the document has 1"
    );

    for bad in [
        "yesterday",
        "2026-13-01T00:00:00Z",
        "2026-12-06",
        "2026-12-06T00:00:00+1",
    ] {
        let err = write_review(
            &original,
            &word,
            &[comment(0, 0..0, "x")],
            "tenderlint",
            bad,
        )
        .unwrap_err();
        assert_eq!(err, ReviewError::Date(bad.into()));
    }
    for good in [
        "2026-12-06T09:30:00",
        "2026-12-06T09:30:00.123Z",
        "2026-12-06T09:30:00+01:00",
    ] {
        assert!(is_date(good), "{good}");
    }

    // Another document's paragraphs.
    let other = docx::read(&with_body(
        &format!("{}{}", p(&run("One.")), p(&run("Two."))),
        &[],
    ))
    .unwrap();
    let err = write_review(
        &original,
        &other,
        &[comment(1, 0..1, "x")],
        "tenderlint",
        DATE,
    )
    .unwrap_err();
    assert!(matches!(err, ReviewError::Mismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("word/document.xml"), "{err}");

    // A prefix declared again inside the part.
    let redeclared = with_body(
        &p("<w:r xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:t>Words.</w:t></w:r>"),
        &[],
    );
    let word = docx::read(&redeclared).unwrap();
    let err = write_review(
        &redeclared,
        &word,
        &[comment(0, 0..1, "x")],
        "tenderlint",
        DATE,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ReviewError::Namespace {
            part: "word/document.xml".into()
        }
    );

    // No comments: the original, as it is.
    assert_eq!(
        write_review(&original, &word, &[], "tenderlint", DATE).unwrap(),
        original
    );
}

// --- The Word fixture ------------------------------------------------------------------

#[test]
fn the_performance_centric_fixture_round_trips_with_a_comment_on_deduct() {
    let original = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/word/performance-centric.docx"
    ))
    .unwrap();
    let word = docx::read(&original).unwrap();
    let paragraph = word
        .paragraphs
        .iter()
        .position(|p| p.text.contains("shall deduct 5%"))
        .unwrap();
    let finding = on(
        &word,
        paragraph,
        "deduct",
        "A deduction is a penalty.\nWrite instead: a service credit of 5% applies.",
    );
    let (out, anchored) = review(&original, &[finding]);
    assert_eq!(anchored.get(&1).map(String::as_str), Some("deduct"));
    let comments = comments_of(&out);
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].author, "Reviewer");
    assert_eq!(
        comments[0].lines,
        ["Liquidated damages and service credits should be discussed here."]
    );
    assert_eq!(
        (comments[1].id, comments[1].author.as_str()),
        (1, "tenderlint")
    );
    assert_eq!(
        comments[1].lines,
        [
            "A deduction is a penalty.",
            "Write instead: a service credit of 5% applies."
        ]
    );
}

#[test]
fn a_comments_relationship_to_another_part_is_refused() {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="document.xml"/></Relationships>"#;
    let document = document_xml(&p(&run("Words.")));
    let original = docx(&[
        ("[Content_Types].xml", TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", rels),
    ]);
    let word = docx::read(&original).unwrap();
    let err = write_review(
        &original,
        &word,
        &[comment(0, 0..1, "x")],
        "tenderlint",
        DATE,
    )
    .unwrap_err();
    assert!(matches!(err, ReviewError::Mismatch { .. }), "{err:?}");

    let rels = rels.replace("document.xml", "../../outside.xml");
    let original = docx(&[
        ("[Content_Types].xml", TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", &rels),
    ]);
    let err = write_review(
        &original,
        &word,
        &[comment(0, 0..1, "x")],
        "tenderlint",
        DATE,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ReviewError::OutsidePackage {
            target: "../../outside.xml".into()
        }
    );
}

#[test]
fn every_range_of_a_mixed_paragraph_anchors_on_exactly_its_words() {
    let original = with_body(
        &p(concat!(
            "<w:r><w:rPr><w:b/></w:rPr><w:t>Pay é</w:t><w:tab/><w:t xml:space=\"preserve\">“x” </w:t></w:r>",
            "<w:del w:id=\"1\" w:author=\"A\"><w:r><w:delText>gone</w:delText></w:r></w:del>",
            "<w:ins w:id=\"2\" w:author=\"A\"><w:r><w:t>new🎉</w:t></w:r></w:ins>",
            "<w:hyperlink w:anchor=\"x\"><w:r><w:t xml:space=\"preserve\"> link</w:t><w:br/><w:t>ok</w:t></w:r></w:hyperlink>",
            "<w:r><w:t>.</w:t></w:r>"
        )),
        &[],
    );
    let word = docx::read(&original).unwrap();
    let text = word.paragraphs[0].text.clone();
    assert_eq!(text, "Pay é\t“x” new🎉 link ok.");
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    for (i, &start) in bounds.iter().enumerate() {
        for &end in &bounds[i + 1..] {
            let (_, anchored) = review(&original, &[comment(0, start..end, "x")]);
            assert_eq!(texts(&anchored), [&text[start..end]], "{start}..{end}");
        }
    }
}

#[test]
fn stored_entries_stay_stored_and_endnotes_work_like_footnotes() {
    let endnotes = FOOTNOTES
        .replace("footnote", "endnote")
        .replace("Footnote", "Endnote");
    let rels = DOC_RELS.replace("footnotes", "endnotes");
    let document = document_xml(&p(&run("Body text.")));
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, content) in [
        ("[Content_Types].xml", TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document.as_str()),
        ("word/_rels/document.xml.rels", rels.as_str()),
        ("word/endnotes.xml", endnotes.as_str()),
    ] {
        w.start_file(name, stored).unwrap();
        w.write_all(content.as_bytes()).unwrap();
    }
    let original = w.finish().unwrap().into_inner();
    let word = docx::read(&original).unwrap();
    assert_eq!(word.paragraphs[1].kind, docx::Kind::Endnote);
    let (out, anchored) = review(&original, &[on(&word, 1, "Service Month", "x")]);
    assert_eq!(texts(&anchored), ["Service Month"]);
    let mut zip = ZipArchive::new(Cursor::new(&out)).unwrap();
    for i in 0..zip.len() {
        let file = zip.by_index(i).unwrap();
        assert_eq!(
            file.compression(),
            CompressionMethod::Stored,
            "{}",
            file.name().unwrap()
        );
    }
}

// --- Generated paragraphs --------------------------------------------------------------

/// A piece of a generated paragraph, and whether a comment's edge in it may widen.
#[derive(Debug, Clone)]
enum Piece {
    Plain(String),
    Bold(String),
    Tabbed(String, String),
    Break(String, String),
    Ins(String),
    Del(String),
    Link(String),
    Field(String),
    Sdt(String),
    Smart(String),
    EmptyRun,
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

impl Piece {
    fn xml(&self) -> String {
        let t = |s: &str| format!("<w:t xml:space=\"preserve\">{}</w:t>", xml_text(s));
        match self {
            Piece::Plain(s) => format!("<w:r>{}</w:r>", t(s)),
            Piece::Bold(s) => format!("<w:r><w:rPr><w:b/><w:sz w:val=\"24\"/></w:rPr>{}</w:r>", t(s)),
            Piece::Tabbed(a, b) => format!("<w:r>{}<w:tab/>{}</w:r>", t(a), t(b)),
            Piece::Break(a, b) => {
                format!("<w:r>{}<w:br/><w:lastRenderedPageBreak/>{}</w:r>", t(a), t(b))
            }
            Piece::Ins(s) => format!("<w:ins w:id=\"9\" w:author=\"A\"><w:r>{}</w:r></w:ins>", t(s)),
            Piece::Del(s) => format!(
                "<w:del w:id=\"8\" w:author=\"A\"><w:r><w:delText>{}</w:delText></w:r></w:del>",
                xml_text(s)
            ),
            Piece::Link(s) => format!("<w:hyperlink w:anchor=\"a\"><w:r>{}</w:r></w:hyperlink>", t(s)),
            Piece::Field(s) => format!(
                "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> REF a </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r>{}</w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
                t(s)
            ),
            Piece::Sdt(s) => format!(
                "<w:sdt><w:sdtPr/><w:sdtContent><w:r>{}</w:r></w:sdtContent></w:sdt>",
                t(s)
            ),
            Piece::Smart(s) => format!(
                "<w:smartTag w:uri=\"u\" w:element=\"e\"><w:r>{}</w:r></w:smartTag>",
                t(s)
            ),
            Piece::EmptyRun => "<w:r/>".into(),
        }
    }

    fn widens(&self) -> bool {
        matches!(self, Piece::Field(_) | Piece::Sdt(_) | Piece::Smart(_))
    }
}

fn words() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(vec!["a", "b", " ", "é", "“", "🎉", "&", "<"]),
        1..5,
    )
    .prop_map(|w| w.concat())
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        words().prop_map(Piece::Plain),
        words().prop_map(Piece::Bold),
        (words(), words()).prop_map(|(a, b)| Piece::Tabbed(a, b)),
        (words(), words()).prop_map(|(a, b)| Piece::Break(a, b)),
        words().prop_map(Piece::Ins),
        words().prop_map(Piece::Del),
        words().prop_map(Piece::Link),
        words().prop_map(Piece::Field),
        words().prop_map(Piece::Sdt),
        words().prop_map(Piece::Smart),
        Just(Piece::EmptyRun),
    ]
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every comment's range covers its words (exactly, unless a field, a content
    /// control or a smart tag is in the paragraph), and every review holds what
    /// `review` checks.
    #[test]
    fn generated_paragraphs_anchor_their_comments(
        paragraphs in proptest::collection::vec(proptest::collection::vec(piece(), 0..6), 1..4),
        picks in proptest::collection::vec((0usize..4, 0usize..40, 0usize..40), 1..5),
    ) {
        let body: String = paragraphs
            .iter()
            .map(|pieces| p(&pieces.iter().map(Piece::xml).collect::<String>()))
            .collect();
        let original = with_body(&body, &[]);
        let word = docx::read(&original).unwrap();
        let mut comments = Vec::new();
        for (i, &(para, a, b)) in picks.iter().enumerate() {
            let para = para % word.paragraphs.len();
            let text = &word.paragraphs[para].text;
            let bounds: Vec<usize> =
                text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let a = bounds[a % bounds.len()];
            let b = bounds[b % bounds.len()];
            comments.push(comment(para, a.min(b)..a.max(b), &format!("c{i}")));
        }
        let (out, anchored) = review(&original, &comments);
        // Ids go by position; the comments' own text says which is which.
        let order: Vec<usize> = comments_of(&out)
            .iter()
            .map(|c| c.lines[0][1..].parse().unwrap())
            .collect();
        prop_assert_eq!(anchored.len(), comments.len());
        for (got, &i) in anchored.values().zip(&order) {
            let c = &comments[i];
            let text = &word.paragraphs[c.paragraph].text;
            let wanted = match c.range.is_empty() {
                true => text.as_str(),
                false => &text[c.range.clone()],
            };
            let widens = paragraphs[c.paragraph].iter().any(Piece::widens);
            if widens {
                prop_assert!(got.contains(wanted), "{:?} in {:?}", wanted, got);
            } else {
                prop_assert_eq!(got.as_str(), wanted);
            }
        }
    }
}
