//! `tenderlint lsp`: a language server over standard input and output.
//!
//! Built on `lsp-server` (the synchronous JSON-RPC scaffold of rust-analyzer: messages,
//! the connection, the initialize handshake, no async runtime) and `lsp-types` (the
//! protocol's types). Standard input and output are read and written by [`transport`]
//! rather than by `lsp-server`'s own threads, so that every read is bounded.
//!
//! The main thread owns the open buffers and answers requests. Every change sends the
//! buffer's new text to one worker thread, which waits until no change has come for
//! [`DEBOUNCE`] (and never longer than [`MAX_WAIT`] in all), lints the newest version of
//! each changed buffer, and publishes its diagnostics unless a newer version arrived in
//! the meantime. Hover and code actions read the worker's last result for the buffer, or
//! lint it on the spot when that result is older than the buffer.
//!
//! Each buffer is linted with the configuration that applies to its path
//! ([`lint::Linters`], one linter per configuration file). When a configuration file
//! changes (a watched-file event, or a save in the editor) every linter is dropped and
//! every open buffer re-linted; an edit the editor did not report is noticed at the next
//! lint by the file's size and modification time. A configuration with errors never
//! stops the server: the
//! buffers it applies to get one diagnostic naming the error, the configuration file gets
//! diagnostics at the error, and the editor shows a message once.

// `lsp_types::Uri` caches parts of its parse inside, which clippy counts as interior
// mutability; its Eq and Hash use only the URI text, so it is a sound map key.
#![allow(clippy::mutable_key_type)]

pub mod fixes;
pub mod incremental;
pub mod lint;
pub mod text;
pub mod transport;

pub use lint::Options;

use crossbeam_channel::Sender;
use lint::{Linters, Located, Outcome, Ready};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
    MarkupContent, MarkupKind, MessageType, PublishDiagnosticsParams, Range, Registration,
    RegistrationParams, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use text::Encoding;

/// Quiet time after the last change before a buffer is linted.
pub const DEBOUNCE: Duration = Duration::from_millis(150);
/// Longest wait for a lint while changes keep coming.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

/// Runs the server until the client says `exit`. Returns the process exit code: 0 after
/// a `shutdown` request, 1 otherwise (as the protocol asks).
pub fn run(options: Options) -> u8 {
    let (connection, io_threads) = match transport::stdio() {
        Ok(started) => started,
        Err(e) => {
            eprintln!("tenderlint lsp: cannot start the input and output threads: {e}");
            return 1;
        }
    };
    let (code, finished) = match serve(&connection, options) {
        Ok(code) => (code, true),
        // The reader thread has stopped, and says why when joined.
        Err(Stopped::Disconnected) => (1, true),
        Err(Stopped::Failed(e)) => {
            eprintln!("tenderlint lsp: {e}");
            (1, false)
        }
    };
    drop(connection);
    // The reader thread stops at `exit`, at the end of input or at input that is not
    // LSP (which it reports); after another protocol error it may still be waiting for
    // input, and the process ends without it.
    if finished {
        if let Err(e) = io_threads.join() {
            eprintln!("tenderlint lsp: {e}");
        }
    }
    code
}

/// State shared between the main thread and the worker.
struct Shared {
    linters: Mutex<Linters>,
    /// The last published result of each open buffer.
    results: Mutex<HashMap<Uri, Published>>,
    root: PathBuf,
    enc: Encoding,
}

/// The findings of one version of a buffer, from the worker or from a request that
/// could not wait for it; whichever lints a version first saves the other the work.
#[derive(Clone)]
struct Published {
    /// Which opening of the buffer (a closed and reopened buffer restarts its versions).
    opened: u64,
    version: i32,
    /// The [`Linters`] generation it was linted in: a reload makes it stale.
    generation: u64,
    outcome: Outcome,
}

impl Published {
    fn is_for(&self, opened: u64, version: i32, generation: u64) -> bool {
        (self.opened, self.version, self.generation) == (opened, version, generation)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Buffer {
    text: String,
    version: i32,
    opened: u64,
}

enum Job {
    Lint {
        uri: Uri,
        opened: u64,
        version: i32,
        text: Arc<str>,
    },
    Close(Uri),
}

struct Server {
    sender: Sender<Message>,
    shared: Arc<Shared>,
    buffers: HashMap<Uri, Buffer>,
    jobs: mpsc::Sender<Job>,
    shutdown: bool,
    watch: bool,
    /// Buffers opened so far.
    opened: u64,
}

/// Why the server stopped before `exit`.
enum Stopped {
    /// Input ended, or was not LSP.
    Disconnected,
    Failed(String),
}

fn serve(connection: &Connection, options: Options) -> Result<u8, Stopped> {
    let (id, params) = connection.initialize_start().map_err(|e| {
        if e.channel_is_disconnected() {
            Stopped::Disconnected
        } else {
            Stopped::Failed(e.to_string())
        }
    })?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_else(|e| {
        eprintln!("tenderlint lsp: initialize parameters not understood ({e}); using defaults");
        InitializeParams::default()
    });
    let enc = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    #[allow(deprecated)] // root_uri: older clients send only that
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| lint::uri_to_path(&f.uri))
        .or_else(|| params.root_uri.as_ref().and_then(lint::uri_to_path))
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());

    let result = InitializeResult {
        capabilities: capabilities(enc),
        server_info: Some(ServerInfo {
            name: "tenderlint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    send(&connection.sender, Response::new_ok(id, result));

    let shared = Arc::new(Shared {
        linters: Mutex::new(Linters::new(options)),
        results: Mutex::new(HashMap::new()),
        root,
        enc,
    });
    let (jobs, queue) = mpsc::channel();
    let worker = {
        let shared = shared.clone();
        let sender = connection.sender.clone();
        std::thread::Builder::new()
            .name("tenderlint-lint".into())
            .spawn(move || work(&queue, &sender, &shared))
            .map_err(|e| Stopped::Failed(format!("cannot start the lint thread: {e}")))?
    };
    let mut server = Server {
        sender: connection.sender.clone(),
        shared,
        buffers: HashMap::new(),
        jobs,
        shutdown: false,
        watch,
        opened: 0,
    };

    let mut code = 1;
    for message in &connection.receiver {
        match message {
            Message::Request(req) => server.request(req),
            Message::Notification(n) if n.method == "exit" => {
                code = if server.shutdown { 0 } else { 1 };
                break;
            }
            Message::Notification(n) => server.notification(n),
            // Answers to our own requests (registering the file watcher): nothing to do.
            Message::Response(_) => {}
        }
    }
    let Server { jobs, sender, .. } = server;
    drop(jobs);
    drop(sender);
    if worker.join().is_err() {
        eprintln!("tenderlint lsp: the lint thread stopped with an error");
    }
    Ok(code)
}

fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

fn send(sender: &Sender<Message>, message: impl Into<Message>) {
    // Fails only when the writer thread has gone, that is when the client has gone.
    let _ = sender.send(message.into());
}

fn notify<N: lsp_types::notification::Notification>(sender: &Sender<Message>, params: N::Params) {
    send(sender, Notification::new(N::METHOD.to_string(), params));
}

fn publish(
    sender: &Sender<Message>,
    uri: Uri,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) {
    notify::<lsp_types::notification::PublishDiagnostics>(
        sender,
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    );
}

fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::config::FILE_NAMES.contains(&n) || n.ends_with(".toml"))
}

impl Server {
    fn respond(&self, id: RequestId, result: Result<serde_json::Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(v) => Response {
                id,
                response_result: Ok(v),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        send(&self.sender, response);
    }

    fn request(&mut self, req: Request) {
        let Request { id, method, params } = req;
        if self.shutdown {
            return self.respond(
                id,
                Err((
                    ErrorCode::InvalidRequest,
                    "the server is shutting down".into(),
                )),
            );
        }
        let result = catch_unwind(AssertUnwindSafe(|| self.answer(&method, params)))
            .unwrap_or_else(|_| {
                Err((
                    ErrorCode::InternalError,
                    format!("tenderlint failed while answering {method}"),
                ))
            });
        self.respond(id, result);
    }

    fn answer(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        fn parse<P: serde::de::DeserializeOwned>(
            method: &str,
            params: serde_json::Value,
        ) -> Result<P, (ErrorCode, String)> {
            serde_json::from_value(params).map_err(|e| {
                (
                    ErrorCode::InvalidParams,
                    format!("invalid {method} parameters: {e}"),
                )
            })
        }
        let value = match method {
            lsp_types::request::Shutdown::METHOD => {
                self.shutdown = true;
                serde_json::Value::Null
            }
            lsp_types::request::HoverRequest::METHOD => {
                let hover = self.hover(parse(method, params)?);
                serde_json::to_value(hover).unwrap_or_default()
            }
            lsp_types::request::CodeActionRequest::METHOD => {
                let actions = self.code_actions(parse(method, params)?);
                serde_json::to_value(actions).unwrap_or_default()
            }
            _ => {
                return Err((
                    ErrorCode::MethodNotFound,
                    format!("tenderlint does not handle {method}"),
                ))
            }
        };
        Ok(value)
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::notification as N;
        let method = n.method.clone();
        let done = catch_unwind(AssertUnwindSafe(|| -> Result<(), serde_json::Error> {
            match n.method.as_str() {
                N::Initialized::METHOD => self.register_watcher(),
                N::DidOpenTextDocument::METHOD => {
                    let p: DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                    let doc = p.text_document;
                    self.opened += 1;
                    self.buffers.insert(
                        doc.uri.clone(),
                        Buffer {
                            text: doc.text,
                            version: doc.version,
                            opened: self.opened,
                        },
                    );
                    self.schedule(&doc.uri);
                }
                N::DidChangeTextDocument::METHOD => {
                    let p: DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                    let uri = p.text_document.uri;
                    let Some(buffer) = self.buffers.get_mut(&uri) else {
                        eprintln!(
                            "tenderlint lsp: a change to {} which is not open",
                            uri.as_str()
                        );
                        return Ok(());
                    };
                    for change in p.content_changes {
                        text::apply_change(&mut buffer.text, change, self.shared.enc);
                    }
                    buffer.version = p.text_document.version;
                    // Each message is bounded, but edits could grow a buffer without end:
                    // past the largest document a message may carry, it is let go.
                    if buffer.text.len() as u64 > transport::MAX_BODY {
                        let len = buffer.text.len();
                        self.buffers.remove(&uri);
                        lock(&self.shared.results).remove(&uri);
                        let _ = self.jobs.send(Job::Close(uri.clone()));
                        eprintln!("tenderlint lsp: {} grew to {len} bytes, past the limit; no longer checked", uri.as_str());
                        notify::<lsp_types::notification::ShowMessage>(
                            &self.sender,
                            ShowMessageParams {
                                typ: MessageType::WARNING,
                                message: format!(
                                    "tenderlint: this document is now larger than {} MiB, so it is no longer checked. Close and reopen it once it is smaller.",
                                    transport::MAX_BODY >> 20
                                ),
                            },
                        );
                        return Ok(());
                    }
                    self.schedule(&uri);
                }
                N::DidCloseTextDocument::METHOD => {
                    let p: DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                    self.buffers.remove(&p.text_document.uri);
                    lock(&self.shared.results).remove(&p.text_document.uri);
                    let _ = self.jobs.send(Job::Close(p.text_document.uri));
                }
                N::DidSaveTextDocument::METHOD => {
                    let p: DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
                    if lint::uri_to_path(&p.text_document.uri).is_some_and(|p| is_config_file(&p)) {
                        self.reload();
                    }
                }
                N::DidChangeWatchedFiles::METHOD => {
                    let p: DidChangeWatchedFilesParams = serde_json::from_value(n.params)?;
                    if p.changes
                        .iter()
                        .any(|c| lint::uri_to_path(&c.uri).is_some_and(|p| is_config_file(&p)))
                    {
                        self.reload();
                    }
                }
                // $/cancelRequest, $/setTrace, workspace/didChangeConfiguration, ...
                _ => {}
            }
            Ok(())
        }));
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("tenderlint lsp: invalid {method} parameters: {e}"),
            Err(_) => eprintln!("tenderlint lsp: failed while handling {method}"),
        }
    }

    /// Asks the client to tell us when a configuration file changes on disk.
    fn register_watcher(&mut self) {
        if !self.watch {
            return;
        }
        let watchers = crate::config::FILE_NAMES
            .iter()
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "tenderlint-config".into(),
                method: lsp_types::notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        send(
            &self.sender,
            Request::new(
                RequestId::from("tenderlint-register-config-watcher".to_string()),
                lsp_types::request::RegisterCapability::METHOD.into(),
                params,
            ),
        );
    }

    fn schedule(&self, uri: &Uri) {
        if let Some(b) = self.buffers.get(uri) {
            let _ = self.jobs.send(Job::Lint {
                uri: uri.clone(),
                opened: b.opened,
                version: b.version,
                text: Arc::from(b.text.as_str()),
            });
        }
    }

    /// A configuration changed: forget every linter and re-lint every open buffer.
    fn reload(&mut self) {
        {
            let mut linters = lock(&self.shared.linters);
            linters.reload();
            clear_reported(&self.sender, &mut linters);
        }
        let uris: Vec<Uri> = self.buffers.keys().cloned().collect();
        for uri in &uris {
            self.schedule(uri);
        }
    }

    /// The findings of a buffer as it is now: the worker's, or linted now when the
    /// worker's are older than the buffer.
    fn current(&self, uri: &Uri) -> Option<(&Buffer, Outcome)> {
        let buffer = self.buffers.get(uri)?;
        let generation = lock(&self.shared.linters).generation;
        let (opened, version) = (buffer.opened, buffer.version);
        let cached = lock(&self.shared.results)
            .get(uri)
            .filter(|p| p.is_for(opened, version, generation))
            .map(|p| p.outcome.clone());
        if let Some(outcome) = cached {
            return Some((buffer, outcome));
        }
        let path = lint::uri_to_path(uri);
        let s = &self.shared;
        let outcome = lint::lint(
            &s.linters,
            path.as_deref(),
            &s.root,
            &buffer.text,
            s.enc,
            None,
        );
        // Saved for the worker, which then publishes it without linting again.
        let mut results = lock(&s.results);
        if results
            .get(uri)
            .is_none_or(|p| (p.opened, p.version) <= (opened, version))
        {
            results.insert(
                uri.clone(),
                Published {
                    opened,
                    version,
                    generation,
                    outcome: outcome.clone(),
                },
            );
        }
        Some((buffer, outcome))
    }

    fn hover(&self, params: HoverParams) -> Option<Hover> {
        let at = params.text_document_position_params;
        let (_, outcome) = self.current(&at.text_document.uri)?;
        let (found, ready) = outcome.located();
        let pos = at.position;
        let hits: Vec<&Located> = found
            .iter()
            .filter(|l| l.range.start <= pos && pos <= l.range.end)
            .collect();
        let first = hits.first()?;
        let value = hits
            .iter()
            .map(|l| explain(ready.map(|r| &**r), l))
            .collect::<Vec<_>>()
            .join("\n\n---\n\n");
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(first.range),
        })
    }

    fn code_actions(&self, params: CodeActionParams) -> Vec<CodeActionOrCommand> {
        if let Some(only) = &params.context.only {
            let quickfix = CodeActionKind::QUICKFIX;
            if !only
                .iter()
                .any(|k| quickfix.as_str().starts_with(k.as_str()))
            {
                return Vec::new();
            }
        }
        let uri = params.text_document.uri;
        let Some((buffer, outcome)) = self.current(&uri) else {
            return Vec::new();
        };
        let want = params.range;
        let hits: Vec<&Located> = outcome
            .located()
            .0
            .iter()
            .filter(|l| l.range.start <= want.end && want.start <= l.range.end)
            .filter(|l| &*l.finding.rule != crate::config::UNUSED_SUPPRESSION)
            .collect();
        if hits.is_empty() {
            return Vec::new();
        }
        let text = buffer.text.as_str();
        let doc = crate::document::Document::parse(text);
        let mut actions = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for l in &hits {
            let rule = &*l.finding.rule;
            let line_fix = fixes::disable_next_line(&doc, rule, l.finding.span.offset);
            let file_fix = fixes::disable_file(text, rule);
            for fix in [line_fix, file_fix] {
                if seen.insert((fix.title.clone(), fix.inserts.clone())) {
                    actions.push(self.action(&uri, &doc, fix, l));
                }
            }
        }
        // For this line first, then for the file.
        actions.sort_by_key(|a| match a {
            CodeActionOrCommand::CodeAction(a) => a.title.ends_with("in this file"),
            CodeActionOrCommand::Command(_) => true,
        });
        actions
    }

    fn action(
        &self,
        uri: &Uri,
        doc: &crate::document::Document,
        fix: fixes::Fix,
        l: &Located,
    ) -> CodeActionOrCommand {
        let offsets: Vec<usize> = fix.inserts.iter().map(|i| i.at).collect();
        let positions = text::positions(doc.source, &doc.lines, &offsets, self.shared.enc);
        let edits = fix
            .inserts
            .into_iter()
            .zip(positions)
            .map(|(insert, p)| TextEdit {
                range: Range::new(p, p),
                new_text: insert.text,
            })
            .collect();
        CodeActionOrCommand::CodeAction(CodeAction {
            title: fix.title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![lint::to_lsp(l)]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        })
    }
}

/// Hover text for one finding: the rule's title, the whole finding (the diagnostic carries
/// its first sentence only), why it matters and what to write instead (what `tenderlint
/// explain` prints), and the rule's page.
fn explain(ready: Option<&Ready>, l: &Located) -> String {
    let d = &l.finding;
    let rule = ready.and_then(|r| {
        r.linter
            .rules
            .get(&d.rule)
            .or_else(|| r.linter.catalogue.iter().find(|c| c.id == d.rule))
    });
    let mut out = match rule {
        Some(r) => format!(
            "**{}** ({}): {}\n\n{}",
            r.id, d.severity, r.title, d.message
        ),
        None => format!("**{}** ({})\n\n{}", d.rule, d.severity, d.message),
    };
    if let Some(r) = rule {
        out.push_str(&format!("\n\n**Why it matters**\n\n{}", r.rationale.trim()));
    }
    if !d.help.is_empty() {
        out.push_str(&format!("\n\n**What to write instead**\n\n{}", d.help));
    }
    if let Some(better) = rule.and_then(|r| r.better.as_deref()) {
        out.push_str(&format!("\n\n**Better**\n\n> {}", better.trim()));
    }
    if rule.is_some() {
        out.push_str(&format!(
            "\n\n`tenderlint explain {}` prints this, with an example it flags.",
            d.rule
        ));
    }
    if let Some(url) = crate::docs::url_for(&d.rule) {
        out.push_str(&format!(
            " The rule's page, with a worked example and how to configure it: [{}]({url}).",
            crate::docs::page_path(&d.rule)
        ));
    }
    out
}

/// The worker: debounces jobs, lints, publishes.
fn work(queue: &mpsc::Receiver<Job>, sender: &Sender<Message>, shared: &Shared) {
    // The newest text of each buffer waiting to be linted: (opened, version, text).
    type Pending = HashMap<Uri, (u64, i32, Arc<str>)>;
    let mut pending: Pending = HashMap::new();
    // Each open buffer's pieces from its last lint here, so that an edit re-lints only
    // the pieces it touched (see `incremental`).
    let mut caches: HashMap<Uri, lint::Cache> = HashMap::new();
    let take = |job: Job, pending: &mut Pending, caches: &mut HashMap<Uri, lint::Cache>| match job {
        Job::Lint {
            uri,
            opened,
            version,
            text,
        } => {
            pending.insert(uri, (opened, version, text));
        }
        Job::Close(uri) => {
            pending.remove(&uri);
            caches.remove(&uri);
            lock(&shared.results).remove(&uri);
            publish(sender, uri, Vec::new(), None);
        }
    };
    loop {
        if pending.is_empty() {
            match queue.recv() {
                Ok(job) => take(job, &mut pending, &mut caches),
                Err(_) => return,
            }
            if pending.is_empty() {
                continue;
            }
        }
        // Debounce: wait for a quiet spell.
        let first = Instant::now();
        let mut last = first;
        loop {
            let deadline = (last + DEBOUNCE).min(first + MAX_WAIT);
            match queue.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(job) => {
                    take(job, &mut pending, &mut caches);
                    last = Instant::now();
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        while let Some(uri) = pending.keys().next().cloned() {
            let Some((opened, version, text)) = pending.remove(&uri) else {
                continue;
            };
            let generation = lock(&shared.linters).generation;
            // Linted already, to answer a request about this version.
            let done = lock(&shared.results)
                .get(&uri)
                .filter(|p| p.is_for(opened, version, generation))
                .map(|p| p.outcome.clone());
            let path = lint::uri_to_path(&uri);
            let mut cache = caches.remove(&uri);
            let linted = catch_unwind(AssertUnwindSafe(|| {
                done.unwrap_or_else(|| {
                    let s = shared;
                    let cache = Some(&mut cache);
                    lint::lint(&s.linters, path.as_deref(), &s.root, &text, s.enc, cache)
                })
            }));
            if let Some(cache) = cache {
                caches.insert(uri.clone(), cache);
            }
            let Ok(outcome) = linted else {
                eprintln!("tenderlint lsp: failed while linting {}", uri.as_str());
                continue;
            };
            // Changes that came in while linting: a newer version makes this one stale,
            // and a closed buffer gets no diagnostics.
            let mut closed = false;
            while let Ok(job) = queue.try_recv() {
                if matches!(&job, Job::Close(u) if *u == uri) {
                    closed = true;
                }
                take(job, &mut pending, &mut caches);
            }
            if closed || pending.contains_key(&uri) {
                continue;
            }
            match &outcome {
                Outcome::Failed(problem) => announce(sender, shared, problem),
                // A configuration reloaded while linting may have had errors shown.
                _ => clear_reported(sender, &mut lock(&shared.linters)),
            }
            let diagnostics = outcome.diagnostics();
            let mut results = lock(&shared.results);
            if results
                .get(&uri)
                .is_none_or(|p| (p.opened, p.version) <= (opened, version))
            {
                let published = Published {
                    opened,
                    version,
                    generation,
                    outcome,
                };
                results.insert(uri.clone(), published);
            }
            drop(results);
            publish(sender, uri, diagnostics, Some(version));
        }
    }
}

/// Clears the diagnostics of configuration files that have been reloaded since.
fn clear_reported(sender: &Sender<Message>, linters: &mut Linters) {
    for uri in std::mem::take(&mut linters.to_clear) {
        publish(sender, uri, Vec::new(), None);
    }
}

/// Tells the user once about a configuration that cannot be loaded, and marks the
/// errors in the configuration file itself.
fn announce(sender: &Sender<Message>, shared: &Shared, problem: &lint::Problem) {
    let mut linters = lock(&shared.linters);
    clear_reported(sender, &mut linters);
    // A problem from before the last reload is stale: the file has changed since.
    if problem.generation != linters.generation {
        return;
    }
    let summary = problem.summary();
    if !linters.shown.insert(summary.clone()) {
        return;
    }
    notify::<lsp_types::notification::ShowMessage>(
        sender,
        ShowMessageParams {
            typ: MessageType::ERROR,
            message: format!("tenderlint: the configuration has errors, so files it applies to are not checked.\n{summary}"),
        },
    );
    for (uri, diagnostics) in lint::problem_diagnostics(problem) {
        linters.reported.insert(uri.clone());
        publish(sender, uri, diagnostics, None);
    }
}
