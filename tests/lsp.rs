//! `tenderlint lsp` as an editor meets it: the real binary as a subprocess, spoken to in
//! Content-Length framed JSON-RPC over its standard input and output. Every wait has a
//! time limit, so a server that hangs fails the test instead of hanging it.

mod common;

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: mpsc::Receiver<Value>,
    /// Notifications read while waiting for something else, oldest first.
    queued: VecDeque<Value>,
    /// Requests the server sent us (answered with `null`).
    server_requests: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    /// Set once the server's standard error has ended (the process has gone).
    stderr_closed: Arc<AtomicBool>,
    next_id: i64,
}

impl Client {
    fn start(cwd: &Path, args: &[&str]) -> Client {
        Client::start_with(cwd, args, &[])
    }

    /// With environment variables set for the server.
    fn start_with(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenderlint"))
            .arg("lsp")
            .args(args)
            .envs(env.iter().copied())
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start tenderlint lsp: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let stderr_pipe = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut r) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let stderr_closed = Arc::new(AtomicBool::new(false));
        let closed = stderr_closed.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(stderr_pipe).read_to_string(&mut text);
            if let Ok(mut s) = sink.lock() {
                s.push_str(&text);
            }
            closed.store(true, Ordering::SeqCst);
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming,
            queued: VecDeque::new(),
            server_requests: Vec::new(),
            stderr,
            stderr_closed,
            next_id: 1,
        }
    }

    /// Writes bytes as they are, framing or not.
    fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| panic!("stdin closed"));
        stdin.write_all(bytes).and_then(|()| stdin.flush())
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| panic!("stdin closed"));
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("cannot write to the server: {e}"));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message from the server, answering its requests on the way.
    fn next(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).unwrap_or_else(|e| {
                panic!(
                    "no {waiting_for} from the server ({e:?}); stderr:\n{}",
                    self.stderr()
                )
            });
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.server_requests.push(message);
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                continue;
            }
            return message;
        }
    }

    /// Sends a request and waits for its response (the whole response object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        loop {
            let m = self.next(deadline, method);
            if m.get("id") == Some(&json!(id)) {
                return m;
            }
            self.queued.push_back(m);
        }
    }

    /// Waits for a notification `method` whose params satisfy `want`, first among those
    /// already read; the others stay queued, in order.
    fn wait_for(&mut self, method: &str, want: impl Fn(&Value) -> bool) -> Value {
        let matches = |m: &Value| m["method"] == method && want(&m["params"]);
        if let Some(i) = self.queued.iter().position(matches) {
            let m = self.queued.remove(i).unwrap_or_default();
            return m["params"].clone();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let m = self.next(deadline, method);
            if matches(&m) {
                return m["params"].clone();
            }
            self.queued.push_back(m);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let p = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        p["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Closes standard input and waits for the process to end; its exit code.
    fn wait_exit(&mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    // Everything the server wrote on standard error is read before
                    // anyone looks at it.
                    while !self.stderr_closed.load(Ordering::SeqCst) && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    return status.code().unwrap_or(-1);
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                other => panic!(
                    "the server did not exit: {other:?}; stderr:\n{}",
                    self.stderr()
                ),
            }
        }
    }

    /// Waits for the server to stop by itself, its standard input still open; its exit
    /// status and everything it wrote on standard error.
    fn wait_stopped(&mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                other => panic!(
                    "the server did not stop: {other:?}; stderr:\n{}",
                    self.stderr()
                ),
            }
        };
        while !self.stderr_closed.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        (status, self.stderr())
    }

    /// The response to request `id`, first among the messages already read.
    fn response(&mut self, id: i64) -> Value {
        if let Some(i) = self.queued.iter().position(|m| m["id"] == id) {
            return self.queued.remove(i).unwrap_or_default();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let m = self.next(deadline, "response");
            if m["id"] == id {
                return m;
            }
            self.queued.push_back(m);
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A `file:` URI for an absolute path, as an editor would send it.
fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    let s = path.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Byte offset of an LSP position, counting UTF-16 units (independent of the server's
/// code). The test texts use `\n` line endings.
fn offset16(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let character = pos["character"].as_u64().unwrap_or(0) as usize;
    let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies a code action's text edits for `uri` to `text`, as an editor does; returns
/// the new text and the edits (to send as incremental changes).
fn apply_action(text: &str, action: &Value, uri: &str) -> (String, Vec<Value>) {
    let edits = action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no edits for {uri}: {action}"));
    let mut sorted = edits.clone();
    sorted.sort_by_key(|e| std::cmp::Reverse(offset16(text, &e["range"]["start"])));
    let mut out = text.to_string();
    for e in &sorted {
        let a = offset16(&out, &e["range"]["start"]);
        let b = offset16(&out, &e["range"]["end"]);
        out.replace_range(a..b, e["newText"].as_str().unwrap_or_default());
    }
    (out, sorted)
}

fn initialize(client: &mut Client, root: &Path, capabilities: Value) -> Value {
    let r = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": file_uri(root),
            "capabilities": capabilities,
        }),
    );
    client.notify("initialized", json!({}));
    r["result"].clone()
}

const CLAUSE: &str = "Service credits apply to every missed KPI.";
const REPLACEMENT: &str = "Outcomes are reviewed by the partnership board.";

fn tender() -> String {
    format!(
        "# Community nursing\n\nWe measure quality of life with EQ-5D-5L, reported annually. The joint board, with patient representatives, owns our shared goals and the data sharing agreement.\n\nCafé — “quoted” 😀 {CLAUSE}\n"
    )
}

fn utf16_len(s: &str) -> u64 {
    s.encode_utf16().count() as u64
}

#[test]
fn live_diagnostics_hover_config_reload_code_actions_and_clean_exit() {
    let project = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let elsewhere = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = project.path().join("tenderlint.toml");
    std::fs::write(&config, "[rules]\nservice-credits = \"warning\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let path = project.path().join("specs").join("tender.md");
    std::fs::create_dir_all(path.parent().unwrap_or(project.path()))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut text = tender();
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let uri = file_uri(&path);

    // Started in another folder: the configuration is found from the document's path.
    let mut c = Client::start(elsewhere.path(), &[]);
    let init = initialize(
        &mut c,
        project.path(),
        json!({
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
            "textDocument": {"publishDiagnostics": {"versionSupport": true}},
        }),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert_eq!(
        caps["textDocumentSync"]["change"], 2,
        "incremental sync: {init}"
    );
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert_eq!(init["serverInfo"]["name"], "tenderlint");

    // Open: one finding, after multi-byte characters on the same line.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let d = c.diagnostics(&uri, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    // "Café — “quoted” 😀 " is 18 characters, 28 bytes and 19 UTF-16 units.
    let range = json!({"start": {"line": 4, "character": 19}, "end": {"line": 4, "character": 34}});
    assert_eq!(d[0]["range"], range);
    assert_eq!(d[0]["code"], "service-credits");
    assert_eq!(d[0]["source"], "tenderlint");
    assert_eq!(d[0]["severity"], 2, "warning, as tenderlint.toml says");
    assert!(d[0]["message"]
        .as_str()
        .unwrap_or_default()
        .starts_with("This clause sets up service credits"));
    let registered = c.server_requests.iter().any(|r| {
        r["method"] == "client/registerCapability" && r.to_string().contains("**/tenderlint.toml")
    });
    assert!(
        registered,
        "config watcher registered: {:?}",
        c.server_requests
    );

    // Hover on the finding: the rule's rationale and better wording.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 25}}),
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert!(value.contains("**service-credits**"), "{value}");
    assert!(value.contains("Why it matters"), "{value}");
    assert!(value.contains("Better"), "{value}");
    assert!(
        value.contains("The partnership board reviews the quarterly change in EQ-5D-5L"),
        "{value}"
    );
    assert_eq!(hover["result"]["range"], range);
    let nothing = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}),
    );
    assert_eq!(nothing["result"], Value::Null);

    // Edit the clause away (an incremental change in UTF-16 units): the finding goes.
    let line4 = format!("Café — “quoted” 😀 {CLAUSE}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{
            "range": {"start": {"line": 4, "character": 19}, "end": {"line": 4, "character": utf16_len(&line4)}},
            "text": REPLACEMENT,
        }]}),
    );
    text = text.replace(CLAUSE, REPLACEMENT);
    assert_eq!(c.diagnostics(&uri, 2), Vec::<Value>::new());

    // Put it back: the finding returns at the same place.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{
            "range": {"start": {"line": 4, "character": 19}, "end": {"line": 4, "character": 19 + utf16_len(REPLACEMENT)}},
            "text": CLAUSE,
        }]}),
    );
    text = text.replace(REPLACEMENT, CLAUSE);
    let d = c.diagnostics(&uri, 3);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"], range);

    // tenderlint.toml saved with another severity: open documents are re-linted.
    std::fs::write(&config, "[rules]\nservice-credits = \"error\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 2}]}),
    );
    let d = c.diagnostics(&uri, 3);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["severity"], 1, "error after the configuration changed");

    // Code actions on the finding: for this line, and in this file.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": d}}),
    );
    let actions = actions["result"].as_array().cloned().unwrap_or_default();
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Disable service-credits for this line",
            "Disable service-credits in this file"
        ]
    );
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"));
    assert_eq!(actions[0]["diagnostics"][0]["code"], "service-credits");

    // Apply "for this line" as an editor does, sending the edit back as a change.
    let (fixed, edits) = apply_action(&text, &actions[0], &uri);
    assert_eq!(
        edits,
        [json!({
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}},
            "newText": "<!-- tenderlint-disable-next-line service-credits -- TODO: say why -->\n",
        })]
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect::<Vec<_>>()}),
    );
    assert_eq!(
        c.diagnostics(&uri, 4),
        Vec::<Value>::new(),
        "suppressed, and the comment is used:\n{fixed}"
    );

    // Back to the original text (a full-text change), then "in this file".
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(c.diagnostics(&uri, 5).len(), 1);
    let (fixed, _) = apply_action(&text, &actions[1], &uri);
    assert!(fixed.starts_with(
        "<!-- tenderlint-disable-file service-credits -- TODO: say why -->\n# Community nursing\n"
    ));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 6}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(c.diagnostics(&uri, 6), Vec::<Value>::new());

    // Close: diagnostics cleared.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let p = c.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    assert_eq!(p["diagnostics"], json!([]));

    // Shutdown, exit: status 0, in time.
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null, "{r}");
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0, "stderr:\n{}", c.stderr());
}

#[test]
fn bad_requests_and_a_broken_configuration_do_not_stop_the_server() {
    let project = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = project.path().join("tenderlint.toml");
    std::fs::write(&config, "[rules]\nservice-credit = \"off\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let path = project.path().join("tender.md");
    let uri = file_uri(&path);
    let text = tender();

    let mut c = Client::start(project.path(), &[]);
    // A client that offers UTF-8 positions gets them.
    let init = initialize(
        &mut c,
        project.path(),
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");

    let r = c.request("tenderlint/nonsense", json!({}));
    assert_eq!(r["error"]["code"], -32601, "MethodNotFound: {r}");
    let r = c.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(r["error"]["code"], -32602, "InvalidParams: {r}");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": "file:///not/open.md"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(r["result"], json!([]), "{r}");
    c.notify("textDocument/didChange", json!("garbage"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///not/open.md", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    c.notify("no/such/notification", json!({}));

    // The configuration names no rule: the editor is told, the configuration file and
    // the document get a diagnostic, and the server carries on.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let shown = c.wait_for("window/showMessage", |_| true);
    assert!(
        shown["message"]
            .as_str()
            .unwrap_or_default()
            .contains("there is no rule `service-credit`"),
        "{shown}"
    );
    let config_uri = file_uri(&config);
    let on_config = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == config_uri
    });
    assert_eq!(
        on_config["diagnostics"][0]["range"],
        json!({"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 14}})
    );
    let d = c.diagnostics(&uri, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "config");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("tenderlint.toml:2:1"),
        "{d:?}"
    );

    // Fixed on disk and saved: the configuration's diagnostics are cleared, and the
    // document is linted with it (positions in UTF-8 bytes now).
    std::fs::write(&config, "[rules]\nservice-credits = \"info\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let cleared = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == config_uri
    });
    assert_eq!(cleared["diagnostics"], json!([]));
    let d = c.diagnostics(&uri, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["severity"], 3);
    assert_eq!(d[0]["range"]["start"], json!({"line": 4, "character": 28}));

    // Positions far outside the text are clamped, not fatal.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{
            "range": {"start": {"line": 100, "character": 0}, "end": {"line": 200, "character": 5}},
            "text": "\nThe end.\n",
        }]}),
    );
    assert_eq!(c.diagnostics(&uri, 2).len(), 1);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4000000000u64, "character": 4000000000u64}}),
    );
    assert_eq!(r["result"], Value::Null, "{r}");

    // A configuration edited on disk with no notice from the editor (not every editor
    // watches files for its servers) applies from the next change on.
    std::fs::write(&config, "[rules]\nservice-credits = \"off\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "text": "\n",
        }]}),
    );
    assert_eq!(c.diagnostics(&uri, 3), Vec::<Value>::new());

    // Exit without shutdown: status 1, as the protocol says.
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1, "stderr:\n{}", c.stderr());
}

#[test]
fn input_that_is_not_lsp_ends_the_server_with_a_reason_not_a_hang() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::start(dir.path(), &["--no-config"]);
    initialize(&mut c, dir.path(), json!({}));
    let stdin = c.stdin.as_mut().unwrap_or_else(|| panic!("stdin closed"));
    stdin
        .write_all(b"Content-Length: 5\r\n\r\n{oops")
        .and_then(|()| stdin.flush())
        .unwrap_or_else(|e| panic!("{e}"));
    // The pipe stays open: the server must stop by itself.
    let deadline = Instant::now() + WAIT;
    let code = loop {
        match c.child.try_wait() {
            Ok(Some(status)) => break status.code().unwrap_or(-1),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            other => panic!("the server did not stop: {other:?}"),
        }
    };
    assert_eq!(code, 1);
    let deadline = Instant::now() + WAIT;
    while !c.stderr().contains("malformed") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        c.stderr().contains("malformed LSP payload"),
        "{}",
        c.stderr()
    );
}

#[test]
fn a_buffer_in_a_tender_is_judged_with_its_sibling_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(&pack).unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        std::fs::write(pack.join(name), text).unwrap_or_else(|e| panic!("{e}"))
    };
    write("tender.toml", "name = \"MSK\"\n");
    write(
        "kpi-schedule.md",
        "# Schedule 3\n\nChange in EQ-5D-5L score from referral to discharge, reported annually.\n",
    );
    let spec = "# Specification\n\nThe joint board, with patient representatives, owns our shared goals and the data sharing agreement.\n";
    write("specification.md", "# Old text on disk\n");
    let uri = file_uri(&pack.join("specification.md"));

    let mut c = Client::start(dir.path(), &["--no-config"]);
    initialize(
        &mut c,
        dir.path(),
        json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}}),
    );
    let change = |c: &mut Client, version: i64, text: &str| {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        c.diagnostics(&uri, version)
    };
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": spec}}),
    );
    // The outcome measure is in the KPI schedule on disk; the buffer, not the old text
    // on disk, stands for the specification.
    let d = c.diagnostics(&uri, 1);
    assert_eq!(d, Vec::<Value>::new(), "{d:?}");

    // Without the tender file, the buffer is judged alone.
    std::fs::remove_file(pack.join("tender.toml")).unwrap_or_else(|e| panic!("{e}"));
    let d = change(&mut c, 2, spec);
    let codes: Vec<&str> = d.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["missing-patient-outcomes"], "{d:?}");
}

#[test]
fn a_panic_costs_one_buffer_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::start_with(
        dir.path(),
        &["--no-config"],
        &[("TENDERLINT_FAULT", "INJECTED-FAULT")],
    );
    initialize(
        &mut c,
        dir.path(),
        json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}}),
    );
    let open = |c: &mut Client, name: &str, text: &str| {
        let uri = file_uri(&dir.path().join(name));
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        let d = c.diagnostics(&uri, 1);
        d.iter()
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
    };
    let bad = open(
        &mut c,
        "bad.md",
        "# Spec\n\nINJECTED-FAULT. Service credits apply.\n",
    );
    assert_eq!(bad, ["internal-error"]);
    let good = open(&mut c, "good.md", &tender());
    assert!(
        !good.is_empty() && !good.contains(&"internal-error".to_string()),
        "{good:?}"
    );
    assert!(!c.stderr().contains("panicked"), "{}", c.stderr());
}

#[test]
fn a_buffer_grown_past_the_limit_by_edits_is_let_go() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::start(dir.path(), &["--no-config"]);
    initialize(&mut c, dir.path(), json!({}));
    let uri = file_uri(&dir.path().join("big.md"));
    // Two messages of 34 MB each, both under the limit of one message (64 MiB); together
    // past it.
    // One long word: cheap to check, so the test waits on nothing but the limit.
    let half = "x".repeat(34_000_000);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": half}}),
    );
    let lines = 0;
    let end = half.encode_utf16().count();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{
            "range": {"start": {"line": lines, "character": end}, "end": {"line": lines, "character": end}},
            "text": half,
        }]}),
    );
    let shown = c.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("no longer checked"))
    });
    assert_eq!(shown["type"], 2, "{shown}");
    // The server goes on: a small document is still checked.
    let small = file_uri(&dir.path().join("small.md"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": small, "languageId": "markdown", "version": 1, "text": tender()}}),
    );
    assert!(!c.diagnostics(&small, 1).is_empty());
    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0, "stderr:\n{}", c.stderr());
}

// Framing: what the server reads from its standard input is bounded, and input that is
// not a well-formed frame is refused with a reason, never with a panic, an abort or an
// allocation of whatever size the client claims.

/// The largest message body the server reads (64 MiB), as `docs/hostile-input.md` says.
const LIMIT: usize = 64 << 20;

/// `body` with its header.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// `message`, a JSON object holding the string `"PADDING"`, framed with that string
/// grown so that the body is `len` bytes long.
fn padded(message: &Value, len: usize) -> Vec<u8> {
    let text = message.to_string();
    let at = text
        .find("PADDING")
        .unwrap_or_else(|| panic!("no PADDING in {text}"));
    let mut body = Vec::with_capacity(len);
    body.extend_from_slice(&text.as_bytes()[..at]);
    body.resize(len - (text.len() - at - "PADDING".len()), b'x');
    body.extend_from_slice(&text.as_bytes()[at + "PADDING".len()..]);
    assert_eq!(body.len(), len);
    frame(&body)
}

/// Peak resident memory of a running process, in bytes (Linux only).
fn peak_memory(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// At most the first 2,000 bytes of a server's standard error, for a failure message.
fn cut(stderr: &str) -> &str {
    let mut end = stderr.len().min(2000);
    while !stderr.is_char_boundary(end) {
        end -= 1;
    }
    &stderr[..end]
}

/// A stop on bad framing: exit code 1 (not 101, a panic, nor a signal such as the abort
/// of a failed allocation), with `reason` on standard error.
fn assert_refused(status: ExitStatus, stderr: &str, reason: &str, case: &str) {
    let shown = cut(stderr);
    assert_eq!(status.code(), Some(1), "{case}: {status}; stderr:\n{shown}");
    assert!(
        stderr.contains("tenderlint lsp: ") && stderr.contains(reason),
        "{case}: want {reason:?} on stderr:\n{shown}"
    );
    assert!(!stderr.contains("panicked"), "{case}: {shown}");
}

#[test]
fn an_absurd_content_length_is_never_allocated() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hover = json!({"jsonrpc": "2.0", "id": 50, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}}});
    // 10^18, 2^63 (past isize::MAX: a capacity overflow) and u64::MAX.
    for length in [
        "1000000000000000000",
        "9223372036854775808",
        "18446744073709551615",
    ] {
        let mut c = Client::start(dir.path(), &["--no-config"]);
        initialize(&mut c, dir.path(), json!({}));
        // A normal request follows the header, then 64 MiB more: all of it is the body
        // the client declared, which the server skips without holding it.
        let mut input = format!("Content-Length: {length}\r\n\r\n").into_bytes();
        let header = input.len();
        input.extend(frame(hover.to_string().as_bytes()));
        input.resize(input.len() + LIMIT, b' ');
        let body = input.len() - header;
        c.write_raw(&input).unwrap_or_else(|e| {
            panic!(
                "Content-Length {length}: the server stopped reading ({e}); stderr:\n{}",
                c.stderr()
            )
        });
        assert!(
            matches!(c.child.try_wait(), Ok(None)),
            "Content-Length {length}: the server should still be reading the body; stderr:\n{}",
            c.stderr()
        );
        if let Some(peak) = peak_memory(c.child.id()) {
            assert!(
                peak < 48 << 20,
                "Content-Length {length}: {peak} bytes at peak after 64 MiB of body"
            );
        }
        drop(c.stdin.take());
        let (status, stderr) = c.wait_stopped();
        assert_refused(
            status,
            &stderr,
            &format!("input ended inside a message body ({body} of {length} bytes)"),
            &format!("Content-Length {length}"),
        );
        assert!(
            c.queued.iter().all(|m| m["id"] != 50),
            "the request inside the body was answered: {:?}",
            c.queued
        );
    }
}

#[test]
fn a_message_over_the_limit_is_refused_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let big = file_uri(&dir.path().join("big.md"));
    let small = file_uri(&dir.path().join("small.md"));
    let mut c = Client::start(dir.path(), &["--no-config"]);
    initialize(
        &mut c,
        dir.path(),
        json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}}),
    );

    // A request one byte over the limit, its id after its parameters: answered with an
    // error, by the id found while the body was skipped.
    let request = json!({"jsonrpc": "2.0", "method": "textDocument/hover", "params": {
        "textDocument": {"uri": big}, "position": {"line": 0, "character": 0},
        "padding": "PADDING"}, "id": 900});
    c.write_raw(&padded(&request, LIMIT + 1))
        .unwrap_or_else(|e| panic!("the server stopped reading: {e}; {}", c.stderr()));
    let r = c.response(900);
    assert_eq!(r["error"]["code"], -32600, "InvalidRequest: {r}");
    let message = r["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("67108865 bytes") && message.contains("64 MiB"),
        "{r}"
    );

    // A notification over the limit: skipped, and the editor is told why.
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": big, "languageId": "markdown", "version": 1, "text": "PADDING"}}});
    c.write_raw(&padded(&open, LIMIT + 100))
        .unwrap_or_else(|e| panic!("the server stopped reading: {e}; {}", c.stderr()));
    let shown = c.wait_for("window/showMessage", |_| true);
    let text = shown["message"].as_str().unwrap_or_default();
    assert!(
        text.contains("textDocument/didOpen") && text.contains("64 MiB"),
        "{shown}"
    );

    // The session goes on as usual.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": small, "languageId": "markdown", "version": 1, "text": tender()}}),
    );
    assert_eq!(c.diagnostics(&small, 1).len(), 1);
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": small}, "position": {"line": 4, "character": 20}}),
    );
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("service")),
        "{hover}"
    );
    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0, "stderr:\n{}", c.stderr());
    let stderr = c.stderr();
    assert!(
        stderr.contains("textDocument/hover") && stderr.contains("textDocument/didOpen"),
        "each refusal is logged:\n{stderr}"
    );
}

#[test]
fn header_lines_are_read_with_a_limit() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cases: [(&str, &[u8], Vec<u8>, &str); 3] = [
        (
            "a header line of 8 MiB without a newline",
            b"X-Padding: ",
            vec![b'a'; 1 << 16],
            "a header line longer than",
        ),
        (
            "a Content-Length of 8 MiB of digits",
            b"Content-Length: ",
            vec![b'9'; 1 << 16],
            "a header line longer than",
        ),
        (
            "header lines without end",
            b"",
            b"X-Padding: a\r\n".repeat(1 << 12),
            "more than",
        ),
    ];
    for (case, first, chunk, reason) in cases {
        let mut c = Client::start(dir.path(), &["--no-config"]);
        initialize(&mut c, dir.path(), json!({}));
        let mut stdin = c.stdin.take().unwrap_or_else(|| panic!("no stdin"));
        // 8 MiB in all, unless the server stops reading first (a broken pipe).
        let writer = std::thread::spawn(move || -> std::io::Result<usize> {
            stdin.write_all(first)?;
            let mut written = first.len();
            while written < 8 << 20 {
                stdin.write_all(&chunk)?;
                stdin.flush()?;
                written += chunk.len();
            }
            Ok(written)
        });
        let (status, stderr) = c.wait_stopped();
        let written = writer.join().unwrap_or_else(|_| panic!("writer panicked"));
        assert!(
            written.is_err(),
            "{case}: the server read all {written:?} bytes; stderr:\n{}",
            cut(&stderr)
        );
        assert_refused(status, &stderr, reason, case);
    }
}

#[test]
fn malformed_headers_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cases: [(&str, &[u8], &str); 9] = [
        (
            "a word",
            b"Content-Length: lots\r\n\r\n{}",
            "Content-Length is not a number: \"lots\"",
        ),
        (
            "a negative number",
            b"Content-Length: -2\r\n\r\n{}",
            "Content-Length is not a number: \"-2\"",
        ),
        (
            "empty",
            b"Content-Length: \r\n\r\n{}",
            "Content-Length is not a number: \"\"",
        ),
        (
            "past 2^64",
            b"Content-Length: 99999999999999999999999\r\n\r\n{}",
            "Content-Length does not fit in 64 bits: \"99999999999999999999999\"",
        ),
        (
            "missing",
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}",
            "a message header without Content-Length",
        ),
        (
            "no colon",
            b"Content-Length 2\r\n\r\n{}",
            "malformed header line: \"Content-Length 2\"",
        ),
        (
            "two lengths",
            b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "two different Content-Length",
        ),
        (
            "lines ended by LF alone",
            b"Content-Length: 2\n\n{}",
            "malformed header line (not ended by CR LF): \"Content-Length: 2\\n\"",
        ),
        (
            "bytes that are not text",
            b"Content-\xff\x00: 2\r\n\r\n{}",
            "malformed header line: \"Content-\\xff\\x00: 2\"",
        ),
    ];
    for (case, input, reason) in cases {
        let mut c = Client::start(dir.path(), &["--no-config"]);
        initialize(&mut c, dir.path(), json!({}));
        c.write_raw(input)
            .unwrap_or_else(|e| panic!("{case}: cannot write: {e}"));
        // Standard input stays open: the server must stop by itself.
        let (status, stderr) = c.wait_stopped();
        assert_refused(status, &stderr, reason, case);
    }
}

#[test]
fn input_that_ends_inside_a_message_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "inside the body",
            b"Content-Length: 100\r\n\r\n{\"jsonrpc\"",
            "input ended inside a message body (10 of 100 bytes)",
        ),
        (
            "inside the body of a message at the limit",
            b"Content-Length: 67108864\r\n\r\n{",
            "input ended inside a message body (1 of 67108864 bytes)",
        ),
        (
            "inside a header line",
            b"Content-Length: 10",
            "input ended inside a message header",
        ),
        (
            "before the end of the header",
            b"Content-Length: 10\r\n",
            "input ended inside a message header",
        ),
    ];
    for (case, input, reason) in cases {
        let mut c = Client::start(dir.path(), &["--no-config"]);
        initialize(&mut c, dir.path(), json!({}));
        c.write_raw(input)
            .unwrap_or_else(|e| panic!("{case}: cannot write: {e}"));
        drop(c.stdin.take());
        let (status, stderr) = c.wait_stopped();
        assert_refused(status, &stderr, reason, case);
    }
}

#[test]
fn frames_as_clients_write_them_are_understood() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let uri = file_uri(&dir.path().join("a.md"));
    let mut c = Client::start(dir.path(), &["--no-config"]);
    // Header names in any case, a Content-Type, and no space or more than one after the
    // colon (HTTP's header syntax, which LSP follows).
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": true}}}}})
    .to_string();
    let header = format!(
        "content-length:{}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        init.len()
    );
    c.write_raw(format!("{header}{init}").as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = c.response(1);
    assert_eq!(r["result"]["serverInfo"]["name"], "tenderlint", "{r}");
    c.next_id = 2;

    // Two messages in one write.
    let initialized = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}).to_string();
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": tender()}}})
    .to_string();
    let mut both = frame(initialized.as_bytes());
    both.extend(format!("CONTENT-LENGTH:   {}  \r\n\r\n{open}", open.len()).bytes());
    c.write_raw(&both).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.diagnostics(&uri, 1).len(), 1);

    // One message a byte at a time.
    let hover = json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 4, "character": 20}}})
    .to_string();
    for b in frame(hover.as_bytes()) {
        c.write_raw(&[b]).unwrap_or_else(|e| panic!("{e}"));
    }
    let r = c.response(2);
    assert!(r["result"]["contents"]["value"].is_string(), "{r}");

    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0, "stderr:\n{}", c.stderr());
}

#[test]
fn a_buffer_takes_the_configuration_check_gives_its_file() {
    // The nearest configuration above each file, and its overrides, as `check` finds
    // them (tests/config.rs): the server, started above the project, agrees.
    let text = tender();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let files = [
        ("tenderlint.toml", "[rules]\nservice-credits = \"info\"\n"),
        (
            "proj/tenderlint.toml",
            "[rules]\nservice-credits = \"warning\"\n\n[[overrides]]\nfiles = [\"schedules/*.md\"]\nrules = { service-credits = \"off\" }\n",
        ),
        ("proj/spec.md", &text),
        ("proj/schedules/kpi.md", &text),
        ("proj/sub/tenderlint.toml", "[rules]\nservice-credits = \"error\"\n"),
        ("proj/sub/x.md", &text),
    ];
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap_or(dir.path()))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, body).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut c = Client::start(dir.path(), &[]);
    initialize(
        &mut c,
        dir.path(),
        json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}}),
    );
    let cases = [
        ("proj/spec.md", Some(2)),
        ("proj/schedules/kpi.md", None),
        ("proj/sub/x.md", Some(1)),
    ];
    for (name, want) in cases {
        let uri = file_uri(&dir.path().join(name));
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        let d = c.diagnostics(&uri, 1);
        let credits: Vec<Option<u64>> = d
            .iter()
            .filter(|d| d["code"] == "service-credits")
            .map(|d| d["severity"].as_u64())
            .collect();
        let want: Vec<Option<u64>> = want.into_iter().map(Some).collect();
        assert_eq!(credits, want, "{name}: {d:?}");

        // `check` of the same file, from the same folder, finds the same rules.
        let out = Command::new(env!("CARGO_BIN_EXE_tenderlint"))
            .current_dir(dir.path())
            .args(["check", "--format", "json", name])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
        let mut from_check: Vec<String> = v["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|d| format!("{} {}", d["rule"], d["severity"]))
            .collect();
        let names = ["", "error", "warning", "info"];
        let mut from_lsp: Vec<String> = d
            .iter()
            .map(|d| {
                let s = names[d["severity"].as_u64().unwrap_or(0) as usize];
                format!("{} \"{s}\"", d["code"])
            })
            .collect();
        from_check.sort();
        from_lsp.sort();
        assert_eq!(
            from_lsp, from_check,
            "{name}: the server and check disagree"
        );
    }
}

#[test]
fn disable_for_this_line_works_on_a_document_level_finding_without_a_heading() {
    // A file without a heading: findings about the whole document sit on its first
    // prose, so the comment "for this line" writes above it covers them.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("notes.md");
    let text = "EQ-5D-5L is reported each year. The joint board owns our shared goals and the data sharing agreement. Service credits apply.\n";
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let uri = file_uri(&path);
    let mut c = Client::start(dir.path(), &["--no-config"]);
    initialize(
        &mut c,
        dir.path(),
        json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}}),
    );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let d = c.diagnostics(&uri, 1);
    let voice: Vec<Value> = d
        .iter()
        .filter(|d| d["code"] == "missing-patient-voice")
        .cloned()
        .collect();
    assert_eq!(voice.len(), 1, "{d:?}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": voice[0]["range"], "context": {"diagnostics": voice}}),
    );
    let actions = actions["result"].as_array().cloned().unwrap_or_default();
    let line = actions
        .iter()
        .find(|a| a["title"] == "Disable missing-patient-voice for this line")
        .unwrap_or_else(|| panic!("{actions:?}"));
    let (fixed, _) = apply_action(text, line, &uri);
    assert!(fixed.starts_with("<!-- tenderlint-disable-next-line missing-patient-voice"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = c.diagnostics(&uri, 2);
    let codes: Vec<&str> = after.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(
        !codes.contains(&"missing-patient-voice") && !codes.contains(&"unused-suppression"),
        "{fixed}\n{after:?}"
    );
    // The others stay, on the line of the prose, not the comment's.
    assert!(
        after.iter().all(|d| d["range"]["start"]["line"] == 1),
        "{after:?}"
    );
    assert_eq!(codes.len(), d.len() - 1, "{after:?}");

    // `check` agrees, with the comment written by hand.
    common_check(dir.path(), &fixed);
}

/// `check` of `text` as notes.md finds no `missing-patient-voice` and no unused suppression.
fn common_check(dir: &Path, text: &str) {
    std::fs::write(dir.join("notes.md"), text).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_tenderlint"))
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "json", "notes.md"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        !rules.contains(&"missing-patient-voice") && !rules.contains(&"unused-suppression"),
        "{rules:?}"
    );
    assert!(!rules.is_empty(), "the other findings stay");
}

/// Item 7 of issue 19: a diagnostic's message is the first sentence of the finding; the
/// help and rationale are in the hover; findings at one position come most severe first;
/// each links its rule's page.
#[test]
fn editor_messages_are_one_sentence_most_severe_first_and_link_their_page() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // In the engine's order missing-patient-outcomes (here info) comes before
    // missing-patient-voice (here error), both on the first heading.
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "[rules]\nmissing-patient-outcomes = \"info\"\nmissing-patient-voice = \"error\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("spec.md");
    let text = "# Community nursing\n\nThe Provider shall deliver the service in accordance with this specification.\n";
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let uri = file_uri(&path);
    let mut c = Client::start(dir.path(), &[]);
    initialize(
        &mut c,
        dir.path(),
        json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}}),
    );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let d = c.diagnostics(&uri, 1);
    let codes: Vec<&str> = d.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.len() >= 4, "{d:?}");
    let at_heading: Vec<&Value> = d
        .iter()
        .filter(|x| x["range"]["start"] == d[0]["range"]["start"])
        .collect();
    let severities: Vec<i64> = at_heading
        .iter()
        .filter_map(|x| x["severity"].as_i64())
        .collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted, "most severe first: {d:?}");
    assert_eq!(at_heading[0]["code"], "missing-patient-voice", "{d:?}");
    assert!(
        codes.iter().position(|c| *c == "missing-patient-voice")
            < codes.iter().position(|c| *c == "missing-patient-outcomes"),
        "{codes:?}"
    );
    for x in &d {
        let code = x["code"].as_str().unwrap_or_default();
        let message = x["message"].as_str().unwrap_or_default();
        assert!(
            !message.contains('\n') && message.ends_with('.'),
            "{code}: {message:?}"
        );
        assert_eq!(
            message.matches(". ").count(),
            0,
            "{code}: one sentence: {message:?}"
        );
        let href = x["codeDescription"]["href"].as_str().unwrap_or_default();
        assert!(
            href.starts_with("https://") && href.ends_with(&format!("/docs/rules/{code}.md")),
            "{code}: {x}"
        );
    }
    let voice = &at_heading[0];
    assert_eq!(
        voice["message"],
        "This tender never says how patients, carers or service users will be involved: nobody who uses the service has a voice in it."
    );

    // The hover over the heading: every finding there, most severe first, each with its
    // help, its rationale (citing the publication) and its page.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": voice["range"]["start"]}),
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    let voice_at = value.find("**missing-patient-voice**");
    let outcomes_at = value.find("**missing-patient-outcomes**");
    assert!(
        voice_at.is_some() && voice_at < outcomes_at,
        "most severe first: {value}"
    );
    for part in [
        "What to write instead",
        "Say how people who use the service will shape and test it",
        "Why it matters",
        "Tim Coney",
        "docs/rules/missing-patient-voice.md",
    ] {
        assert!(value.contains(part), "{part:?} not in the hover: {value}");
    }
    assert!(!value.contains("domain brief"), "{value}");
}

/// Item 7 of issue 19: a finding about a whole tender names the tender's other files as
/// related information; the diagnostic keeps the first sentence, the hover the rest.
#[test]
fn a_tender_finding_relates_the_tenders_other_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(&pack).unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        std::fs::write(pack.join(name), text).unwrap_or_else(|e| panic!("{e}"))
    };
    write(
        "tender.toml",
        "name = \"MSK\"\nmain = \"specification.md\"\n",
    );
    write(
        "kpi-schedule.md",
        "# Schedule 3\n\nThe schedule lists the clinics.\n",
    );
    write(
        "pricing.md",
        "# Schedule 4\n\nThe price is fixed for the year.\n",
    );
    let spec = "# Specification\n\nThe joint board, with patient representatives, owns our shared goals and the data sharing agreement.\n";
    write("specification.md", spec);
    let uri = file_uri(&pack.join("specification.md"));

    let mut c = Client::start(dir.path(), &["--no-config"]);
    initialize(
        &mut c,
        dir.path(),
        json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}}),
    );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": spec}}),
    );
    let d = c.diagnostics(&uri, 1);
    let outcomes = d
        .iter()
        .find(|x| x["code"] == "missing-patient-outcomes")
        .unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(
        outcomes["message"],
        "This tender names no patient-outcome measure: nothing in it says how anyone will know whether patients are better off.",
        "the files searched are in the hover and the related information, not the message"
    );
    let related: Vec<&str> = outcomes["relatedInformation"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["location"]["uri"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut want = vec![
        file_uri(&pack.join("kpi-schedule.md")),
        file_uri(&pack.join("pricing.md")),
    ];
    want.sort();
    let mut got: Vec<String> = related.iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(got, want, "{outcomes}");
    assert!(
        outcomes["relatedInformation"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"MSK\"")),
        "{outcomes}"
    );
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": outcomes["range"]["start"]}),
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(value.contains("Searched all 3 files"), "{value}");
}

/// The LSP position (UTF-16) of byte `at` in `text`, lines ended by `\n`, `\r\n` or `\r`.
fn position16(text: &str, at: usize) -> Value {
    let (mut line, mut character) = (0u64, 0u64);
    let mut chars = text[..at].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                character = 0;
            }
            c => character += c.len_utf16() as u64,
        }
    }
    json!({"line": line, "character": character})
}

#[test]
fn edits_to_a_long_buffer_give_what_the_same_text_opened_afresh_gives() {
    // Long enough for the server to keep several pieces of it between edits.
    let fixtures = common::markdown_fixtures();
    let mut text = String::from("# Tender — “Community nursing” 😀\n\n");
    while text.len() < 150_000 {
        for f in &fixtures {
            text.push_str(f);
            text.push_str("\n\n");
        }
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::start(dir.path(), &["--no-config"]);
    initialize(&mut c, dir.path(), json!({}));
    let uri = file_uri(&dir.path().join("edited.md"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    assert!(!c.diagnostics(&uri, 1).is_empty());
    // A character, a new paragraph, a heading, a suppression comment, an unclosed fence
    // and a deletion across a few kilobytes, at places through the buffer.
    let edits: [(usize, usize, &str); 7] = [
        (text.len() / 2, 0, "x"),
        (text.len() / 3, 0, "\n\nService credits apply. Café 😀\n\n"),
        (text.len() / 5, 0, "\n\n## Payment\n\n"),
        (text.len() / 4, 0, "\n\n<!-- tenderlint-disable -->\n\n"),
        (text.len() * 3 / 4, 0, "\n\n```\n"),
        (text.len() / 10, 3000, ""),
        (text.len() * 3 / 4, 5, ""),
    ];
    for (n, (at, delete, insert)) in edits.into_iter().enumerate() {
        let version = n as i64 + 2;
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let end = (at + delete..=text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        let range = json!({"start": position16(&text, at), "end": position16(&text, end)});
        text.replace_range(at..end, insert);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": range, "text": insert}]}),
        );
        let edited = c.diagnostics(&uri, version);
        let fresh_uri = file_uri(&dir.path().join(format!("fresh-{version}.md")));
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": fresh_uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        let fresh = c.diagnostics(&fresh_uri, 1);
        assert!(!fresh.is_empty());
        assert!(
            edited == fresh,
            "after edit {n} the edited buffer has {} diagnostics, the same text opened afresh {}",
            edited.len(),
            fresh.len()
        );
    }
    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0, "stderr:\n{}", c.stderr());
}
