//! One real app window per test, driven over WebDriver.

use crate::processes::{free_port, wait_for_port, Reaped};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// UI tests are skipped only when asked, loudly, never because a tool is missing.
pub fn skip_ui_tests() -> bool {
    let skip = std::env::var("SURETY_SKIP_UI_TESTS").is_ok_and(|v| v == "1");
    if skip {
        eprintln!("SURETY_SKIP_UI_TESTS=1: skipping a test of the real app window");
    }
    skip
}

pub struct AppWindow {
    pub client: Client,
    // Field order is drop order: the driver goes before the display it draws on.
    _driver: Reaped,
    _xvfb: Option<Reaped>,
}

const WAIT: Duration = Duration::from_secs(20);

impl AppWindow {
    /// Starts a display (unless `SURETY_USE_DISPLAY=1` asks to use the current one),
    /// tauri-driver, and the app.
    pub async fn launch(app: &Path) -> Self {
        let use_own = std::env::var("SURETY_USE_DISPLAY").is_ok_and(|v| v == "1");
        let (xvfb, display) = if use_own {
            (
                None,
                std::env::var("DISPLAY").expect("SURETY_USE_DISPLAY=1 but no DISPLAY"),
            )
        } else {
            let (x, d) = start_xvfb();
            (Some(x), d)
        };
        let port = free_port();
        let native_port = free_port();
        let mut driver = Reaped::spawn(
            "tauri-driver",
            Command::new(tauri_driver())
                .arg("--port")
                .arg(port.to_string())
                .arg("--native-port")
                .arg(native_port.to_string())
                .env("DISPLAY", &display)
                // The app under test keeps its data in a throwaway place.
                .env(
                    "XDG_DATA_HOME",
                    std::env::temp_dir().join(format!("surety-e2e-{port}")),
                ),
        );
        wait_for_port(port, WAIT, "tauri-driver");
        driver.assert_running();

        let caps = serde_json::json!({
            "browserName": "wry",
            "tauri:options": { "application": app.to_string_lossy() }
        });
        let client = ClientBuilder::native()
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session on the app (is webkit2gtk-driver installed?)");
        AppWindow {
            client,
            _driver: driver,
            _xvfb: xvfb,
        }
    }

    /// The element with `data-testid`, once it is in the page.
    pub async fn by_test_id(&self, id: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!("[data-testid=\"{id}\"]")))
            .await
            .unwrap_or_else(|e| panic!("no element [data-testid={id}] in the window: {e}"))
    }

    /// Waits until the element's text equals `want`, and returns it.
    pub async fn wait_text(&self, id: &str, want: &str) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let text = self.by_test_id(id).await.text().await.unwrap_or_default();
            if text.trim() == want || std::time::Instant::now() > deadline {
                return text.trim().to_string();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element's rendered text as the page computes it (`innerText`). WebKitWebDriver's
    /// own element-text command returns nothing for Element Plus tables.
    pub async fn inner_text(&self, id: &str) -> String {
        self.by_test_id(id).await;
        let script = format!("return document.querySelector('[data-testid=\"{id}\"]').innerText");
        match self.client.execute(&script, vec![]).await {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// Waits until the element's text contains every one of `needles`, and returns it.
    pub async fn wait_contains(&self, id: &str, needles: &[&str]) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let text = self.inner_text(id).await;
            if needles.iter().all(|n| text.contains(n)) || std::time::Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(crate::artifacts_dir().join(format!("{name}.png")), png).unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

fn tauri_driver() -> String {
    std::env::var("TAURI_DRIVER").unwrap_or_else(|_| {
        let home = std::env::var("CARGO_HOME")
            .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
        let installed = format!("{home}/bin/tauri-driver");
        if Path::new(&installed).exists() {
            installed
        } else {
            "tauri-driver".into()
        }
    })
}

/// A private X display; Xvfb picks a free display number and prints it (-displayfd 1).
fn start_xvfb() -> (Reaped, String) {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    let mut child = Command::new("Xvfb")
        .process_group(0)
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1366x768x24",
            "-nolisten",
            "tcp",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("could not start Xvfb (Debian package xvfb)");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("Xvfb stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read Xvfb display number");
    let mut xvfb = Reaped::adopt("Xvfb", child);
    xvfb.assert_running();
    assert!(!line.trim().is_empty(), "Xvfb printed no display number");
    (xvfb, format!(":{}", line.trim()))
}
