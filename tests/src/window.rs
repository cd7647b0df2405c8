//! One real app window per test, driven over WebDriver.

use crate::processes::{free_port, wait_for_port, Reaped};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
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

/// One window at a time: several app instances at once on a two-core machine make
/// timeouts flaky, and the tests gain nothing from running side by side.
static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct AppWindow {
    pub client: Client,
    /// The file the app's save and open dialogs read their answer from in test builds
    /// (`SURETY_TEST_CHOICES`, src-tauri/src/chooser.rs): GTK's dialog is not drivable.
    choices: PathBuf,
    /// The X display the app draws on (screenshots are taken from it).
    display: String,
    _turn: tokio::sync::MutexGuard<'static, ()>,
    // Field order is drop order: the driver goes before the display it draws on.
    _driver: Reaped,
    _xvfb: Option<Reaped>,
}

const WAIT: Duration = Duration::from_secs(20);

impl AppWindow {
    /// Starts a display (unless `SURETY_USE_DISPLAY=1` asks to use the current one),
    /// tauri-driver, and the app.
    pub async fn launch(app: &Path) -> Self {
        let data =
            std::env::temp_dir().join(format!("surety-e2e-{}-{}", std::process::id(), free_port()));
        Self::launch_with_data(app, &data).await
    }

    /// The same, with the app's data (its database) in `data_home` (XDG_DATA_HOME).
    pub async fn launch_with_data(app: &Path, data_home: &Path) -> Self {
        let turn = ONE_WINDOW.lock().await;
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
        std::fs::create_dir_all(data_home).expect("the test's data folder");
        let choices = data_home.join(format!("dialog-answer-{port}"));
        std::fs::write(&choices, "").expect("the dialog answer file");
        let mut driver = Reaped::spawn(
            "tauri-driver",
            Command::new(tauri_driver())
                .arg("--port")
                .arg(port.to_string())
                .arg("--native-port")
                .arg(native_port.to_string())
                .env("DISPLAY", &display)
                .env("XDG_DATA_HOME", data_home)
                .env("SURETY_TEST_CHOICES", &choices),
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
            choices,
            display,
            _turn: turn,
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

    /// Runs `script` (which returns text) until the text contains every one of `needles`,
    /// and returns the last text.
    pub async fn wait_script(&self, script: &str, needles: &[&str]) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let text = match self.client.execute(script, vec![]).await {
                Ok(serde_json::Value::String(s)) => s,
                Ok(other) => other.to_string(),
                Err(_) => String::new(),
            };
            if needles.iter().all(|n| text.contains(n)) || std::time::Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types into the input with `data-testid`, or the first input inside the element with
    /// it (Element Plus date pickers keep the attribute off their input), replacing its text.
    pub async fn type_into(&self, id: &str, text: &str) {
        let outer = self.by_test_id(id).await;
        let tag = outer.tag_name().await.unwrap_or_default().to_lowercase();
        let (el, css) = if tag == "input" || tag == "textarea" {
            (outer, format!("[data-testid=\"{id}\"]"))
        } else {
            let inner = outer
                .find(Locator::Css("input, textarea"))
                .await
                .unwrap_or_else(|e| panic!("no input inside {id}: {e}"));
            (
                inner,
                format!("[data-testid=\"{id}\"] input, [data-testid=\"{id}\"] textarea"),
            )
        };
        // WebDriver's clear does not fire `input`, so Vue would keep the old value.
        let script = format!(
            "const e = document.querySelector('{css}'); e.value = ''; e.dispatchEvent(new Event('input', {{ bubbles: true }}));"
        );
        self.client
            .execute(&script, vec![])
            .await
            .expect("clearing an input");
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {id}: {e}"));
    }

    /// Clicks the first element matching a CSS selector, the way a script would, once it is
    /// there (a page's code loads when the page is first opened).
    pub async fn click_css(&self, css: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        let present = format!("return document.querySelector('{css}') !== null");
        while std::time::Instant::now() < deadline {
            let found = self.client.execute(&present, vec![]).await;
            if matches!(found, Ok(serde_json::Value::Bool(true))) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let script = format!("document.querySelector('{css}').click()");
        self.client
            .execute(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    pub async fn click(&self, id: &str) {
        self.by_test_id(id)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {id}: {e}"));
    }

    /// Picks `option` in the Element Plus select with `data-testid`: opens it, then clicks
    /// the visible item with that text (the list lives in a popper outside the form).
    pub async fn choose(&self, id: &str, option: &str) {
        self.click_css(&format!("[data-testid=\"{id}\"] .el-select__wrapper"))
            .await;
        let script = "const [text, done] = arguments;
            const tryPick = (n) => {
              const items = Array.from(document.querySelectorAll('.el-select-dropdown__item'))
                .filter(i => i.offsetParent !== null && i.innerText.trim() === text);
              if (items.length) { items[0].click(); done(true); }
              else if (n > 0) setTimeout(() => tryPick(n - 1), 100);
              else done(false);
            };
            tryPick(50);";
        let picked = self
            .client
            .execute_async(script, vec![option.into()])
            .await
            .expect("execute_async");
        assert_eq!(
            picked,
            serde_json::Value::Bool(true),
            "no option `{option}` in {id}"
        );
    }

    /// Waits until `data-testid` is in the page, or `WAIT` passes; says whether it came.
    pub async fn appears(&self, id: &str) -> bool {
        let deadline = std::time::Instant::now() + WAIT;
        while std::time::Instant::now() < deadline {
            if self.exists(id).await {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Presses the open form dialog's OK by script: a WebDriver click lands on screen
    /// coordinates, which miss while the dialog is still sliding in on a loaded machine.
    pub async fn submit_dialog(&self) {
        self.by_test_id("form-ok").await;
        self.click_css("[data-testid=\"form-ok\"]").await;
    }

    /// Waits until no form dialog is open (its OK went through), or panics with what the
    /// dialog shows (the error that kept it open).
    pub async fn wait_dialog_closed(&self) {
        let visible = "const d = document.querySelector('[data-testid=\"form-dialog\"]');
            return !!(d && d.offsetParent !== null)";
        let deadline = std::time::Instant::now() + WAIT;
        while std::time::Instant::now() < deadline {
            if self.client.execute(visible, vec![]).await.ok()
                == Some(serde_json::Value::Bool(false))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the dialog stayed open: {}",
            self.inner_text("form-dialog").await
        );
    }

    /// Goes to a route of the app (`/cases/ICBC-…`), as a link inside the app would.
    pub async fn goto(&self, route: &str) {
        let here = self.client.current_url().await.expect("current url");
        let base = here
            .as_str()
            .split('#')
            .next()
            .unwrap_or_default()
            .to_string();
        self.client
            .goto(&format!("{base}#{route}"))
            .await
            .unwrap_or_else(|e| panic!("going to {route}: {e}"));
    }

    /// Whether an element with `data-testid` is in the page right now.
    pub async fn exists(&self, id: &str) -> bool {
        self.client
            .find_all(Locator::Css(&format!("[data-testid=\"{id}\"]")))
            .await
            .map(|v| !v.is_empty())
            .unwrap_or(false)
    }

    /// Calls a Tauri command directly from the page, as a tampered UI would, and returns
    /// the error it was refused with (`null` if it succeeded).
    pub async fn forced_invoke(&self, command: &str, args: serde_json::Value) -> serde_json::Value {
        let script = "const [cmd, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(cmd, args).then(() => done(null), (e) => done(e));";
        self.client
            .execute_async(script, vec![command.into(), args])
            .await
            .expect("execute_async")
    }

    /// Waits until the input inside the element with `data-testid` holds `want`.
    pub async fn wait_value(&self, id: &str, want: &str) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        let script = format!(
            "const e = document.querySelector('[data-testid=\"{id}\"]'); const i = e && (e.tagName === 'INPUT' ? e : e.querySelector('input')); return i ? i.value : '';"
        );
        loop {
            let value = self
                .client
                .execute(&script, vec![])
                .await
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            if value == want || std::time::Instant::now() > deadline {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the next save or open dialog answers: a path, or `None` for Cancel.
    pub fn answer_dialog(&self, path: Option<&Path>) {
        let text = path.map(|p| p.display().to_string()).unwrap_or_default();
        std::fs::write(&self.choices, text).expect("the dialog answer file");
    }

    /// Prints a document of a case as 保存并打开 does, the save dialog answering with a
    /// temporary file, and returns the PDF's text as `pdftotext` reads it, without spaces
    /// and line breaks.
    pub async fn print_to_text(&self, document: &str, case_no: &str) -> String {
        let out = std::env::temp_dir().join(format!(
            "surety-window-{document}-{}-{}.pdf",
            std::process::id(),
            crate::processes::free_port()
        ));
        self.answer_dialog(Some(&out));
        let refused = self
            .forced_invoke(
                "print_document",
                serde_json::json!({"document": document, "caseNo": case_no, "open": false}),
            )
            .await;
        self.answer_dialog(None);
        assert!(refused.is_null(), "print refused: {refused}");
        let text = Command::new("pdftotext")
            .arg(&out)
            .arg("-")
            .output()
            .expect("pdftotext (Debian package poppler-utils)");
        std::fs::remove_file(&out).ok();
        String::from_utf8_lossy(&text.stdout).replace([' ', '\n'], "")
    }

    /// Signs in on the sign-in page and waits for the shell.
    pub async fn sign_in(&self, user: &str, password: &str) {
        self.type_into("signin-username", user).await;
        self.type_into("signin-password", password).await;
        self.click("signin-submit").await;
        self.by_test_id("current-user").await;
    }

    /// First run on an empty data folder: creates the database and its admin, signed in.
    pub async fn first_run(&self, user: &str, display_name: &str, password: &str) {
        self.type_into("signin-username", user).await;
        self.type_into("signin-display-name", display_name).await;
        self.type_into("signin-password", password).await;
        self.type_into("signin-confirm", password).await;
        self.click("signin-submit").await;
        self.by_test_id("current-user").await;
    }

    /// Saves a screenshot once the page has painted what the test just did (two frames).
    /// A screenshot is an artifact for a person to look at: one that cannot be taken is
    /// reported, never a test failure.
    pub async fn screenshot(&self, name: &str) {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()))",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let path = crate::artifacts_dir().join(format!("{name}.png"));
        let display = self.display.clone();
        let taken = tokio::task::spawn_blocking(move || screen_png(&display))
            .await
            .expect("the screenshot task");
        match taken {
            Ok(png) => std::fs::write(&path, png).unwrap(),
            Err(e) => eprintln!("no screenshot {name}: {e}"),
        }
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

/// The whole screen of an X display as a PNG (the test's own Xvfb shows just the app).
pub fn screen_png(display: &str) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};
    let (conn, screen) = x11rb::connect(Some(display))?;
    let root = &conn.setup().roots[screen];
    let (width, height) = (root.width_in_pixels, root.height_in_pixels);
    let image = conn
        .get_image(ImageFormat::Z_PIXMAP, root.root, 0, 0, width, height, !0)?
        .reply()?;
    // A 24-bit screen comes as 32-bit pixels, blue first (Xvfb is little-endian).
    let rgb: Vec<u8> = image
        .data
        .chunks_exact(4)
        .flat_map(|p| [p[2], p[1], p[0]])
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width.into(), height.into());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgb)?;
    Ok(out)
}

/// A private X display; Xvfb picks a free display number and prints it (-displayfd 1).
pub fn start_xvfb() -> (Reaped, String) {
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
