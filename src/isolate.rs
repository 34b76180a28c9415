//! One bad file costs one file: each file's work runs under [`std::panic::catch_unwind`],
//! as ruff does, and a panic becomes that file's error instead of ending the run.
//!
//! A panic is a bug in tenderlint, never the user's fault: the file's error says what
//! happened, where in tenderlint's code, and asks for a bug report. While work is
//! isolated, the panic hook keeps the message for that report instead of printing it;
//! a panic anywhere else is printed as usual.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// How many isolated pieces of work are running, on any thread.
static ISOLATED: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The last panic on this thread while work was isolated: message and location.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook that keeps the messages of isolated panics (once; later
/// calls do nothing). Without it, isolation still works, and the default hook prints
/// each panic as it happens.
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if ISOLATED.load(Ordering::SeqCst) == 0 {
                default(info);
                return;
            }
            let message = payload_message(info.payload());
            let text = match info.location() {
                Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
                None => message,
            };
            LAST.with(|last| *last.borrow_mut() = Some(text));
        }));
    });
}

/// A panic caught while working on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// The panic's message and where in tenderlint it happened, when known.
    pub message: String,
}

impl Panicked {
    /// What to tell the user: the bug, and where to report it.
    pub fn help(&self) -> String {
        format!(
            "This is a bug in tenderlint, not a problem with the file; every other file was \
             still checked. Please report it to tenderlint's maintainers (`tenderlint \
             --version`, this message, and the file if you can share it). Details: {}",
            self.message
        )
    }
}

/// Runs `work`; a panic in it is caught and returned, and the run goes on.
pub fn run<T>(work: impl FnOnce() -> T) -> Result<T, Panicked> {
    ISOLATED.fetch_add(1, Ordering::SeqCst);
    LAST.with(|last| last.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    ISOLATED.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|payload| {
        // The hook's message has the location; a panic on another thread (in parallel
        // work this work started) reaches here with its payload only.
        let message = LAST
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_message(&*payload));
        Panicked { message }
    })
}

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_caught_with_its_message_and_place() {
        install_hook();
        let caught = run(|| -> u32 { panic!("boom {}", 7) }).unwrap_err();
        assert!(
            caught.message.starts_with("boom 7 (at src/isolate.rs:"),
            "{}",
            caught.message
        );
        assert!(caught.help().contains("Please report it"));
        assert_eq!(run(|| 5), Ok(5));
    }
}
