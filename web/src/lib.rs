//! tenderlint for the browser: plain `extern "C"` exports over linear memory, read by
//! the hand-written loader `web/tenderlint.js` (no wasm-bindgen: its CLI is in no
//! package registry reachable here, and four functions need no generated glue).
//!
//! The loader copies the document into memory from [`alloc`], calls [`check`], then
//! reads each output with [`output_ptr`] and [`output_len`]: the HTML report page
//! (as `tenderlint report` writes it for this one file), the JSON diagnostics (as
//! `tenderlint check --format json`), and for a Word document the reviewed copy with
//! each finding as a comment (as `tenderlint review`).
//!
//! The same work is available to Rust as [`run`], which the native tests call.

use std::cell::RefCell;
use tenderlint::check::{check_source, Finish};
use tenderlint::docx;
use tenderlint::engine::Linter;
use tenderlint::history::{self, History};
use tenderlint::report::html::{Html, Page, Section};
use tenderlint::report::{json, FileReport, Outcome, Summary};
use tenderlint::resolve::Settings;
use tenderlint::source::Source;

/// What one check produced.
#[derive(Debug, Default)]
pub struct Outputs {
    /// The report page, self-contained HTML.
    pub html: String,
    /// `--format json`.
    pub json: String,
    /// The reviewed copy of a Word document; empty for Markdown.
    pub reviewed: Vec<u8>,
    /// Why the document could not be checked (then the report says so too), or empty.
    pub error: String,
    /// How many findings, or -1 when the document could not be checked.
    pub found: i32,
}

/// The document's format, as the loader passes it.
pub const MARKDOWN: u32 = 0;
pub const WORD: u32 = 1;

thread_local! {
    static LINTER: RefCell<Option<Linter>> = const { RefCell::new(None) };
    static OUTPUTS: RefCell<Outputs> = RefCell::new(Outputs::default());
}

/// The built-in rules, with no configuration: what `tenderlint check` uses in a folder
/// without `tenderlint.toml`.
fn linter() -> Linter {
    match Settings::build(None, &[], &[]) {
        Ok(s) => s.linter,
        Err(e) => panic!("the built-in rules do not load: {e:?}"),
    }
}

/// Checks one document named `name` (`format` is [`MARKDOWN`] or [`WORD`]), as of
/// the day `date` (`YYYY-MM-DD`, printed on the page).
pub fn run(linter: &Linter, name: &str, format: u32, bytes: &[u8], date: &str) -> Outputs {
    let mut out = Outputs::default();
    let mut word = None;
    let source = if format == WORD {
        match docx::read(bytes) {
            Ok(w) => {
                let s = Source::from_word(&w);
                word = Some(w);
                Ok(s)
            }
            Err(e) => Err((e.to_string(), e.help().map(str::to_string))),
        }
    } else {
        // As the command line reads a file: a byte-order mark, UTF-16 and invalid
        // UTF-8 are handled or explained the same way.
        match tenderlint::files::decode(bytes.to_vec()) {
            Ok(text) => Ok(Source::markdown(text)),
            Err((message, help)) => Err((message, Some(help))),
        }
    };
    let catalogue = linter.catalogue.clone();
    let renderer = Html::new(&catalogue, None);
    let finish = Finish {
        html: Some(&renderer),
        ..Finish::default()
    };
    let report = match &source {
        Ok(s) => check_source(linter, name.to_string(), s, finish),
        Err((message, help)) => {
            out.error = format!("{name} {message}");
            tenderlint::check::unreadable(
                name.to_string(),
                tenderlint::files::FileError {
                    path: name.to_string(),
                    message: message.clone(),
                    help: help.clone(),
                },
                finish,
            )
        }
    };
    match &report.result {
        Ok(d) => out.found = d.len() as i32,
        Err(e) => {
            out.found = -1;
            if out.error.is_empty() {
                out.error = format!("{name}: {}", e.message);
            }
        }
    }
    let reports: Vec<FileReport> = vec![report];
    let sections = [Section {
        title: "The documents".to_string(),
        files: reports.iter().collect(),
        metrics: None,
    }];
    out.html = renderer.page(&Page {
        sections: &sections,
        unreadable: &[],
        history: &History::default(),
        history_asked: false,
        date: date.to_string(),
    });
    let outcome = Outcome {
        reports: &reports,
        unreadable: &[],
        summary: Summary::of(&reports, &[]),
        tenders: &[],
        catalogue: &catalogue,
    };
    let mut json_bytes = Vec::new();
    let _ = json::write(&outcome, &mut json_bytes);
    out.json = String::from_utf8(json_bytes).unwrap_or_default();
    if let (Some(w), Ok(s), Ok(diagnostics)) = (&word, &source, &reports[0].result) {
        let comments = tenderlint::review::comments_for(&s.text, diagnostics, |id| {
            linter.rules.get(id).is_some_and(|r| r.is_document_level())
        });
        match tenderlint::review::write_review(
            bytes,
            w,
            &comments,
            "tenderlint",
            &format!("{date}T00:00:00Z"),
        ) {
            Ok(b) => out.reviewed = b,
            Err(e) => out.error = format!("cannot write comments into {name}: {e}"),
        }
    }
    out
}

/// `len` bytes of memory for the loader to write into; freed by [`free`].
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len.max(1));
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Frees what [`alloc`] returned.
///
/// # Safety
/// `ptr` and `len` must be exactly what [`alloc`] was given and returned.
#[no_mangle]
pub unsafe extern "C" fn free(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, 0, len.max(1)));
}

/// Loads the built-in rules now (the first [`check`] does it otherwise).
#[no_mangle]
pub extern "C" fn init() {
    LINTER.with(|l| {
        l.borrow_mut().get_or_insert_with(linter);
    });
}

/// Compiles one more part of the built-in rules ahead of the first check, so that the
/// page can do it while the officer picks a file, a step at a time between other work:
/// step 0 builds the word index, then one pattern group whole per step, then each
/// rule's filters, the negation and other-sense cues, and last the other senses'
/// triggers as one set. Returns how many steps are left; when none is, every check
/// searches with the compiled groups instead of compiling the parts a document needs.
/// A check before then is right, only slower.
#[no_mangle]
pub extern "C" fn warm(step: u32) -> u32 {
    init();
    LINTER.with(|l| {
        let mut l = l.borrow_mut();
        let linter = l.as_mut().expect("init loads the linter");
        let left = {
            let rules = &linter.rules;
            let mut regexes: Vec<&tenderlint::matcher::LazyRegex> =
                rules.matchers.iter().map(|m| m.whole()).collect();
            regexes.extend(rules.rules.iter().flat_map(|r| r.filters()));
            regexes.extend(rules.senses.regexes());
            let step = step as usize;
            match step.checked_sub(1) {
                None => {
                    rules.words();
                }
                Some(i) => match regexes.get(i) {
                    Some(re) => {
                        re.get();
                    }
                    // The last step: the other senses' triggers, compiled as one set.
                    None => rules.senses.prepare_triggers(),
                },
            }
            (regexes.len() + 1).saturating_sub(step)
        };
        if left == 0 {
            linter.whole_groups = true;
        }
        left as u32
    })
}

/// Checks the document at `doc` (`doc_len` bytes), named by the UTF-8 at `name`, as of
/// the day `days` days after 1970-01-01. Returns the number of findings, or -1 when the
/// document could not be checked (then [`output_ptr`] of 3 says why).
///
/// # Safety
/// Both ranges must be memory from [`alloc`], written by the caller.
#[no_mangle]
pub unsafe extern "C" fn check(
    name: *const u8,
    name_len: usize,
    format: u32,
    doc: *const u8,
    doc_len: usize,
    days: i64,
) -> i32 {
    let name = String::from_utf8_lossy(std::slice::from_raw_parts(name, name_len)).into_owned();
    let bytes = std::slice::from_raw_parts(doc, doc_len);
    let date = history::date(days * 86_400);
    init();
    let outputs = LINTER.with(|l| {
        let l = l.borrow();
        let linter = l.as_ref().expect("init loads the linter");
        run(linter, &name, format, bytes, &date)
    });
    let found = outputs.found;
    OUTPUTS.with(|o| *o.borrow_mut() = outputs);
    found
}

/// Where output `which` of the last [`check`] starts: 0 the HTML page, 1 the JSON,
/// 2 the reviewed .docx, 3 the error message.
#[no_mangle]
pub extern "C" fn output_ptr(which: u32) -> *const u8 {
    OUTPUTS.with(|o| {
        let o = o.borrow();
        match which {
            0 => o.html.as_ptr(),
            1 => o.json.as_ptr(),
            2 => o.reviewed.as_ptr(),
            _ => o.error.as_ptr(),
        }
    })
}

/// The length in bytes of output `which` (see [`output_ptr`]).
#[no_mangle]
pub extern "C" fn output_len(which: u32) -> usize {
    OUTPUTS.with(|o| {
        let o = o.borrow();
        match which {
            0 => o.html.len(),
            1 => o.json.len(),
            2 => o.reviewed.len(),
            _ => o.error.len(),
        }
    })
}
