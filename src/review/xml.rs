//! What the passes over a part share: namespaces as the reader tells them apart, the
//! event loop, references, attributes, and escaping text written into a part.

use super::ReviewError;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::io::BufRead;

/// WordprocessingML, transitional then strict (as `docx::package` reads them).
pub(super) const W_NS: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// The most elements open at once in a part. Word nests a few dozen deep; the reader
/// accepted the part, but the rewrite keeps a few words per open element.
pub(super) const MAX_DEPTH: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// WordprocessingML; the index into [`W_NS`].
    W(usize),
    Mc,
    Other,
}

impl Ns {
    pub(super) fn is_w(self) -> bool {
        matches!(self, Ns::W(_))
    }
}

fn namespace(res: &ResolveResult<'_>) -> Ns {
    match res {
        ResolveResult::Bound(ns) => match W_NS.iter().position(|w| *w == ns.as_ref()) {
            Some(i) => Ns::W(i),
            None if ns.as_ref() == MC_NS => Ns::Mc,
            None => Ns::Other,
        },
        _ => Ns::Other,
    }
}

/// Streams the XML of part `part` to `handle`, event by event, with the namespace of
/// each element (`Ns::Other` for events that are not elements). Refuses a DOCTYPE, and
/// a part that ends before its elements are closed.
pub(super) fn drive<R: BufRead, F>(input: R, part: &str, mut handle: F) -> Result<(), ReviewError>
where
    F: FnMut(Ns, Event<'_>) -> Result<(), ReviewError>,
{
    let mut reader = NsReader::from_reader(input);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        let (ns, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok((res, event)) => (namespace(&res), event),
            Err(e) => return Err(xml_error(part, e.to_string())),
        };
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::DocType(_) => return Err(xml_error(part, "it has a DOCTYPE".into())),
            Event::Eof if depth > 0 => {
                return Err(xml_error(
                    part,
                    "it ends before all its elements are closed".into(),
                ))
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        handle(ns, event)?;
    }
}

pub(super) fn xml_error(part: &str, detail: String) -> ReviewError {
    ReviewError::Xml {
        part: part.to_string(),
        detail,
    }
}

/// The character `&name;` stands for, as the reader takes it: XML's five, or a
/// character reference.
pub(super) fn reference(r: &BytesRef<'_>, part: &str) -> Result<char, ReviewError> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(xml_error(part, "a character reference is not valid".into())),
        };
    }
    match &**r {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        _ => Err(xml_error(part, "it uses an undefined entity".into())),
    }
}

/// The value of the attribute whose local name is `local`, unescaped.
pub(super) fn attr(
    el: &BytesStart<'_>,
    local: &str,
    part: &str,
) -> Result<Option<String>, ReviewError> {
    for a in el.attributes() {
        let a = a.map_err(|e| xml_error(part, e.to_string()))?;
        if a.key.local_name().as_ref() == local {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| xml_error(part, e.to_string()))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// Whether the element has an attribute of exactly this qualified name.
pub(super) fn has_attr(el: &BytesStart<'_>, name: &str) -> bool {
    el.attributes().flatten().any(|a| a.key.as_ref() == name)
}

/// The prefix of a qualified name: "w" for "w:document", "" for "Types".
pub(super) fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map_or("", |(prefix, _)| prefix)
}

/// `prefix` ready to put before a local name: "w:" or "".
pub(super) fn qualify(prefix: &str) -> String {
    match prefix {
        "" => String::new(),
        p => format!("{p}:"),
    }
}

/// Text as element content: markup characters escaped, and control characters other
/// than tab and line feed (a carriage return among them, which a parser would turn
/// into a line feed) written as character references, so that the text reads back
/// exactly.
pub(super) fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
}

/// Text as an attribute value in double quotes; control characters dropped.
pub(super) fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| is_xml_char(*c) && !c.is_control()) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` may appear in XML 1.0 text (the noncharacters U+FFFE and U+FFFF may not;
/// C0 control characters other than tab, line feed and carriage return may not).
pub(super) fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{fffe}' | '\u{ffff}') && (c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
}
