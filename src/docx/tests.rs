//! Documents are written here with the zip crate's writer: nothing is read from disk.

use super::*;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

pub(crate) const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A zip archive of `parts` (name, content), deflated. The comment writer's tests
/// build their packages with it too.
pub(crate) fn docx(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in parts {
        w.start_file(*name, options).unwrap();
        w.write_all(content.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
}

fn styles_xml(styles: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {NS}>{styles}</w:styles>"#)
}

fn numbering_xml(numbering: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {NS}>{numbering}</w:numbering>"#)
}

/// A .docx with `body` in word/document.xml, and `extra` parts beside it.
fn with_parts(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let document = document_xml(body);
    let mut parts = vec![
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document.as_str()),
    ];
    parts.extend_from_slice(extra);
    docx(&parts)
}

fn read_body(body: &str) -> Word {
    read(&with_parts(body, &[])).unwrap()
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn styled(style: &str, text: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
}

fn numbered(num: u32, ilvl: u32, text: &str) -> String {
    format!("<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
}

fn texts(word: &Word) -> Vec<&str> {
    word.paragraphs.iter().map(|p| p.text.as_str()).collect()
}

fn kinds(word: &Word) -> Vec<Kind> {
    word.paragraphs.iter().map(|p| p.kind).collect()
}

fn clauses(word: &Word) -> Vec<Option<&str>> {
    word.paragraphs
        .iter()
        .map(|p| p.clause.as_deref())
        .collect()
}

/// Every run span covers text, within the paragraph, in order and without overlap.
fn check_spans(word: &Word) {
    for p in &word.paragraphs {
        let mut end = 0;
        for r in &p.runs {
            assert!(r.range.start >= end && r.range.end > r.range.start, "{p:?}");
            assert!(p.text.get(r.range.clone()).is_some(), "{p:?}");
            assert_eq!(r.part, p.part);
            end = r.range.end;
        }
    }
}

fn error(bytes: &[u8]) -> DocxError {
    read(bytes).unwrap_err()
}

// --- Paragraphs and text ------------------------------------------------------------

#[test]
fn paragraphs_come_in_order_and_empty_ones_are_kept() {
    let word = read_body(&format!(
        "{}<w:p/>{}<w:p><w:pPr/></w:p>{}",
        p("One"),
        p("Two"),
        p("Three")
    ));
    assert_eq!(texts(&word), ["One", "", "Two", "", "Three"]);
    assert!(kinds(&word).iter().all(|k| *k == Kind::Body));
    assert!(word.paragraphs.iter().all(|p| p.part == Part::Document));
    assert_eq!(word.document_part, "word/document.xml");
    assert_eq!(word.part_name(Part::Document), "word/document.xml");
    assert_eq!(word.footnotes_part, None);
}

#[test]
fn tabs_breaks_and_hyphens_become_characters_and_symbols_are_ignored() {
    let word = read_body(
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>\
         <w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t>\
         <w:br w:type=\"page\"/><w:t>non</w:t><w:noBreakHyphen/><w:t>stop</w:t>\
         <w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/><w:softHyphen/><w:t>!</w:t></w:r></w:p>",
    );
    assert_eq!(texts(&word), ["a\tb c d non-stop!"]);
    assert_eq!(word.paragraphs[0].runs.len(), 1);
}

#[test]
fn line_breaks_in_the_xml_text_are_spaces() {
    let word = read_body("<w:p><w:r><w:t>one\r\ntwo\nthree</w:t></w:r></w:p>");
    assert_eq!(texts(&word), ["one two three"]);
}

#[test]
fn a_byte_order_mark_is_read_past() {
    let document = format!("\u{feff}{}", document_xml(&p("after the mark")));
    let word = read(&docx(&[("word/document.xml", &document)])).unwrap();
    assert_eq!(texts(&word), ["after the mark"]);
}

#[test]
fn entities_and_character_references_are_decoded() {
    let word = read_body(&p(
        "Terms &amp; conditions &lt;b&gt; &quot;x&quot; &apos;y&apos; caf&#233; &#x2014;",
    ));
    assert_eq!(texts(&word), ["Terms & conditions <b> \"x\" 'y' café —"]);
}

#[test]
fn tracked_insertions_are_kept_and_deletions_dropped() {
    let word = read_body(
        "<w:p><w:r><w:t xml:space=\"preserve\">The supplier </w:t></w:r>\
         <w:del w:id=\"1\" w:author=\"A\"><w:r><w:delText>may</w:delText></w:r></w:del>\
         <w:ins w:id=\"2\" w:author=\"A\"><w:r><w:t>shall</w:t></w:r></w:ins>\
         <w:moveFrom w:id=\"3\" w:author=\"A\"><w:r><w:t> old</w:t></w:r></w:moveFrom>\
         <w:moveTo w:id=\"4\" w:author=\"A\"><w:r><w:t xml:space=\"preserve\"> comply</w:t></w:r></w:moveTo>\
         </w:p>",
    );
    assert_eq!(texts(&word), ["The supplier shall comply"]);
    let runs: Vec<usize> = word.paragraphs[0].runs.iter().map(|r| r.run).collect();
    // The deleted run (1) and the moved-away run (3) are counted, not shown.
    assert_eq!(runs, [0, 2, 4]);
}

#[test]
fn field_codes_are_dropped_and_their_results_kept() {
    let word = read_body(
        "<w:p><w:r><w:t xml:space=\"preserve\">See </w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r><w:instrText xml:space=\"preserve\"> REF _Ref123 \\h </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>\
         <w:r><w:t>clause 4.2</w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
         <w:fldSimple w:instr=\" PAGE \"><w:r><w:t xml:space=\"preserve\"> on page 7</w:t></w:r></w:fldSimple></w:p>",
    );
    assert_eq!(texts(&word), ["See clause 4.2 on page 7"]);
}

#[test]
fn run_spans_cover_each_runs_text_in_multibyte_text() {
    let runs = [
        "Café ",
        "“quoted”",
        "\u{a0}and\u{a0}",
        "emoji 🏥",
        "",
        "\tend",
    ];
    let xml: String = runs
        .iter()
        .map(|t| match t.strip_prefix('\t') {
            Some(rest) => format!("<w:r><w:tab/><w:t>{rest}</w:t></w:r>"),
            None => format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>"),
        })
        .collect();
    let word = read_body(&format!(
        "{}<w:p><w:r><w:rPr><w:b/></w:rPr></w:r>{xml}</w:p>",
        p("first")
    ));
    check_spans(&word);
    let para = &word.paragraphs[1];
    assert_eq!(para.text, runs.concat());
    let shown: Vec<&str> = para
        .runs
        .iter()
        .map(|r| &para.text[r.range.clone()])
        .collect();
    assert_eq!(
        shown,
        ["Café ", "“quoted”", "\u{a0}and\u{a0}", "emoji 🏥", "\tend"]
    );
    // Run 0 is in the first paragraph; run 1 has no text; run 6 is the empty one.
    let indexes: Vec<usize> = para.runs.iter().map(|r| r.run).collect();
    assert_eq!(indexes, [2, 3, 4, 5, 7]);
    assert_eq!(word.paragraphs[0].runs[0].run, 0);
}

#[test]
fn runs_in_hyperlinks_and_content_controls_are_read() {
    let word = read_body(
        "<w:sdt><w:sdtPr><w:alias w:val=\"Name\"/></w:sdtPr><w:sdtContent>\
         <w:p><w:hyperlink r:id=\"rId9\"><w:r><w:t>link</w:t></w:r></w:hyperlink>\
         <w:sdt><w:sdtContent><w:r><w:t xml:space=\"preserve\"> text</w:t></w:r></w:sdtContent></w:sdt></w:p>\
         </w:sdtContent></w:sdt>",
    );
    assert_eq!(texts(&word), ["link text"]);
}

// --- Headings --------------------------------------------------------------------------

const HEADING_STYLES: &str = r#"
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift3"><w:name w:val="heading 3"/></w:style>
<w:style w:type="paragraph" w:styleId="Chapter"><w:name w:val="Chapter"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ChapterSub"><w:name w:val="Chapter sub"/><w:basedOn w:val="Heading2"/></w:style>
<w:style w:type="paragraph" w:styleId="Loop1"><w:name w:val="Loop one"/><w:basedOn w:val="Loop2"/></w:style>
<w:style w:type="paragraph" w:styleId="Loop2"><w:name w:val="Loop two"/><w:basedOn w:val="Loop1"/></w:style>
<w:style w:type="character" w:styleId="Heading1Char"><w:name w:val="Heading 1 Char"/></w:style>
"#;

#[test]
fn headings_by_style_name_id_outline_level_and_based_on() {
    let body = [
        styled("Title", "Specification"),
        styled("Heading1", "Scope"),
        styled("Heading2", "Services"),
        styled("berschrift3", "Localized"),
        styled("Chapter", "By outline level"),
        styled("ChapterSub", "Based on heading 2"),
        "<w:p><w:pPr><w:outlineLvl w:val=\"3\"/></w:pPr><w:r><w:t>Direct outline</w:t></w:r></w:p>".to_string(),
        "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:outlineLvl w:val=\"9\"/></w:pPr><w:r><w:t>Body text level</w:t></w:r></w:p>".to_string(),
        styled("Loop1", "Loop"),
        styled("Missing", "Unknown style"),
        styled("Heading1Char", "Character style id"),
        p("Plain"),
    ]
    .concat();
    let styles = styles_xml(HEADING_STYLES);
    let word = read(&with_parts(&body, &[("word/styles.xml", &styles)])).unwrap();
    let h = |level| Kind::Heading { level };
    assert_eq!(
        kinds(&word),
        [
            h(1),
            h(1),
            h(2),
            h(3),
            h(1),
            h(2),
            h(4),
            Kind::Body,
            Kind::Body,
            Kind::Body,
            Kind::Body,
            Kind::Body
        ]
    );
}

#[test]
fn a_style_without_a_type_is_a_paragraph_style() {
    let styles = styles_xml(r#"<w:style w:styleId="Kop2"><w:name w:val="heading 2"/></w:style>"#);
    let word = read(&with_parts(
        &styled("Kop2", "Dutch"),
        &[("word/styles.xml", &styles)],
    ))
    .unwrap();
    assert_eq!(kinds(&word), [Kind::Heading { level: 2 }]);
}

#[test]
fn heading_ids_are_recognised_without_a_styles_part() {
    let word = read_body(
        &[
            styled("Heading2", "Two"),
            styled("heading9", "Nine"),
            styled("Heading10", "No"),
        ]
        .concat(),
    );
    assert_eq!(
        kinds(&word),
        [
            Kind::Heading { level: 2 },
            Kind::Heading { level: 9 },
            Kind::Body
        ]
    );
}

// --- Numbering -------------------------------------------------------------------------

fn level(ilvl: u32, start: i64, format: &str, text: &str) -> String {
    format!("<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"{start}\"/><w:numFmt w:val=\"{format}\"/><w:lvlText w:val=\"{text}\"/></w:lvl>")
}

fn clause_numbering() -> String {
    numbering_xml(&format!(
        "<w:abstractNum w:abstractNumId=\"0\">{}{}{}</w:abstractNum>\
         <w:abstractNum w:abstractNumId=\"1\">{}{}</w:abstractNum>\
         <w:abstractNum w:abstractNumId=\"2\">{}{}</w:abstractNum>\
         <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
         <w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"5\"/></w:lvlOverride></w:num>\
         <w:num w:numId=\"3\"><w:abstractNumId w:val=\"1\"/></w:num>\
         <w:num w:numId=\"4\"><w:abstractNumId w:val=\"2\"/></w:num>\
         <w:num w:numId=\"5\"><w:abstractNumId w:val=\"0\"/></w:num>",
        level(0, 1, "decimal", "%1."),
        level(1, 1, "decimal", "%1.%2"),
        level(2, 1, "lowerLetter", "(%3)"),
        level(0, 3, "upperRoman", "Part %1"),
        level(1, 1, "upperLetter", "%2)"),
        level(0, 1, "bullet", "\u{2022}"),
        level(1, 4, "lowerRoman", "%2."),
    ))
}

#[test]
fn automatic_numbers_count_and_restart_lower_levels() {
    let body = [
        numbered(1, 0, "Introduction"),
        numbered(1, 1, "Purpose"),
        numbered(1, 1, "Scope"),
        numbered(1, 2, "first"),
        numbered(1, 2, "second"),
        p("Unnumbered"),
        numbered(1, 0, "Services"),
        numbered(1, 1, "Hours"),
        numbered(1, 2, "again first"),
        numbered(5, 1, "same abstract, same counters"),
        numbered(2, 0, "restarted at 5"),
        numbered(2, 1, "under 5"),
        numbered(1, 0, "the first list goes on"),
        numbered(3, 0, "roman"),
        numbered(3, 1, "upper letter"),
        numbered(3, 1, "upper letter"),
        numbered(3, 0, "roman"),
        numbered(4, 0, "bullet"),
        numbered(4, 1, "roman from 4"),
        numbered(9, 0, "undefined numbering"),
        numbered(0, 0, "numbering removed"),
    ]
    .concat();
    let numbering = clause_numbering();
    let word = read(&with_parts(&body, &[("word/numbering.xml", &numbering)])).unwrap();
    assert_eq!(
        clauses(&word),
        [
            Some("1."),
            Some("1.1"),
            Some("1.2"),
            Some("(a)"),
            Some("(b)"),
            None,
            Some("2."),
            Some("2.1"),
            Some("(a)"),
            Some("2.2"),
            Some("5."),
            Some("5.1"),
            Some("3."),
            Some("Part III"),
            Some("A)"),
            Some("B)"),
            Some("Part IV"),
            None,
            Some("iv."),
            None,
            None,
        ]
    );
    let k = kinds(&word);
    assert_eq!(k[0], Kind::ListItem);
    assert_eq!(k[5], Kind::Body);
    assert_eq!(k[17], Kind::ListItem, "a bullet is a list item");
    assert_eq!(
        k[19],
        Kind::Body,
        "numbering that does not exist numbers nothing"
    );
    assert_eq!(k[20], Kind::Body);
}

#[test]
fn headings_numbered_through_their_styles() {
    let styles = styles_xml(
        r#"<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
           <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
           <w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>
           <w:style w:type="paragraph" w:styleId="Clause"><w:name w:val="Clause"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr></w:style>"#,
    );
    let numbering = numbering_xml(
        r#"<w:abstractNum w:abstractNumId="3">
             <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1"/></w:lvl>
             <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
             <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading3"/><w:lvlText w:val="%1.%2.%3"/></w:lvl>
           </w:abstractNum>
           <w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num>"#,
    );
    let body = [
        styled("Heading1", "Scope"),
        styled("Heading2", "Background"),
        styled("Heading3", "Detail"),
        styled("Clause", "A numbered clause style"),
        styled("Heading1", "Services"),
        styled("Heading3", "Skips level 2"),
        "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr><w:r><w:t>Unnumbered heading</w:t></w:r></w:p>".to_string(),
    ]
    .concat();
    let word = read(&with_parts(
        &body,
        &[
            ("word/styles.xml", &styles),
            ("word/numbering.xml", &numbering),
        ],
    ))
    .unwrap();
    assert_eq!(
        clauses(&word),
        [
            Some("1"),
            Some("1.1"),
            Some("1.1.1"),
            Some("1.2"),
            Some("2"),
            Some("2.1.1"),
            None
        ]
    );
    let h = |level| Kind::Heading { level };
    assert_eq!(
        kinds(&word),
        [h(1), h(2), h(3), Kind::ListItem, h(1), h(3), h(1)]
    );
}

#[test]
fn legal_numbering_restart_rules_custom_formats_and_links() {
    let styles = styles_xml(
        r#"<w:style w:type="numbering" w:styleId="TenderList"><w:name w:val="Tender list"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#,
    );
    let numbering = numbering_xml(
        r#"<w:abstractNum w:abstractNumId="0"><w:styleLink w:val="TenderList"/>
             <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1"/></w:lvl>
             <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlRestart w:val="0"/><w:isLgl/><w:lvlText w:val="%1.%2"/></w:lvl>
             <w:lvl w:ilvl="2"><w:start w:val="1"/>
               <mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice>
               <mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback></mc:AlternateContent>
               <w:lvlText w:val="%3"/></w:lvl>
           </w:abstractNum>
           <w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="TenderList"/></w:abstractNum>
           <w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="Nowhere"/></w:abstractNum>
           <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
           <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
           <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>"#,
    );
    let body = [
        numbered(2, 0, "one"),
        numbered(2, 1, "legal"),
        numbered(2, 0, "two"),
        numbered(2, 1, "never restarts"),
        numbered(2, 2, "custom"),
        numbered(3, 0, "broken link"),
    ]
    .concat();
    let word = read(&with_parts(
        &body,
        &[
            ("word/styles.xml", &styles),
            ("word/numbering.xml", &numbering),
        ],
    ))
    .unwrap();
    assert_eq!(
        clauses(&word),
        [
            Some("I"),
            Some("1.1"),
            Some("II"),
            Some("2.2"),
            Some("001"),
            None
        ]
    );
}

#[test]
fn deep_nesting_in_styles_and_numbering_is_read() {
    let depth = 50_000;
    let deep = format!("{}{}", "<w:x>".repeat(depth), "</w:x>".repeat(depth));
    let numbering = numbering_xml(&format!(
        "<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\">{deep}<w:start w:val=\"4\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
    ));
    let styles = styles_xml(&format!(
        "<w:style w:type=\"paragraph\" w:styleId=\"S\">{deep}</w:style>"
    ));
    let word = read(&with_parts(
        &numbered(1, 0, "x"),
        &[
            ("word/numbering.xml", &numbering),
            ("word/styles.xml", &styles),
        ],
    ))
    .unwrap();
    assert_eq!(clauses(&word), [Some("4.")]);
}

#[test]
fn huge_and_odd_counter_values_stay_short() {
    let numbering = numbering_xml(&format!(
        "<w:abstractNum w:abstractNumId=\"0\">{}{}{}</w:abstractNum>\
         <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
         <w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"1\"><w:startOverride w:val=\"9223372036854775807\"/></w:lvlOverride></w:num>",
        level(0, 1_000_000_000_000, "lowerLetter", "%1"),
        level(1, 5000, "upperRoman", "%2"),
        level(2, 27, "lowerLetter", "%3"),
    ));
    let body = [
        numbered(1, 0, "a"),
        numbered(1, 1, "b"),
        numbered(1, 2, "c"),
        numbered(2, 1, "d"),
        numbered(2, 1, "e"),
    ]
    .concat();
    let word = read(&with_parts(&body, &[("word/numbering.xml", &numbering)])).unwrap();
    assert_eq!(
        clauses(&word),
        [
            Some("1000000000000"),
            Some("5000"),
            Some("aa"),
            Some("9223372036854775807"),
            Some("9223372036854775807")
        ]
    );
}

#[test]
fn typed_clause_numbers() {
    let cases = [
        ("3.2 Payment terms", Some("3.2")),
        ("3.2.1\tInvoices", Some("3.2.1")),
        ("12. Termination", Some("12.")),
        ("4) Mobilisation", Some("4)")),
        ("(a) the Supplier shall", Some("(a)")),
        ("(iv) reports", Some("(iv)")),
        ("(12) twelve", Some("(12)")),
        ("b) the Authority", Some("b)")),
        ("ii) second", Some("ii)")),
        ("  3.2 leading spaces", Some("3.2")),
        ("3.2\u{a0}no-break space", Some("3.2")),
        ("7\tTabbed", Some("7")),
        ("2024 was a year", None),
        ("3.5", None),
        ("3.5 ", None),
        ("1,000 beds", None),
        ("A. Smith", None),
        ("(note) this", None),
        ("(ab) two letters", None),
        ("Section 3.2", None),
        ("1234.5 long", None),
        ("", None),
    ];
    for (text, want) in cases {
        assert_eq!(
            numbering::typed_clause(text, false).as_deref(),
            want,
            "{text:?}"
        );
    }
    assert_eq!(
        numbering::typed_clause("1 Introduction", true).as_deref(),
        Some("1")
    );
    assert_eq!(numbering::typed_clause("1 Introduction", false), None);
    let word = read_body(
        &[
            p("5.1 The Supplier"),
            styled("Heading1", "2 Scope"),
            p("(c) item"),
        ]
        .concat(),
    );
    assert_eq!(clauses(&word), [Some("5.1"), Some("2"), Some("(c)")]);
}

// --- Tables ----------------------------------------------------------------------------

fn cell(content: &str) -> String {
    format!("<w:tc><w:tcPr><w:tcW w:w=\"100\" w:type=\"dxa\"/></w:tcPr>{content}</w:tc>")
}

#[test]
fn tables_give_index_row_grid_column_and_header() {
    let nested = format!(
        "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr>{}</w:tr><w:tr>{}</w:tr></w:tbl>",
        cell(&p("inner head")),
        cell(&p("inner"))
    );
    let merged = format!(
        "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/></w:tcPr>{}{}</w:tc>",
        p("Spans two"),
        p("second paragraph")
    );
    let body = format!(
        "{before}<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>\
         <w:tr><w:trPr><w:tblHeader/></w:trPr>{h1}{h2}{h3}</w:tr>\
         <w:tr><w:trPr><w:tblHeader/></w:trPr>{h4}</w:tr>\
         <w:tr>{merged}{c3}</w:tr>\
         <w:tr>{cont}{c5}{c6}</w:tr>\
         <w:tr><w:trPr><w:gridBefore w:val=\"2\"/><w:tblHeader w:val=\"false\"/></w:trPr>{c7}</w:tr>\
         </w:tbl>{after}<w:tbl><w:tr>{second}</w:tr></w:tbl>",
        before = p("Before"),
        h1 = cell(&p("Ref")),
        h2 = cell(&p("Requirement")),
        h3 = cell(&p("Weight")),
        h4 = "<w:tc><w:tcPr><w:gridSpan w:val=\"3\"/></w:tcPr><w:p><w:r><w:t>Second header row</w:t></w:r></w:p></w:tc>",
        c3 = cell(&nested),
        cont = "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge/></w:tcPr><w:p/></w:tc>",
        c5 = cell(&p("x")),
        c6 = cell(&p("beyond the grid")),
        c7 = cell(&p("after gridBefore")),
        after = p("After"),
        second = cell(&p("second table")),
    );
    let word = read_body(&body);
    let cells: Vec<(&str, Kind)> = word
        .paragraphs
        .iter()
        .map(|p| (p.text.as_str(), p.kind))
        .collect();
    let tc = |table, row, column, header| Kind::TableCell {
        table,
        row,
        column,
        header,
    };
    assert_eq!(
        cells,
        [
            ("Before", Kind::Body),
            ("Ref", tc(0, 0, 0, true)),
            ("Requirement", tc(0, 0, 1, true)),
            ("Weight", tc(0, 0, 2, true)),
            ("Second header row", tc(0, 1, 0, true)),
            ("Spans two", tc(0, 2, 0, false)),
            ("second paragraph", tc(0, 2, 0, false)),
            ("inner head", tc(1, 0, 0, true)),
            ("inner", tc(1, 1, 0, false)),
            ("", tc(0, 3, 0, false)),
            ("x", tc(0, 3, 2, false)),
            ("beyond the grid", tc(0, 3, 3, false)),
            ("after gridBefore", tc(0, 4, 2, false)),
            ("After", Kind::Body),
            ("second table", tc(2, 0, 0, true)),
        ]
    );
}

#[test]
fn deeply_nested_tables_do_not_recurse() {
    let depth = 20_000;
    let body = format!(
        "{}{}{}",
        "<w:tbl><w:tr><w:tc>".repeat(depth),
        p("deep"),
        "</w:tc></w:tr></w:tbl>".repeat(depth)
    );
    let word = read_body(&body);
    assert_eq!(texts(&word), ["deep"]);
    assert_eq!(
        word.paragraphs[0].kind,
        Kind::TableCell {
            table: depth - 1,
            row: 0,
            column: 0,
            header: true
        }
    );
}

// --- Notes and text boxes --------------------------------------------------------------

#[test]
fn footnotes_and_endnotes_follow_the_body_without_separators() {
    let notes = |kind: &str| {
        format!(
            r#"<?xml version="1.0"?><w:{kind}s {NS}>
            <w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>
            <w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>
            <w:{kind} w:id="1"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> See the {kind}.</w:t></w:r></w:p></w:{kind}>
            </w:{kind}s>"#
        )
    };
    let footnotes = notes("footnote");
    let endnotes = notes("endnote");
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="notes/foot.xml"/>
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/../../x" TargetMode="External"/>
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>
        </Relationships>"#;
    let body = "<w:p><w:r><w:t>Body</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p>";
    let word = read(&with_parts(
        body,
        &[
            ("word/_rels/document.xml.rels", rels),
            ("word/notes/foot.xml", &footnotes),
            ("word/endnotes.xml", &endnotes),
        ],
    ))
    .unwrap();
    assert_eq!(
        texts(&word),
        ["Body", " See the footnote.", " See the endnote."]
    );
    assert_eq!(kinds(&word), [Kind::Body, Kind::Footnote, Kind::Endnote]);
    let parts: Vec<Part> = word.paragraphs.iter().map(|p| p.part).collect();
    assert_eq!(parts, [Part::Document, Part::Footnotes, Part::Endnotes]);
    assert_eq!(word.part_name(Part::Footnotes), "word/notes/foot.xml");
    assert_eq!(word.part_name(Part::Endnotes), "word/endnotes.xml");
    // Runs are counted within each part: the separators' runs come first in the notes.
    assert_eq!(word.paragraphs[1].runs[0].run, 3);
    assert_eq!(word.paragraphs[1].runs[0].part, Part::Footnotes);
}

#[test]
fn text_boxes_are_paragraphs_after_the_one_they_sit_in_read_once() {
    let txbx = |text: &str| {
        format!(
            "<w:txbxContent>{}{}</w:txbxContent>",
            p(text),
            p("second line")
        )
    };
    let body = format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">Anchor </w:t></w:r><w:r><mc:AlternateContent>\
         <mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>\
         <mc:Fallback><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></mc:Fallback>\
         </mc:AlternateContent></w:r><w:r><w:t>text</w:t></w:r></w:p>\
         <w:p><w:r><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></w:r></w:p>{}",
        txbx("In the box"),
        txbx("In the box"),
        txbx("Old VML box"),
        p("After"),
    );
    let word = read_body(&body);
    assert_eq!(
        texts(&word),
        [
            "Anchor text",
            "In the box",
            "second line",
            "",
            "Old VML box",
            "second line",
            "After"
        ]
    );
    assert_eq!(
        kinds(&word),
        [
            Kind::Body,
            Kind::TextBox,
            Kind::TextBox,
            Kind::Body,
            Kind::TextBox,
            Kind::TextBox,
            Kind::Body
        ]
    );
    // Runs: 0 "Anchor", 1 holds the shape, 2-3 in the choice, 4-5 in the fallback, 6 "text".
    let anchor: Vec<usize> = word.paragraphs[0].runs.iter().map(|r| r.run).collect();
    assert_eq!(anchor, [0, 6]);
    assert_eq!(word.paragraphs[1].runs[0].run, 2);
    check_spans(&word);
}

// --- The package -----------------------------------------------------------------------

#[test]
fn the_main_part_is_found_through_relationships() {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/content/main.xml"/></Relationships>"#;
    let document = document_xml(&p("Found"));
    let styles = styles_xml(
        r#"<w:style w:type="paragraph" w:styleId="H"><w:name w:val="heading 4"/></w:style>"#,
    );
    let word = read(&docx(&[
        ("_rels/.rels", rels),
        ("content/main.xml", &document),
        ("content/styles.xml", &styles),
    ]))
    .unwrap();
    assert_eq!(texts(&word), ["Found"]);
    assert_eq!(word.document_part, "content/main.xml");
    // Without _rels/.rels, the usual name; part names match in any case.
    let word = read(&docx(&[(
        "Word/Document.xml",
        &document_xml(&p("Any case")),
    )]))
    .unwrap();
    assert_eq!(texts(&word), ["Any case"]);
    assert_eq!(word.document_part, "Word/Document.xml");
}

#[test]
fn relative_and_percent_encoded_targets_resolve() {
    assert_eq!(
        package::resolve("word", "styles.xml"),
        Ok("word/styles.xml".into())
    );
    assert_eq!(
        package::resolve("word", "./sub/../styles.xml"),
        Ok("word/styles.xml".into())
    );
    assert_eq!(
        package::resolve("word", "/word/styles.xml"),
        Ok("word/styles.xml".into())
    );
    assert_eq!(
        package::resolve("word", "../customXml/item1.xml"),
        Ok("customXml/item1.xml".into())
    );
    assert_eq!(
        package::resolve("word", "my%20styles.xml"),
        Ok("word/my styles.xml".into())
    );
    assert_eq!(
        package::resolve("", "word\\document.xml"),
        Ok("word/document.xml".into())
    );
    assert_eq!(package::resolve("word", "../../etc/passwd"), Err(()));
    assert_eq!(package::resolve("word", "%2e%2e/%2e%2e/x"), Err(()));
    assert_eq!(package::resolve("word", "file:///etc/passwd"), Err(()));
    assert_eq!(package::resolve("word", "C:/Windows/x.xml"), Err(()));
    assert_eq!(package::resolve("word", ".."), Err(()));
}

// --- Hostile files ---------------------------------------------------------------------

#[test]
fn not_a_zip_or_a_damaged_one() {
    for bytes in [&b""[..], b"# A Markdown file\n", b"%PDF-1.7\n"] {
        let e = error(bytes);
        assert_eq!(e, DocxError::NotZip);
        assert_eq!(
            e.to_string(),
            "is not a valid Word document (.docx): it is not a zip archive, as every .docx file is (is it another kind of file renamed?)"
        );
    }
    for bytes in [&b"PK\x03\x04 truncated"[..], b"PK\x05\x06"] {
        let e = error(bytes);
        assert!(matches!(e, DocxError::Zip(_)), "{e:?}");
        assert!(
            e.to_string().starts_with(
                "is not a valid Word document (.docx): the zip container is damaged: "
            ),
            "{e}"
        );
        assert!(e.help().is_some());
    }
    // Cut short: the central directory is gone.
    let whole = with_parts(&p("x"), &[]);
    assert!(matches!(
        error(&whole[..whole.len() / 2]),
        DocxError::Zip(_)
    ));
}

#[test]
fn damaged_compressed_data_is_a_damaged_zip() {
    let mut bytes = with_parts(&p(&"The Supplier shall ".repeat(200)), &[]);
    let name = b"word/document.xml";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len() + 20;
    for b in &mut bytes[at..at + 40] {
        *b ^= 0x5A;
    }
    let e = error(&bytes);
    assert!(
        matches!(e, DocxError::Zip(_) | DocxError::Xml { .. }),
        "{e:?}"
    );
}

#[test]
fn old_doc_and_encrypted_files_are_named() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 1024));
    let e = error(&ole);
    assert_eq!(e, DocxError::OldOrProtected);
    assert_eq!(
        e.to_string(),
        "is an old Word 97-2003 (.doc) file or a password-protected document; open it in Word and save it as .docx (without a password)"
    );
    let name: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    ole.extend(&name);
    ole.extend([0u8; 64]);
    let e = error(&ole);
    assert_eq!(e, DocxError::Encrypted);
    assert!(e.to_string().contains("password-protected"), "{e}");
}

fn zeros_part(size: usize) -> String {
    format!(
        "<w:document {NS}><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>",
        "0".repeat(size)
    )
}

#[test]
fn a_part_declared_larger_than_the_limit_is_refused_before_inflating() {
    let bomb = zeros_part(2 * MIB as usize);
    let bytes = docx(&[("word/document.xml", &bomb)]);
    let limits = Limits {
        max_entry_bytes: MIB,
        ..Limits::default()
    };
    let e = read_with(&bytes, &limits).unwrap_err();
    assert!(
        matches!(&e, DocxError::PartTooLarge { part, declared: Some(d), limit } if part == "word/document.xml" && *d > 2 * MIB && *limit == MIB),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "is refused: its part word/document.xml would inflate to 2 MiB, more than the 1 MiB tenderlint inflates for one part (a damaged file or a zip bomb)"
    );
}

#[test]
fn a_part_compressed_too_well_is_refused() {
    let bomb = zeros_part(4 * MIB as usize);
    let bytes = docx(&[("word/document.xml", &bomb)]);
    let e = read(&bytes).unwrap_err();
    let DocxError::Ratio {
        inflated,
        compressed,
        limit,
        ..
    } = e
    else {
        panic!("{e:?}");
    };
    assert!(inflated > 4 * MIB && compressed < 20 * 1024 && limit == 200);
    assert!(e.to_string().contains("over 200 times its size"), "{e}");
    // The same file is read with a looser ratio.
    let limits = Limits {
        max_ratio: 10_000,
        ..Limits::default()
    };
    assert_eq!(read_with(&bytes, &limits).unwrap().paragraphs.len(), 1);
}

/// Sets the uncompressed size that the local and central headers of every entry declare.
fn declare_size(bytes: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 30 <= bytes.len() {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            b"PK\x01\x02" => bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

#[test]
fn a_part_that_lies_about_its_size_is_stopped_while_inflating() {
    let bomb = zeros_part(3 * MIB as usize);
    let mut bytes = docx(&[("word/document.xml", &bomb)]);
    declare_size(&mut bytes, 1000);
    let limits = Limits {
        max_entry_bytes: MIB,
        max_ratio: 1_000_000,
        ..Limits::default()
    };
    // The zip reader stops at the declared size (this reader's own count, which would stop
    // at the limit, is tested in package.rs).
    let e = read_with(&bytes, &limits).unwrap_err();
    assert!(
        matches!(e, DocxError::Zip(_) | DocxError::PartTooLarge { .. }),
        "{e:?}"
    );
}

#[test]
fn parts_together_larger_than_the_total_are_refused() {
    let document = zeros_part(600 * 1024);
    let styles = styles_xml(&format!("<!-- {} -->", "x".repeat(600 * 1024)));
    let bytes = with_parts(&document, &[("word/styles.xml", &styles)]);
    let bytes_doc = docx(&[
        ("word/document.xml", &document),
        ("word/styles.xml", &styles),
    ]);
    let limits = Limits {
        max_entry_bytes: MIB,
        max_total_bytes: MIB,
        max_ratio: 1_000_000,
        ..Limits::default()
    };
    for bytes in [bytes, bytes_doc] {
        let e = read_with(&bytes, &limits).unwrap_err();
        assert_eq!(e, DocxError::TotalTooLarge { limit: MIB }, "{e}");
        assert!(e.to_string().contains("more than the 1 MiB"), "{e}");
    }
}

#[test]
fn paragraphs_past_the_limit_are_refused() {
    let limits = Limits {
        max_paragraphs: 3,
        ..Limits::default()
    };
    let three = with_parts(&"<w:p/>".repeat(3), &[]);
    assert_eq!(read_with(&three, &limits).unwrap().paragraphs.len(), 3);
    let four = with_parts(&"<w:p/>".repeat(4), &[]);
    let e = read_with(&four, &limits).unwrap_err();
    assert_eq!(e, DocxError::TooManyParagraphs { limit: 3 });
    let e = DocxError::TooManyParagraphs { limit: 1_000_000 };
    assert!(
        e.to_string().contains("more than 1,000,000 paragraphs"),
        "{e}"
    );
}

#[test]
fn a_doctype_is_refused_and_entities_are_never_expanded() {
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document {NS}><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let e = error(&docx(&[("word/document.xml", &laughs)]));
    assert_eq!(
        e,
        DocxError::Doctype {
            part: "word/document.xml".into()
        }
    );
    assert!(e.to_string().contains("DOCTYPE"), "{e}");

    let external = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>"#;
    let e = error(&docx(&[
        ("_rels/.rels", external),
        ("word/document.xml", &document_xml("")),
    ]));
    assert_eq!(
        e,
        DocxError::Doctype {
            part: "_rels/.rels".into()
        }
    );

    let undefined = document_xml(&p("&nbsp;"));
    let e = error(&docx(&[("word/document.xml", &undefined)]));
    assert!(
        matches!(&e, DocxError::Xml { part, detail, .. } if part == "word/document.xml" && detail.contains("&nbsp;")),
        "{e:?}"
    );
    let in_attribute = document_xml("<w:p><w:pPr><w:pStyle w:val=\"&custom;\"/></w:pPr></w:p>");
    assert!(matches!(
        error(&docx(&[("word/document.xml", &in_attribute)])),
        DocxError::Xml { .. }
    ));
}

#[test]
fn relationships_out_of_the_package_are_refused() {
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="../../../etc/passwd"/></Relationships>"#;
    let bytes = with_parts(&p("x"), &[("word/_rels/document.xml.rels", rels)]);
    let e = error(&bytes);
    assert_eq!(
        e,
        DocxError::OutsidePackage {
            rels: "word/_rels/document.xml.rels".into(),
            target: "../../../etc/passwd".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "is refused: its part word/_rels/document.xml.rels points outside the document, to ../../../etc/passwd"
    );
    let root = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="../word/document.xml"/></Relationships>"#;
    let e = error(&docx(&[
        ("_rels/.rels", root),
        ("word/document.xml", &document_xml("")),
    ]));
    assert!(matches!(e, DocxError::OutsidePackage { .. }), "{e:?}");
}

#[test]
fn entries_named_with_dot_dot_are_never_opened() {
    // The only document.xml is under a name that climbs out: it is not a Word document.
    let bytes = docx(&[("word/../word/document.xml", &document_xml(&p("sneaky")))]);
    assert_eq!(error(&bytes), DocxError::NotWord);
    let bytes = docx(&[("../word/document.xml", &document_xml(&p("sneaky")))]);
    assert_eq!(error(&bytes), DocxError::NotWord);
}

#[test]
fn a_package_without_a_word_document_is_named() {
    let xlsx_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>"#;
    for bytes in [
        docx(&[("_rels/.rels", xlsx_rels), ("xl/workbook.xml", workbook)]),
        docx(&[("_rels/.rels", ROOT_RELS)]),
        docx(&[("README.txt", "hello")]),
    ] {
        let e = error(&bytes);
        assert_eq!(e, DocxError::NotWord);
        assert_eq!(
            e.to_string(),
            "is not a Word document: it has no word/document.xml (is it an Excel or PowerPoint file?)"
        );
    }
}

#[test]
fn malformed_xml_names_the_part_and_the_byte() {
    let mismatched = document_xml("<w:p><w:r><w:t>x</w:r></w:t></w:p>");
    let e = error(&docx(&[("word/document.xml", &mismatched)]));
    let DocxError::Xml { part, at, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(part, "word/document.xml");
    let close = mismatched.find("</w:r>").unwrap() as u64;
    assert!((close..close + 8).contains(at), "{at} vs {close}");
    assert!(
        e.to_string().starts_with(
            "is not a valid Word document (.docx): its part word/document.xml is damaged at byte "
        ),
        "{e}"
    );

    let truncated = &document_xml(&p("cut"))[..150];
    let e = error(&docx(&[("word/document.xml", truncated)]));
    assert!(
        matches!(&e, DocxError::Xml { part, .. } if part == "word/document.xml"),
        "{e:?}"
    );

    let bad_styles = "<w:styles><w:style></w:styles>";
    let e = error(&with_parts(&p("x"), &[("word/styles.xml", bad_styles)]));
    assert!(
        matches!(&e, DocxError::Xml { part, .. } if part == "word/styles.xml"),
        "{e:?}"
    );

    let not_utf8 = docx(&[("word/document.xml", "<w:document>\u{0}</w:document>")]);
    let _ = read(&not_utf8);
    let mut latin1 = with_parts(&p("caf\u{e9}"), &[]);
    let _ = read(&latin1);
    latin1.push(0);
    let _ = read(&latin1);
}

#[test]
fn strict_ooxml_and_other_prefixes_are_read() {
    let strict = r#"<?xml version="1.0"?><x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body><x:p><x:r><x:t>Strict</x:t></x:r></x:p></x:body></x:document>"#;
    let word = read(&docx(&[("word/document.xml", strict)])).unwrap();
    assert_eq!(texts(&word), ["Strict"]);
    // A w:t in another namespace is not Word text.
    let other =
        document_xml("<w:p><w:r><o:t xmlns:o=\"urn:other\">no</o:t><w:t>yes</w:t></w:r></w:p>");
    assert_eq!(
        texts(&read(&docx(&[("word/document.xml", &other)])).unwrap()),
        ["yes"]
    );
}

/// Bytes of a small real-looking document flipped one at a time, and cut at every
/// length: every result is a Word or an error, never a panic.
#[test]
fn damaged_files_never_panic() {
    let bytes = tender();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..1500 {
        let mut damaged = bytes.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % damaged.len() as u64) as usize;
            damaged[at] = next() as u8;
        }
        let _ = read(&damaged);
    }
    for len in (0..bytes.len()).step_by(97) {
        let _ = read(&bytes[..len]);
    }
    // The XML itself damaged, stored uncompressed so that flips reach the parser.
    let document = tender_document();
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for _ in 0..1500 {
        let mut xml = document.clone().into_bytes();
        for _ in 0..1 + next() % 3 {
            let at = (next() % xml.len() as u64) as usize;
            xml[at] = b"<>/&;=\"'wp:x# \0\xff"[(next() % 16) as usize];
        }
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("word/document.xml", stored).unwrap();
        w.write_all(&xml).unwrap();
        let _ = read(&w.finish().unwrap().into_inner());
    }
}

// --- A real-looking document -----------------------------------------------------------

const TENDER_STYLES: &str = r#"
<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>
"#;

const TENDER_NUMBERING: &str = r#"
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2.%3"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%1)"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%2)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="&#61623;"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
"#;

fn list(num: u32, ilvl: u32, text: &str) -> String {
    format!(
        "<w:p w14:paraId=\"1A2B3C4D\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\"><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr>\
         <w:r><w:rPr><w:rFonts w:ascii=\"Arial\"/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
    )
}

fn tender_document() -> String {
    let requirement = |id: &str, text: &str, weight: &str| {
        format!(
            "<w:tr>{}{}{}</w:tr>",
            cell(&p(id)),
            cell(&p(text)),
            cell(&p(weight))
        )
    };
    let body = [
        styled("Title", "Community Diabetes Service: Specification"),
        p("Version 1.2, NHS Example Integrated Care Board"),
        "<w:p/>".to_string(),
        styled("Heading1", "Introduction"),
        styled("Heading2", "Purpose"),
        "<w:p><w:r><w:t xml:space=\"preserve\">The Provider </w:t></w:r><w:ins w:id=\"1\" w:author=\"Commissioner\" w:date=\"2024-01-01T00:00:00Z\"><w:r><w:t>must</w:t></w:r></w:ins>\
         <w:del w:id=\"2\" w:author=\"Commissioner\"><w:r><w:delText>should</w:delText></w:r></w:del>\
         <w:r><w:t xml:space=\"preserve\"> deliver the service set out in this specification</w:t></w:r>\
         <w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"1\"/></w:r><w:r><w:t>.</w:t></w:r></w:p>".to_string(),
        list(2, 0, "accessible to all patients;"),
        list(2, 1, "including those who are housebound;"),
        list(2, 0, "delivered within 18 weeks."),
        styled("Heading2", "Scope"),
        list(3, 0, "A new list restarts at (a)."),
        list(4, 0, "A bullet"),
        styled("Heading1", "Requirements"),
        format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>{}{}{}</w:tbl>",
            "<w:tr><w:trPr><w:tblHeader/></w:trPr>".to_string()
                + &cell(&p("Ref"))
                + &cell(&p("Requirement"))
                + &cell(&p("Weighting"))
                + "</w:tr>",
            requirement("R1", "Clinics open 8am\u{2013}8pm", "20%"),
            requirement("R2", "Reports to the ICB every quarter", "10%"),
        ),
        p("3.1 Typed numbers are kept when Word did not number the paragraph."),
    ]
    .concat();
    document_xml(&body)
}

/// A tender as Word would save it, in memory.
fn tender() -> Vec<u8> {
    let styles = styles_xml(TENDER_STYLES);
    let numbering = numbering_xml(TENDER_NUMBERING);
    let footnotes = format!(
        r#"<w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> NHS Standard Contract, Service Conditions.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let document = tender_document();
    docx(&[
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", rels),
        ("word/styles.xml", &styles),
        ("word/numbering.xml", &numbering),
        ("word/footnotes.xml", &footnotes),
    ])
}

#[test]
fn a_real_looking_tender() {
    let word = read(&tender()).unwrap();
    check_spans(&word);
    let summary: Vec<(Kind, Option<&str>, &str)> = word
        .paragraphs
        .iter()
        .map(|p| (p.kind, p.clause.as_deref(), p.text.as_str()))
        .collect();
    let h = |level| Kind::Heading { level };
    let tc = |row, column| Kind::TableCell {
        table: 0,
        row,
        column,
        header: row == 0,
    };
    assert_eq!(
        summary,
        [
            (h(1), None, "Community Diabetes Service: Specification"),
            (
                Kind::Body,
                None,
                "Version 1.2, NHS Example Integrated Care Board"
            ),
            (Kind::Body, None, ""),
            (h(1), Some("1."), "Introduction"),
            (h(2), Some("1.1"), "Purpose"),
            (
                Kind::Body,
                None,
                "The Provider must deliver the service set out in this specification."
            ),
            (Kind::ListItem, Some("(a)"), "accessible to all patients;"),
            (
                Kind::ListItem,
                Some("(i)"),
                "including those who are housebound;"
            ),
            (Kind::ListItem, Some("(b)"), "delivered within 18 weeks."),
            (h(2), Some("1.2"), "Scope"),
            (Kind::ListItem, Some("(a)"), "A new list restarts at (a)."),
            (Kind::ListItem, None, "A bullet"),
            (h(1), Some("2."), "Requirements"),
            (tc(0, 0), None, "Ref"),
            (tc(0, 1), None, "Requirement"),
            (tc(0, 2), None, "Weighting"),
            (tc(1, 0), None, "R1"),
            (tc(1, 1), None, "Clinics open 8am\u{2013}8pm"),
            (tc(1, 2), None, "20%"),
            (tc(2, 0), None, "R2"),
            (tc(2, 1), None, "Reports to the ICB every quarter"),
            (tc(2, 2), None, "10%"),
            (
                Kind::Body,
                Some("3.1"),
                "3.1 Typed numbers are kept when Word did not number the paragraph."
            ),
            (
                Kind::Footnote,
                None,
                " NHS Standard Contract, Service Conditions."
            ),
        ]
    );
    // Runs 0-3 are in the title, version and headings; then 4 "The Provider ", 5 "must",
    // 6 deleted, 7, 8 the footnote reference (no text), 9 ".".
    let purpose = &word.paragraphs[5];
    let runs: Vec<(usize, &str)> = purpose
        .runs
        .iter()
        .map(|r| (r.run, &purpose.text[r.range.clone()]))
        .collect();
    assert_eq!(
        runs,
        [
            (4, "The Provider "),
            (5, "must"),
            (7, " deliver the service set out in this specification"),
            (9, "."),
        ]
    );
}

/// About a hundred pages (a 3 MB word/document.xml): read, not timed.
#[test]
fn a_hundred_page_document_is_read() {
    let mut body = String::new();
    for section in 0..100 {
        body.push_str(&styled("Heading1", &format!("Section {section}")));
        for clause in 0..84 {
            body.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\"/><w:sz w:val=\"22\"/></w:rPr><w:t xml:space=\"preserve\">The Provider shall ensure that clause {clause} </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>is met</w:t></w:r><w:r><w:t xml:space=\"preserve\"> in full, and report on it to the Commissioner every month.</w:t></w:r></w:p>"
            ));
        }
        body.push_str(&format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell(&p("Ref")),
            cell(&p("Requirement")),
            cell(&p("R1")),
            cell(&p("Clinics open 8am to 8pm"))
        ));
    }
    let styles = styles_xml(TENDER_STYLES);
    let numbering = numbering_xml(TENDER_NUMBERING);
    let bytes = with_parts(
        &body,
        &[
            ("word/styles.xml", &styles),
            ("word/numbering.xml", &numbering),
        ],
    );
    let word = read(&bytes).unwrap();
    assert_eq!(word.paragraphs.len(), 100 * 89);
    assert_eq!(word.paragraphs[1].clause.as_deref(), Some("1.1"));
    assert_eq!(
        word.paragraphs.last().map(|p| p.text.as_str()),
        Some("Clinics open 8am to 8pm")
    );
}

const CORE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:creator>A. Officer</dc:creator><dc:title>{TITLE}</dc:title><dcterms:created>2026-01-01T00:00:00Z</dcterms:created></cp:coreProperties>"#;

#[test]
fn the_title_in_the_documents_properties_is_read() {
    let core = CORE.replace(
        "{TITLE}",
        "  Community Diabetes\n  Service &amp; Specification ",
    );
    let word = read(&with_parts(&p("Body"), &[("docProps/core.xml", &core)])).unwrap();
    assert_eq!(
        word.title.as_deref(),
        Some("Community Diabetes Service & Specification")
    );
    // Found through the package's relationship, under another name.
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="meta/props.xml"/></Relationships>"#;
    let document = document_xml(&p("Body"));
    let core = CORE.replace("{TITLE}", "Renamed");
    let word = read(&docx(&[
        ("_rels/.rels", rels),
        ("word/document.xml", &document),
        ("meta/props.xml", &core),
    ]))
    .unwrap();
    assert_eq!(word.title.as_deref(), Some("Renamed"));
    // Blank, missing, or in a broken part: no title, and the document is still read.
    for core in [
        CORE.replace("{TITLE}", " \n "),
        CORE.replace("<dc:title>{TITLE}</dc:title>", ""),
        "<cp:coreProperties><dc:title>open".to_string(),
    ] {
        let word = read(&with_parts(&p("Body"), &[("docProps/core.xml", &core)])).unwrap();
        assert_eq!(word.title, None, "{core}");
        assert_eq!(texts(&word), ["Body"]);
    }
    assert_eq!(read_body(&p("Body")).title, None);
}
