//! The server's standard input and output, with every read bounded.
//!
//! `lsp-server`'s own stdio transport reads a header line of any length and allocates the
//! body size the client claims before reading it: a Content-Length of 10^18 aborted the
//! server, one of 2^63 panicked it. This module replaces that transport only: the server
//! still receives and sends [`lsp_server::Message`]s through a [`Connection`], and
//! messages are still written by [`Message::write`].
//!
//! Reading a message costs at most [`MAX_HEADER_LINE`] bytes per header line,
//! [`MAX_HEADERS`] header lines and [`MAX_BODY`] bytes of body, whatever the client
//! sends. The reader hands one message at a time to the main thread (a rendezvous
//! channel, as in `lsp-server`), so it never reads ahead.
//!
//! What "refused" means:
//! - **A body over [`MAX_BODY`]** is read in pieces of the input buffer's size and
//!   dropped, never held. The framing is intact (the client said how long the body is),
//!   so the server goes on with the next message. Each refusal is logged on standard
//!   error. A request (its `id` and `method` are found while the body is skipped, in a
//!   few hundred bytes whatever the body holds) is answered with an `InvalidRequest`
//!   error; for a notification (a document too large to open, say) the editor is shown
//!   a warning, once per method.
//! - **Input that breaks the framing**: a header line over the limit, too many header
//!   lines, a line not ended by CR LF, a header that is not `name: value`, a missing,
//!   non-numeric or contradictory Content-Length, or input that ends inside a message.
//!   Where the next message starts is then unknown, so the server stops: the reason on
//!   standard error, exit code 1. Nothing past the limit is read or kept.
//! - **A body that is not a JSON-RPC message** stops the server the same way, as
//!   `lsp-server` did (`malformed LSP payload`), with only the start of the body quoted.

use crossbeam_channel::{bounded, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::{MessageType, ShowMessageParams};
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read};
use std::thread::{self, JoinHandle};

/// The largest message body read: 64 MiB (67,108,864 bytes), which holds a 64 MB
/// document with the few percent its JSON escaping adds.
pub const MAX_BODY: u64 = 64 << 20;
/// The longest header line, CR LF included. LSP's two headers take under 100 bytes.
pub const MAX_HEADER_LINE: usize = 4096;
/// The most header lines in one message.
pub const MAX_HEADERS: usize = 32;
/// The most bytes of a body's `id` or `method` (or of a key) kept while skipping it.
const MAX_SNIFFED: usize = 1024;

/// The reader and writer threads of [`stdio`].
pub struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads: why the reader stopped, else why the writer did.
    pub fn join(self) -> io::Result<()> {
        let reader = self
            .reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the input thread failed")));
        let writer = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the output thread failed")));
        reader.and(writer)
    }
}

/// A connection over standard input and output, read with [`read_messages`].
pub fn stdio() -> io::Result<(Connection, IoThreads)> {
    let (sender, outgoing) = bounded::<Message>(0);
    let (incoming, receiver) = bounded::<Message>(0);
    let writer = thread::Builder::new()
        .name("tenderlint-lsp-out".into())
        .spawn(move || {
            let mut stdout = io::stdout().lock();
            // `write` frames the message and flushes it.
            outgoing.into_iter().try_for_each(|m| m.write(&mut stdout))
        })?;
    let refusals = sender.clone();
    let reader = thread::Builder::new()
        .name("tenderlint-lsp-in".into())
        .spawn(move || {
            let mut stdin = BufReader::with_capacity(1 << 16, io::stdin().lock());
            read_messages(&mut stdin, MAX_BODY, &incoming, &refusals)
        })?;
    Ok((
        Connection { sender, receiver },
        IoThreads { reader, writer },
    ))
}

/// Reads messages and hands them to `server` until `exit`, the end of the input or
/// input that breaks the framing (the error). Bodies over `limit` are skipped; their
/// refusals go to `client`.
pub fn read_messages(
    input: &mut impl BufRead,
    limit: u64,
    server: &Sender<Message>,
    client: &Sender<Message>,
) -> io::Result<()> {
    // The notifications the editor was told were too large.
    let mut shown = HashSet::new();
    while let Some(frame) = read_frame(input, limit)? {
        let body = match frame {
            Frame::Body(body) => body,
            Frame::TooLarge { length, seen } => {
                refuse(length, limit, seen, client, &mut shown);
                continue;
            }
        };
        let message: Message = serde_json::from_slice(&body).map_err(|e| {
            invalid(format!(
                "malformed LSP payload ({e}): {}",
                quoted(&body, 200)
            ))
        })?;
        drop(body);
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        server
            .send(message)
            .map_err(|_| io::Error::other("the server stopped taking messages"))?;
        if exit {
            break;
        }
    }
    Ok(())
}

/// One message read from the input.
#[derive(Debug)]
pub enum Frame {
    /// A body within the limit.
    Body(Vec<u8>),
    /// A body over the limit, read and dropped, and what was seen in it.
    TooLarge { length: u64, seen: Seen },
}

/// Reads one message: `None` at the end of the input between messages.
pub fn read_frame(input: &mut impl BufRead, limit: u64) -> io::Result<Option<Frame>> {
    let Some(length) = read_header(input)? else {
        return Ok(None);
    };
    if length > limit {
        let mut sniffer = Sniffer::default();
        let skipped = skip(input, length, |bytes| sniffer.feed(bytes))?;
        if skipped < length {
            return Err(ended_in_body(skipped, length));
        }
        return Ok(Some(Frame::TooLarge {
            length,
            seen: sniffer.finish(),
        }));
    }
    // At most `limit` bytes, and pages are only touched as the body arrives.
    let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    Read::take(&mut *input, length).read_to_end(&mut body)?;
    let read = body.len() as u64;
    if read < length {
        return Err(ended_in_body(read, length));
    }
    Ok(Some(Frame::Body(body)))
}

/// Reads a header up to its empty line; its Content-Length. `None` at the end of the
/// input before the header's first byte.
fn read_header(input: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut length = None;
    let mut line = Vec::with_capacity(128);
    let mut lines = 0;
    loop {
        line.clear();
        Read::take(&mut *input, MAX_HEADER_LINE as u64).read_until(b'\n', &mut line)?;
        if line.last() != Some(&b'\n') {
            if line.len() >= MAX_HEADER_LINE {
                return Err(invalid(format!(
                    "a header line longer than {MAX_HEADER_LINE} bytes: {}",
                    quoted(&line, 60)
                )));
            }
            if line.is_empty() && lines == 0 {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "input ended inside a message header",
            ));
        }
        let Some(text) = line.strip_suffix(b"\r\n") else {
            return Err(invalid(format!(
                "malformed header line (not ended by CR LF): {}",
                quoted(&line, 200)
            )));
        };
        if text.is_empty() {
            break;
        }
        lines += 1;
        if lines > MAX_HEADERS {
            return Err(invalid(format!(
                "more than {MAX_HEADERS} header lines in one message"
            )));
        }
        // HTTP's syntax: `name: value`, optional spaces around the value.
        let Some((name, value)) = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.split_once(':'))
        else {
            return Err(invalid(format!(
                "malformed header line: {}",
                quoted(text, 200)
            )));
        };
        if name.eq_ignore_ascii_case("Content-Length") {
            let n = parse_length(value.trim_matches([' ', '\t']))?;
            if let Some(before) = length.filter(|&before| before != n) {
                return Err(invalid(format!(
                    "two different Content-Length headers in one message: {before} and {n}"
                )));
            }
            length = Some(n);
        }
    }
    length
        .map(Some)
        .ok_or_else(|| invalid("a message header without Content-Length"))
}

fn parse_length(value: &str) -> io::Result<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!(
            "Content-Length is not a number: {}",
            quoted(value.as_bytes(), 200)
        )));
    }
    value.parse().map_err(|_| {
        invalid(format!(
            "Content-Length does not fit in 64 bits: {}",
            quoted(value.as_bytes(), 200)
        ))
    })
}

/// Reads and drops `length` bytes, a buffer at a time, showing each to `see`; how many
/// there were before the end of the input.
fn skip(input: &mut impl BufRead, length: u64, mut see: impl FnMut(&[u8])) -> io::Result<u64> {
    let mut left = length;
    while left > 0 {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        see(&buf[..n]);
        input.consume(n);
        left -= n as u64;
    }
    Ok(length - left)
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn ended_in_body(read: u64, length: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("input ended inside a message body ({read} of {length} bytes)"),
    )
}

/// The first `max` bytes, quoted, with ASCII escapes for anything else.
fn quoted(bytes: &[u8], max: usize) -> String {
    let more = if bytes.len() > max { "..." } else { "" };
    format!("\"{}\"{more}", bytes[..bytes.len().min(max)].escape_ascii())
}

/// `64 MiB`, or a number of bytes when the limit is not a whole number of MiB.
fn size(limit: u64) -> String {
    if limit.is_multiple_of(1 << 20) {
        format!("{} MiB", limit >> 20)
    } else {
        format!("{limit} bytes")
    }
}

/// Logs a body over the limit, answers it if it was a request, and shows the editor
/// a warning the first time a notification of its method is refused.
fn refuse(
    length: u64,
    limit: u64,
    seen: Seen,
    client: &Sender<Message>,
    shown: &mut HashSet<String>,
) {
    let method = match &seen.method {
        Sniffed::Value(m) => m.clone(),
        _ => String::new(),
    };
    let what = match (&seen.method, &seen.id) {
        (Sniffed::Absent, Sniffed::Absent) => "a message".to_string(),
        (Sniffed::Absent, _) => "a response".to_string(),
        (_, Sniffed::Absent) if method.is_empty() => "a notification".to_string(),
        (_, Sniffed::Absent) => format!("a {method} notification"),
        _ if method.is_empty() => "a request".to_string(),
        _ => format!("a {method} request"),
    };
    let reason = format!(
        "{what} of {length} bytes is over the limit of {} per message",
        size(limit)
    );
    eprintln!("tenderlint lsp: {reason}; it was skipped");
    // Fails only when the writer has gone, that is when the client has.
    match (&seen.method, seen.id) {
        (Sniffed::Absent, _) => {}
        (_, Sniffed::Value(id)) => {
            let message = format!("tenderlint: {reason}");
            let _ = client
                .send(Response::new_err(id, ErrorCode::InvalidRequest as i32, message).into());
        }
        (_, Sniffed::Absent) if shown.insert(method) => {
            let params = ShowMessageParams {
                typ: MessageType::WARNING,
                message: format!("tenderlint: {reason}; it was ignored"),
            };
            let n = Notification::new(
                lsp_types::notification::ShowMessage::METHOD.to_string(),
                params,
            );
            let _ = client.send(n.into());
        }
        _ => {}
    }
}

/// What was found of a field of a skipped body.
#[derive(Debug, Default, PartialEq)]
pub enum Sniffed<T> {
    #[default]
    Absent,
    /// There, but too long, not the right type, or not valid JSON.
    Unreadable,
    Value(T),
}

/// The `id` and `method` of a skipped body.
#[derive(Debug, Default, PartialEq)]
pub struct Seen {
    pub id: Sniffed<RequestId>,
    pub method: Sniffed<String>,
}

#[derive(Clone, Copy)]
enum Field {
    Id,
    Method,
}

/// Up to [`MAX_SNIFFED`] bytes of JSON text.
#[derive(Default)]
struct Capture {
    bytes: Vec<u8>,
    overflow: bool,
}

impl Capture {
    fn push(&mut self, b: u8) {
        if self.bytes.len() < MAX_SNIFFED {
            self.bytes.push(b);
        } else {
            self.overflow = true;
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.overflow = false;
    }

    fn parse<T: DeserializeOwned>(&self) -> Sniffed<T> {
        if self.overflow {
            return Sniffed::Unreadable;
        }
        serde_json::from_slice(&self.bytes)
            .map(Sniffed::Value)
            .unwrap_or(Sniffed::Unreadable)
    }
}

/// Finds the `id` and `method` of a JSON object fed to it in pieces, keeping a few
/// hundred bytes whatever the object holds: everything but those two fields of the
/// top-level object is only counted (nesting) or passed over (strings). It does not
/// check that the text is JSON; what it cannot make sense of is not found.
#[derive(Default)]
struct Sniffer {
    /// How deep in objects and arrays.
    depth: u64,
    in_string: bool,
    escaped: bool,
    /// The top level is an object.
    object: bool,
    /// The top-level value has ended: what follows is not looked at.
    done: bool,
    /// In the top-level object, where the next string is a key.
    want_key: bool,
    in_key: bool,
    key: Capture,
    /// The top-level field whose value is being read, if it is one to keep.
    field: Option<Field>,
    value: Capture,
    seen: Seen,
}

impl Sniffer {
    fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() && !self.done {
            if self.in_string && !self.escaped && !self.in_key && self.field.is_none() {
                // Inside a string nobody keeps: on to its next quote or backslash.
                match bytes[i..].iter().position(|&b| b == b'"' || b == b'\\') {
                    Some(n) => i += n,
                    None => return,
                }
            }
            self.byte(bytes[i]);
            i += 1;
        }
    }

    fn byte(&mut self, b: u8) {
        if self.in_string {
            if self.in_key {
                self.key.push(b);
            } else if self.field.is_some() {
                self.value.push(b);
            }
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                self.in_key = false;
            }
            return;
        }
        let top = self.depth == 1 && self.object;
        match b {
            b'"' => {
                self.in_string = true;
                if top && self.want_key {
                    self.want_key = false;
                    self.in_key = true;
                    self.key.clear();
                    self.key.push(b);
                } else if self.field.is_some() {
                    self.value.push(b);
                }
            }
            b':' if top && self.field.is_none() => {
                self.field = match self.key.parse::<String>() {
                    Sniffed::Value(k) if k == "id" => Some(Field::Id),
                    Sniffed::Value(k) if k == "method" => Some(Field::Method),
                    _ => None,
                };
                self.key.clear();
                self.value.clear();
            }
            b',' if top => {
                self.finish_field();
                self.want_key = true;
            }
            b'{' | b'[' => {
                if self.depth == 0 {
                    self.object = b == b'{';
                    self.want_key = self.object;
                } else if self.field.is_some() {
                    self.value.push(b);
                }
                self.depth = self.depth.saturating_add(1);
            }
            b'}' | b']' => {
                if top {
                    self.finish_field();
                } else if self.field.is_some() {
                    self.value.push(b);
                }
                self.depth = self.depth.saturating_sub(1);
                self.done = self.depth == 0;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                if self.field.is_some() {
                    self.value.push(b);
                }
            }
        }
    }

    fn finish_field(&mut self) {
        match self.field.take() {
            Some(Field::Id) => self.seen.id = self.value.parse(),
            Some(Field::Method) => self.seen.method = self.value.parse(),
            None => {}
        }
        self.value.clear();
    }

    fn finish(self) -> Seen {
        self.seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_in_pieces(text: &[u8], piece: usize) -> Seen {
        let mut s = Sniffer::default();
        for chunk in text.chunks(piece) {
            s.feed(chunk);
        }
        s.finish()
    }

    fn sniff(text: &str) -> Seen {
        let whole = sniff_in_pieces(text.as_bytes(), text.len().max(1));
        for piece in [1, 2, 3, 7] {
            assert_eq!(
                sniff_in_pieces(text.as_bytes(), piece),
                whole,
                "{text} in pieces of {piece}"
            );
        }
        whole
    }

    fn seen(id: Sniffed<RequestId>, method: Sniffed<String>) -> Seen {
        Seen { id, method }
    }

    fn m(s: &str) -> Sniffed<String> {
        Sniffed::Value(s.to_string())
    }

    #[test]
    fn the_id_and_method_are_found_wherever_they_are() {
        let hover = "textDocument/hover";
        assert_eq!(
            sniff(r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#),
            seen(Sniffed::Value(7.into()), m(hover))
        );
        assert_eq!(
            sniff(
                r#" { "params" : {"id": 1, "method": "x", "a": ["id", {"method": 2}]},
                  "method" : "textDocument/hover" , "id" : "abc" } "#
            ),
            seen(Sniffed::Value("abc".to_string().into()), m(hover))
        );
        // Escapes in strings, keys and values.
        assert_eq!(
            sniff(
                r#"{"params":{"text":"a \"quoted\" \\ \"id\": 3"},"\u0069d":"x\"y","method":"a\/b"}"#
            ),
            seen(Sniffed::Value("x\"y".to_string().into()), m("a/b"))
        );
        // A notification; a response.
        assert_eq!(
            sniff(r#"{"method":"textDocument/didOpen","params":{"textDocument":{"text":"}"}}}"#),
            seen(Sniffed::Absent, m("textDocument/didOpen"))
        );
        assert_eq!(
            sniff(r#"{"id":2,"result":null}"#),
            seen(Sniffed::Value(2.into()), Sniffed::Absent)
        );
    }

    #[test]
    fn ids_that_cannot_be_answered_and_text_that_is_not_an_object() {
        for text in [
            r#"{"id":null,"method":"m"}"#,
            r#"{"id":1.5,"method":"m"}"#,
            r#"{"id":99999999999,"method":"m"}"#,
            r#"{"id":{"a":1},"method":"m"}"#,
        ] {
            assert_eq!(sniff(text), seen(Sniffed::Unreadable, m("m")), "{text}");
        }
        let long = format!(r#"{{"id":"{}","method":"m"}}"#, "x".repeat(MAX_SNIFFED));
        assert_eq!(sniff(&long), seen(Sniffed::Unreadable, m("m")));
        for text in [
            r#"[{"id":1,"method":"m"}]"#,
            r#""{\"id\":1}""#,
            "",
            "}}}]]]",
        ] {
            assert_eq!(sniff(text), Seen::default(), "{text}");
        }
        // Only the first top-level value counts.
        assert_eq!(sniff(r#"{"a":1} {"id":1}"#), Seen::default());
    }

    #[test]
    fn the_sniffer_keeps_little_whatever_it_is_fed() {
        let mut s = Sniffer::default();
        s.feed(br#"{"method":"m","params":{"text":""#);
        s.feed(&vec![b'a'; 1 << 20]);
        s.feed(br#""},"id":"#);
        s.feed(&vec![b'1'; 1 << 20]);
        s.feed(b"}");
        assert!(s.value.bytes.capacity() <= 2 * MAX_SNIFFED);
        assert!(s.key.bytes.capacity() <= 2 * MAX_SNIFFED);
        assert_eq!(s.finish(), seen(Sniffed::Unreadable, m("m")));
    }

    fn frames(input: &[u8], limit: u64) -> Vec<io::Result<Option<Frame>>> {
        let mut r = input;
        let mut out = Vec::new();
        loop {
            let f = read_frame(&mut r, limit);
            let stop = !matches!(f, Ok(Some(_)));
            out.push(f);
            if stop {
                return out;
            }
        }
    }

    fn error(r: &io::Result<Option<Frame>>) -> String {
        match r {
            Err(e) => e.to_string(),
            Ok(f) => panic!("no error: {f:?}"),
        }
    }

    #[test]
    fn bodies_up_to_the_limit_are_read_and_those_over_it_skipped() {
        let input = b"Content-Length: 10\r\n\r\n{\"id\":1}  Content-Length: 11\r\n\r\n{\"id\":22}  Content-Length: 2\r\n\r\n{}";
        let f = frames(input, 10);
        assert_eq!(f.len(), 4);
        assert!(matches!(&f[0], Ok(Some(Frame::Body(b))) if b == b"{\"id\":1}  "));
        match &f[1] {
            Ok(Some(Frame::TooLarge { length, seen })) => {
                assert_eq!(*length, 11);
                assert_eq!(seen.id, Sniffed::Value(22.into()));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&f[2], Ok(Some(Frame::Body(b))) if b == b"{}"));
        assert!(matches!(&f[3], Ok(None)));
    }

    #[test]
    fn framing_errors_say_what_is_wrong() {
        let long = [b"X: ".as_slice(), &[b'a'; MAX_HEADER_LINE]].concat();
        assert!(error(&frames(&long, 10)[0])
            .starts_with("a header line longer than 4096 bytes: \"X: aaa"));
        // A line of exactly the limit, CR LF included, is read.
        let mut exact = b"X: ".to_vec();
        exact.resize(MAX_HEADER_LINE - 2, b'a');
        exact.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        assert!(matches!(&frames(&exact, 10)[0], Ok(Some(Frame::Body(_)))));
        let many = [
            b"X: y\r\n".repeat(MAX_HEADERS),
            b"Content-Length: 2\r\n\r\n{}".to_vec(),
        ]
        .concat();
        assert_eq!(
            error(&frames(&many, 10)[0]),
            "more than 32 header lines in one message"
        );
        let most = [
            b"X: y\r\n".repeat(MAX_HEADERS - 1),
            b"Content-Length: 2\r\n\r\n{}".to_vec(),
        ]
        .concat();
        assert!(matches!(&frames(&most, 10)[0], Ok(Some(Frame::Body(_)))));
        for (input, want) in [
            (
                &b"Content-Length: 1x\r\n\r\n"[..],
                "Content-Length is not a number: \"1x\"",
            ),
            (
                b"Content-Length: 18446744073709551616\r\n\r\n",
                "Content-Length does not fit in 64 bits: \"18446744073709551616\"",
            ),
            (b"\r\n", "a message header without Content-Length"),
            (
                b"Content-Length: 2\r\n",
                "input ended inside a message header",
            ),
            (
                b"Content-Length: 2\r\n\r\n{",
                "input ended inside a message body (1 of 2 bytes)",
            ),
            (
                b"Content-Length: 12\r\n\r\n{\"id\":1",
                "input ended inside a message body (7 of 12 bytes)",
            ),
            (
                b"Content-Length: 2\rContent-Type: x\r\n\r\n{}",
                "Content-Length is not a number: \"2\\rContent-Type: x\"",
            ),
        ] {
            assert_eq!(error(&frames(input, 10)[0]), want);
        }
        assert!(matches!(&frames(b"", 10)[0], Ok(None)));
    }

    #[test]
    fn refusals_answer_requests_and_warn_of_notifications_once() {
        let (server, from_reader) = bounded(8);
        let (client, to_client) = bounded(8);
        let big = |m: &str| {
            let body = format!(r#"{{{m},"params":{{"text":"{}"}}}}"#, "x".repeat(100));
            format!("Content-Length: {}\r\n\r\n{body}", body.len())
        };
        let small = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = [
            big(r#""id":5,"method":"textDocument/hover""#),
            big(r#""method":"textDocument/didOpen""#),
            big(r#""method":"textDocument/didOpen""#),
            big(r#""id":6"#),
            format!("Content-Length: {}\r\n\r\n{small}", small.len()),
            "never read".to_string(),
        ]
        .concat();
        let r = read_messages(&mut input.as_bytes(), 100, &server, &client);
        assert!(r.is_ok(), "{r:?}");
        drop((server, client));
        let sent: Vec<Message> = to_client.iter().collect();
        assert_eq!(sent.len(), 2, "{sent:?}");
        match &sent[0] {
            Message::Response(r) => {
                assert_eq!(r.id, 5.into());
                let e = r
                    .response_result
                    .as_ref()
                    .err()
                    .map(|e| (e.code, e.message.as_str()));
                assert_eq!(e, Some((ErrorCode::InvalidRequest as i32, "tenderlint: a textDocument/hover request of 159 bytes is over the limit of 100 bytes per message")));
            }
            other => panic!("{other:?}"),
        }
        match &sent[1] {
            Message::Notification(n) => {
                assert_eq!(n.method, "window/showMessage");
                assert_eq!(n.params["message"], "tenderlint: a textDocument/didOpen notification of 154 bytes is over the limit of 100 bytes per message; it was ignored");
            }
            other => panic!("{other:?}"),
        }
        let got: Vec<Message> = from_reader.iter().collect();
        assert!(
            matches!(&got[..], [Message::Notification(n)] if n.method == "exit"),
            "{got:?}"
        );
    }

    #[test]
    fn a_body_that_is_not_a_message_is_quoted_in_part() {
        let (server, _r) = bounded(8);
        let (client, _c) = bounded(8);
        let body = format!("{{oops{}", "x".repeat(1000));
        let input = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let e = read_messages(&mut input.as_bytes(), 10_000, &server, &client)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.starts_with(
                "malformed LSP payload (key must be a string at line 1 column 2): \"{oopsxxx"
            ),
            "{e}"
        );
        assert!(e.len() < 400, "{e}");
    }
}
