//! What tenderlint reads besides the documents asked for, and what it writes, through the
//! real binary: everything it reads must be a regular file and is read only up to a
//! limit; everything it writes is written without replacing a symbolic link, a device or
//! a named pipe; output that cannot be written is exit code 2. Every run is killed after
//! a timeout, so that a hang fails the test instead of blocking the suite.
//! The table in docs/hostile-input.md lists the same cases.
#![cfg(unix)]

use serde_json::Value;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One service-credit finding at 3:1, and an outcome measure.
const GOOD: &str = "# Good\n\nService credits apply. EQ-5D-5L is reported annually.\n";

/// Far longer than any of these runs takes in a debug build.
const TIMEOUT: Duration = Duration::from_secs(60);

const MIB: u64 = 1 << 20;

struct Out {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}; stderr: {}",
                String::from_utf8_lossy(&self.stdout),
                self.stderr
            )
        })
    }
}

/// The binary in `dir` with `args`; standard input empty, output captured.
fn tenderlint(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenderlint"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `cmd` to its end, or kills it after [`TIMEOUT`] and fails.
fn run(mut cmd: Command) -> Out {
    wait(cmd.spawn().unwrap_or_else(|e| panic!("cannot run: {e}")))
}

/// Waits for `child` as [`run`] does, reading its output meanwhile.
fn wait(mut child: std::process::Child) -> Out {
    fn drain(s: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(mut s) = s {
                let _ = s.read_to_end(&mut v);
            }
            v
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("tenderlint hung: killed after {TIMEOUT:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("{e}"),
        }
    };
    let out = Out {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap_or_default(),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned(),
    };
    assert!(
        !out.stderr.contains("panicked"),
        "tenderlint panicked: {}",
        out.stderr
    );
    assert!(
        status.code().is_some(),
        "tenderlint was killed ({status}): {}",
        out.stderr
    );
    out
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "good.md", GOOD.as_bytes());
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

fn symlink(to: impl AsRef<Path>, at: &Path) {
    std::os::unix::fs::symlink(to, at).unwrap_or_else(|e| panic!("{e}"));
}

/// A file of `len` bytes that takes no space (a hole), to test limits cheaply.
fn sparse(path: &Path, len: u64) {
    let f = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(len).unwrap_or_else(|e| panic!("{e}"));
}

/// Exit code 2, and stderr says each of `words`.
fn refused(out: &Out, words: &[&str]) {
    for w in words {
        assert!(
            out.stderr.contains(w),
            "stderr should say {w:?}: {}",
            out.stderr
        );
    }
    assert_eq!(out.code, 2, "{}", out.stderr);
}

fn file_error(json: &Value, path: &str) -> Option<String> {
    json["file_errors"]
        .as_array()?
        .iter()
        .find(|e| e["path"] == path)
        .and_then(|e| e["message"].as_str())
        .map(str::to_string)
}

fn service_credit_lines(json: &Value, path: &str) -> Vec<u64> {
    json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["path"] == path && d["rule"] == "service-credits")
                .filter_map(|d| d["span"]["start"]["line"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_configuration_extending_an_endless_device_or_a_named_pipe_is_refused() {
    let dir = scratch();
    let p = dir.path();
    // Each file takes the configuration nearest above it: here, the folder's own.
    write(p, "zero/tenderlint.toml", b"extend = [\"/dev/zero\"]\n");
    write(p, "zero/good.md", GOOD.as_bytes());
    let out = run(tenderlint(p, &["check", "zero/good.md"]));
    refused(
        &out,
        &["/dev/zero", "is a character device, not a regular file"],
    );

    write(p, "pipe/tenderlint.toml", b"extend = [\"rules.toml\"]\n");
    mkfifo(&p.join("pipe/rules.toml"));
    write(p, "pipe/good.md", GOOD.as_bytes());
    let out = run(tenderlint(p, &["check", "pipe/good.md"]));
    refused(
        &out,
        &["rules.toml", "is a named pipe (FIFO), not a regular file"],
    );

    // The configuration itself, named or found.
    let out = run(tenderlint(
        p,
        &["check", "--config", "pipe/rules.toml", "good.md"],
    ));
    refused(&out, &["pipe/rules.toml", "named pipe"]);
    write(p, "found/good.md", GOOD.as_bytes());
    mkfifo(&p.join("found/tenderlint.toml"));
    let out = run(tenderlint(p, &["check", "found/good.md"]));
    refused(&out, &["tenderlint.toml", "named pipe"]);
}

#[test]
fn rule_files_and_baselines_that_are_devices_or_named_pipes_are_refused() {
    let dir = scratch();
    let p = dir.path();
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--rules", "/dev/zero", "good.md"],
    ));
    refused(&out, &["/dev/zero", "is a character device"]);

    mkfifo(&p.join("rules.toml"));
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--rules", "rules.toml", "good.md"],
    ));
    refused(&out, &["rules.toml", "is a named pipe (FIFO)"]);

    mkfifo(&p.join("baseline.json"));
    let out = run(tenderlint(
        p,
        &[
            "check",
            "--no-config",
            "--baseline",
            "baseline.json",
            "good.md",
        ],
    ));
    refused(&out, &["baseline.json", "is a named pipe (FIFO)"]);
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--baseline", "/dev/zero", "good.md"],
    ));
    refused(&out, &["/dev/zero", "is a character device"]);
}

#[test]
fn files_over_their_limit_are_refused_by_size_and_not_read() {
    let dir = scratch();
    let p = dir.path();
    sparse(&p.join("rules.toml"), 8 * MIB + 1);
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--rules", "rules.toml", "good.md"],
    ));
    refused(&out, &["rules.toml", "is larger than 8 MiB"]);

    sparse(&p.join("baseline.json"), 256 * MIB + 1);
    let out = run(tenderlint(
        p,
        &[
            "check",
            "--no-config",
            "--baseline",
            "baseline.json",
            "good.md",
        ],
    ));
    refused(&out, &["baseline.json", "is larger than 256 MiB"]);

    // A document: refused like any unreadable file, the others still checked.
    sparse(&p.join("big.md"), 1024 * MIB + 1);
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--format", "json", "."],
    ));
    let json = out.json();
    assert_eq!(
        file_error(&json, "big.md").as_deref(),
        Some("is larger than 1 GiB, the most tenderlint reads for a document")
    );
    assert_eq!(service_credit_lines(&json, "good.md"), [3]);
    assert_eq!(out.code, 2);
}

#[test]
fn a_tender_file_that_cannot_be_read_is_an_error_not_ignored() {
    type Make = fn(&Path);
    let cases: [(&str, Make, &str); 3] = [
        (
            "a folder",
            |t| std::fs::create_dir(t).unwrap_or_else(|e| panic!("{e}")),
            "is a folder, not a file",
        ),
        (
            "a dangling link",
            |t| symlink("nowhere.toml", t),
            "is a symbolic link to a file that does not exist",
        ),
        (
            "a link to itself",
            |t| symlink("tender.toml", t),
            "is a symbolic link that points to itself",
        ),
    ];
    for (what, make, says) in cases {
        let dir = scratch();
        let p = dir.path();
        write(p, "t/x.md", GOOD.as_bytes());
        make(&p.join("t/tender.toml"));
        let out = run(tenderlint(
            p,
            &["check", "--no-config", "--format", "json", "."],
        ));
        assert!(
            out.stderr.contains("t/tender.toml") && out.stderr.contains(says),
            "tender.toml as {what}: stderr should say {says:?}: {}",
            out.stderr
        );
        let json = out.json();
        assert!(
            file_error(&json, "t/tender.toml").is_some(),
            "tender.toml as {what}: {json}"
        );
        // The files beneath it are still checked, one by one.
        assert_eq!(service_credit_lines(&json, "t/x.md"), [3], "{what}");
        assert_eq!(service_credit_lines(&json, "good.md"), [3], "{what}");
        assert_eq!(out.code, 2, "tender.toml as {what}");
    }
}

#[test]
fn a_link_to_itself_is_called_what_it_is() {
    let dir = scratch();
    let p = dir.path();
    symlink("self.md", &p.join("self.md"));
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--format", "json", "."],
    ));
    let json = out.json();
    assert_eq!(
        file_error(&json, "self.md").as_deref(),
        Some("is a symbolic link that points to itself or into a loop of links (too many levels of symbolic links)")
    );
    assert_eq!(service_credit_lines(&json, "good.md"), [3]);
    assert_eq!(out.code, 2);

    symlink("self.toml", &p.join("self.toml"));
    let out = run(tenderlint(
        p,
        &["check", "--config", "self.toml", "good.md"],
    ));
    refused(&out, &["self.toml", "points to itself"]);
}

#[test]
fn standard_input_is_bounded_and_is_a_pipe_or_a_file() {
    let dir = scratch();
    let p = dir.path();
    let args = ["check", "--no-config", "--format", "json", "--stdin"];

    // A file and a pipe are read.
    let mut cmd = tenderlint(p, &args);
    cmd.stdin(std::fs::File::open(p.join("good.md")).unwrap_or_else(|e| panic!("{e}")));
    let out = run(cmd);
    assert_eq!(service_credit_lines(&out.json(), "<stdin>"), [3]);

    // An endless device is refused before it is read.
    let mut cmd = tenderlint(p, &args);
    cmd.stdin(std::fs::File::open("/dev/zero").unwrap_or_else(|e| panic!("{e}")));
    refused(&run(cmd), &["standard input", "is a character device"]);

    // A pipe is read up to the document limit (1 GiB), and no further.
    let mut cmd = tenderlint(p, &args);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let line = [b"Service credits apply.\n".as_slice(); 1024].concat();
        let mut sent = 0u64;
        // Stops when tenderlint closes the pipe.
        while sent <= 1024 * MIB {
            if stdin.write_all(&line).is_err() {
                break;
            }
            sent += line.len() as u64;
        }
    });
    let out = wait(child);
    let _ = feeder.join();
    refused(&out, &["standard input", "is larger than 1 GiB"]);
}

#[test]
fn a_report_written_through_a_symbolic_link_leaves_the_link_and_fills_its_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    let p = dir.path();
    write(p, "out/real.html", b"old");
    std::fs::set_permissions(
        p.join("out/real.html"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    symlink("real.html", &p.join("out/link.html"));
    let out = run(tenderlint(
        p,
        &[
            "report",
            "--no-config",
            "--no-history",
            "-o",
            "out/link.html",
            "good.md",
        ],
    ));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let link = std::fs::symlink_metadata(p.join("out/link.html"));
    assert!(
        link.is_ok_and(|m| m.file_type().is_symlink()),
        "the link was replaced"
    );
    let page = std::fs::read_to_string(p.join("out/real.html")).unwrap_or_default();
    assert!(
        page.contains("</html>"),
        "the file it points to holds the page"
    );
    let mode = std::fs::metadata(p.join("out/real.html")).map(|m| m.permissions().mode());
    assert_eq!(
        mode.ok().map(|m| m & 0o777),
        Some(0o640),
        "permissions kept"
    );
    // No temporary file is left beside it.
    let mut names: Vec<String> = std::fs::read_dir(p.join("out"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["link.html", "real.html"]);
}

/// Runs `args` writing to the named pipe `name` in `dir` with a reader at its other end:
/// the pipe must still be a pipe afterwards, and the reader gets what was written.
fn written_into_a_pipe(dir: &Path, name: &str, args: &[&str]) -> (Out, String) {
    let fifo = dir.join(name);
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        // Opening waits for a writer; if tenderlint never opens the pipe, this thread
        // stays blocked, and the assertions below fail before it is joined.
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap_or_default())
    };
    let out = run(tenderlint(dir, args));
    let still = std::fs::symlink_metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo());
    assert!(still, "{name} was replaced: it is no longer a named pipe");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = reader.join().unwrap_or_default();
    (out, got)
}

#[test]
fn a_report_or_a_baseline_written_to_a_named_pipe_goes_into_the_pipe() {
    let dir = scratch();
    let p = dir.path();
    let (_, page) = written_into_a_pipe(
        p,
        "report.html",
        &[
            "report",
            "--no-config",
            "--no-history",
            "-o",
            "report.html",
            "good.md",
        ],
    );
    assert!(
        page.contains("</html>"),
        "the reader got the page: {page:.200}"
    );

    let (out, baseline) = written_into_a_pipe(
        p,
        "baseline.json",
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "baseline.json",
            "good.md",
        ],
    );
    assert!(
        baseline.contains("\"findings\"") && baseline.contains("service-credits"),
        "the reader got the baseline: {baseline}; stderr: {}",
        out.stderr
    );
    // Nothing else was created beside them.
    let mut names: Vec<String> = std::fs::read_dir(p)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["baseline.json", "good.md", "report.html"]);
}

#[test]
fn output_that_cannot_be_written_is_exit_code_2() {
    let dir = scratch();
    let p = dir.path();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap_or_else(|e| panic!("{e}"))
    };
    for args in [
        &["check", "--no-config", "good.md"][..],
        &["check", "--no-config", "--format", "json", "good.md"],
        &["check", "--no-config", "--format", "sarif", "good.md"],
        &[
            "report",
            "--no-config",
            "--no-history",
            "-o",
            "-",
            "good.md",
        ],
        &["rules", "--no-config"],
    ] {
        let mut cmd = tenderlint(p, args);
        cmd.stdout(full());
        let out = run(cmd);
        assert!(
            out.stderr.contains("No space left on device"),
            "{args:?}: stderr should say why: {}",
            out.stderr
        );
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    }
}

#[test]
fn a_file_name_that_is_not_utf8_is_shown_escaped_and_given_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch();
    let p = dir.path();
    // "café.md" in Latin-1, and a folder named with a lone continuation byte.
    let name = std::ffi::OsStr::from_bytes(b"sub\x80/caf\xe9.md");
    std::fs::create_dir(p.join(std::ffi::OsStr::from_bytes(b"sub\x80")))
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(p.join(name), GOOD).unwrap_or_else(|e| panic!("{e}"));
    // An unreadable file so named too: a file error names it the same way.
    symlink(
        "missing.md",
        &p.join(std::ffi::OsStr::from_bytes(b"gone\xff.md")),
    );

    // Human output: the bytes as \x escapes, never U+FFFD or the raw bytes.
    let out = run(tenderlint(p, &["check", "--no-config", "."]));
    let stdout = String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(stdout.contains(r"sub\x80/caf\xe9.md:3:1"), "{stdout}");
    let both = format!("{stdout}{}", out.stderr);
    assert!(both.contains(r"gone\xff.md is a symbolic link"), "{both}");
    assert!(!stdout.contains('\u{fffd}') && !out.stderr.contains('\u{fffd}'));

    // JSON: the path as text (U+FFFD for each byte), and its exact bytes.
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--format", "json", "."],
    ));
    let json = out.json();
    let lossy = "sub\u{fffd}/caf\u{fffd}.md";
    assert_eq!(service_credit_lines(&json, lossy), [3]);
    let d = json["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["path"] == lossy))
        .unwrap_or_else(|| panic!("no finding in {lossy}"));
    let bytes: Vec<u8> = d["path_bytes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|b| b.as_u64())
                .map(|b| b as u8)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(bytes, name.as_bytes());
    let file = json["files"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["path"] == lossy));
    assert!(file.is_some_and(|f| f["path_bytes"].is_array()));
    let e = json["file_errors"]
        .as_array()
        .and_then(|a| a.first())
        .unwrap_or_else(|| panic!("no file error"));
    assert_eq!(e["path"], "gone\u{fffd}.md");
    assert_eq!(e["path_bytes"].as_array().map(Vec::len), Some(8));
    // A UTF-8 name has no path_bytes.
    let good = json["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["path"] == "good.md"));
    assert!(good.is_some_and(|d| d.get("path_bytes").is_none()));

    // SARIF: the URI percent-encodes the raw bytes, so that it names the file.
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--format", "sarif", "."],
    ));
    let stdout = String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(stdout.contains("\"sub%80/caf%E9.md\""), "{stdout}");
    assert!(stdout.contains("\"gone%FF.md\""), "{stdout}");
    let decoded: Vec<u8> = {
        let uri = b"sub%80/caf%E9.md";
        let mut out = Vec::new();
        let mut i = 0;
        while i < uri.len() {
            if uri[i] == b'%' {
                let hex = std::str::from_utf8(&uri[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                i += 3;
            } else {
                out.push(uri[i]);
                i += 1;
            }
        }
        out
    };
    assert!(p.join(std::ffi::OsStr::from_bytes(&decoded)).is_file());
}

#[test]
fn utf16_and_utf32_with_or_without_a_byte_order_mark_are_named() {
    let dir = scratch();
    let p = dir.path();
    let text = "# Title\n\nService credits apply.\n";
    let utf16 = |big: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let utf32 = |big: bool| -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let u = c as u32;
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let bom = |mut mark: Vec<u8>, body: Vec<u8>| {
        mark.extend(body);
        mark
    };
    write(p, "u16le.md", &utf16(false));
    write(p, "u16be.md", &utf16(true));
    write(p, "u16le-bom.md", &bom(vec![0xFF, 0xFE], utf16(false)));
    write(p, "u32le.md", &utf32(false));
    write(p, "u32be.md", &utf32(true));
    write(
        p,
        "u32le-bom.md",
        &bom(vec![0xFF, 0xFE, 0, 0], utf32(false)),
    );
    write(p, "u32be-bom.md", &bom(vec![0, 0, 0xFE, 0xFF], utf32(true)));
    let out = run(tenderlint(
        p,
        &["check", "--no-config", "--format", "json", "."],
    ));
    let json = out.json();
    for name in ["u16le.md", "u16be.md", "u16le-bom.md"] {
        assert_eq!(
            file_error(&json, name).as_deref(),
            Some("is UTF-16 text, not UTF-8"),
            "{name}"
        );
    }
    for name in ["u32le.md", "u32be.md", "u32le-bom.md", "u32be-bom.md"] {
        assert_eq!(
            file_error(&json, name).as_deref(),
            Some("is UTF-32 text, not UTF-8"),
            "{name}"
        );
    }
    assert_eq!(service_credit_lines(&json, "good.md"), [3]);
    assert_eq!(out.code, 2);
}
