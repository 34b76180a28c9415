//! `tenderlint lsp` as an editor meets it: the real binary as a subprocess, spoken to in
//! Content-Length framed JSON-RPC over its standard input and output. Every wait has a
//! time limit, so a server that hangs fails the test instead of hanging it.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
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
    next_id: i64,
}

impl Client {
    fn start(cwd: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenderlint"))
            .arg("lsp")
            .args(args)
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
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(stderr_pipe).read_to_string(&mut text);
            if let Ok(mut s) = sink.lock() {
                s.push_str(&text);
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming,
            queued: VecDeque::new(),
            server_requests: Vec::new(),
            stderr,
            next_id: 1,
        }
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
                Ok(Some(status)) => return status.code().unwrap_or(-1),
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
