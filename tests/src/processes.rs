//! Child processes that are always reaped: killed on drop, whatever the test did.
//!
//! Each runs in a process group of its own and the whole group is killed: tauri-driver
//! starts WebKitWebDriver, which starts the app, and killing only the first would orphan
//! the others (holding the test's output pipes open).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

pub struct Reaped {
    name: &'static str,
    child: Child,
}

impl Reaped {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> Self {
        let child = cmd
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        Reaped { name, child }
    }

    pub fn adopt(name: &'static str, child: Child) -> Self {
        Reaped { name, child }
    }

    /// Fails the test if the process already died (e.g. a display number in use).
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited early with {status}", self.name);
        }
    }
}

impl Reaped {
    /// Asks the process to stop (SIGTERM) and waits up to `timeout` for it to exit.
    pub fn terminate(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        // The group id is the leader's pid (process_group(0)); kill(1) reaches the group
        // without unsafe code.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    // Taken below the kernel's ephemeral range (32768 and up on Linux): a port from there
    // can be handed, between this check and the server's bind, to the local end of some
    // outgoing connection (the WebDriver client's, a test's HTTP request), and the server
    // then fails to listen. A counter per process keeps the tests of one binary apart.
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let spread = (std::process::id() % 97) as u16 * 100;
    for _ in 0..PORT_SPAN {
        let step = NEXT.fetch_add(1, Ordering::Relaxed) % PORT_SPAN;
        let port = PORT_BASE + (spread + step) % PORT_SPAN;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!(
        "no free local port between {PORT_BASE} and {}",
        PORT_BASE + PORT_SPAN
    )
}

const PORT_BASE: u16 = 20_000;
const PORT_SPAN: u16 = 12_000;

/// Waits until something listens on `port`, or panics after `timeout`.
pub fn wait_for_port(port: u16, timeout: Duration, what: &str) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < timeout,
            "{what} did not listen on port {port} within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
