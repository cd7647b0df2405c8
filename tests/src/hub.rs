//! A real provincial hub for the tests: the `surety-hub` binary on 127.0.0.1 over SQLite or
//! over a private PostgreSQL cluster (initdb in a temporary folder, a free port, stopped
//! when dropped), its admin commands, and plain HTTP requests to it.

use crate::processes::{free_port, Reaped};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// `SURETY_HUB_BIN`, or the workspace's debug build.
pub fn hub_binary() -> PathBuf {
    let path = std::env::var_os("SURETY_HUB_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::target_dir().join("surety-hub"));
    assert!(
        path.exists(),
        "the hub binary {} does not exist: run `cargo build --workspace --bins` first (the README's test command does)",
        path.display()
    );
    path
}

/// A PostgreSQL server of the test's own, in a temporary folder.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

fn postgres_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (the test command installs Debian's postgresql)")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().expect("no PostgreSQL server binaries")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl PgCluster {
    pub fn start() -> PgCluster {
        let dir = tempfile::tempdir().unwrap();
        let bin = postgres_bin();
        let port = free_port();
        if is_root() {
            // PostgreSQL does not run as root: the cluster belongs to Debian's postgres user.
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown the cluster folder");
        }
        let cluster = PgCluster { dir, bin, port };
        let data = cluster.dir.path().join("data");
        cluster.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "hub",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
            cluster.dir.path().display()
        );
        let log = cluster.dir.path().join("server.log");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        cluster.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "hub",
                "hub",
            ],
        );
        cluster
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://hub@127.0.0.1:{}/hub", self.port)
    }

    /// Beside the cluster, outside the database: where the hub keeps its signing key.
    pub fn key_file(&self) -> PathBuf {
        self.dir.path().join("hub.key")
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let _ = cmd
            .args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Where a hub keeps its data: a SQLite file or a PostgreSQL cluster.
pub enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(PgCluster),
}

impl Backend {
    pub fn sqlite() -> Backend {
        Backend::Sqlite(tempfile::tempdir().unwrap())
    }

    pub fn postgres() -> Backend {
        Backend::Postgres(PgCluster::start())
    }

    pub fn url(&self) -> String {
        match self {
            Backend::Sqlite(dir) => format!("sqlite:{}", dir.path().join("hub.db").display()),
            Backend::Postgres(pg) => pg.url(),
        }
    }

    /// The hub's signing key file (for SQLite the hub's default, beside the database).
    pub fn key_file(&self) -> PathBuf {
        match self {
            Backend::Sqlite(dir) => dir.path().join("hub.db.key"),
            Backend::Postgres(pg) => pg.key_file(),
        }
    }

    /// `surety-hub --db … --key-file … args…`: a command line of the hub's.
    pub fn command(&self) -> Command {
        let mut c = Command::new(hub_binary());
        c.arg("--db").arg(self.url());
        if let Backend::Postgres(pg) = self {
            c.arg("--key-file").arg(pg.key_file());
        }
        c
    }

    /// Adds a finance-office reader (no error if they exist already).
    pub fn add_reader(&self, username: &str, name: &str, password: &str) -> (i32, Value, String) {
        self.admin_with_stdin(
            &["reader", "add", username, "--name", name],
            &format!("{password}\n"),
        )
    }

    /// `surety-hub --db … args…`: the exit code and stdout as JSON (or Null).
    pub fn admin(&self, args: &[&str]) -> (i32, Value, String) {
        self.admin_with_stdin(args, "")
    }

    /// The same with `stdin`.
    pub fn admin_with_stdin(&self, args: &[&str], stdin: &str) -> (i32, Value, String) {
        let mut child = self
            .command()
            .args(args)
            .env("SURETY_HUB_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Registers a test's own key as installation `id`, called `name`, for `city` and
    /// `organisations`.
    pub fn register_key(
        &self,
        key: &SigningKey,
        (id, name): (&str, &str),
        city: &str,
        organisations: &[&str],
    ) {
        let public = hex::encode(key.verifying_key().to_bytes());
        let mut args = vec![
            "install",
            "add",
            "--installation-id",
            id,
            "--public-key",
            &public,
            "--name",
            name,
            "--city",
            city,
        ];
        for o in organisations {
            args.extend(["--organisation", o]);
        }
        let (code, _, err) = self.admin(&args);
        assert_eq!(code, 0, "install add: {err}");
    }

    /// Registers an installation for `cities` and `organisations`.
    pub fn register(&self, identity: &Value, name: &str, cities: &[&str], organisations: &[&str]) {
        let mut args = vec![
            "install",
            "add",
            "--installation-id",
            identity["installation_id"].as_str().unwrap(),
            "--public-key",
            identity["public_key"].as_str().unwrap(),
            "--name",
            name,
        ];
        for c in cities {
            args.extend(["--city", c]);
        }
        for o in organisations {
            args.extend(["--organisation", o]);
        }
        let (code, out, err) = self.admin(&args);
        assert_eq!(code, 0, "install add: {err}");
        assert_eq!(
            out["fingerprint"], identity["fingerprint"],
            "the hub shows the same fingerprint the desk does"
        );
    }
}

/// The finance-office reader every test hub has, and the password it signs in with.
pub const READER: (&str, &str) = ("czt-reader", "harbour-morning-nets");

/// A running hub, signed in as [`READER`] for its reads.
pub struct HubProcess {
    process: Reaped,
    pub base: String,
    pub public_key: String,
    pub log: PathBuf,
    /// The reader's session token.
    pub token: String,
}

impl HubProcess {
    /// Starts `surety-hub serve` on a free port (or `port`) and waits for its first line.
    pub fn start(backend: &Backend, port: Option<u16>, log_dir: &Path) -> HubProcess {
        Self::start_with(backend, port, log_dir, &[])
    }

    /// The same with more `serve` options (`--tls-cert`, `--tls-key`).
    pub fn start_with(
        backend: &Backend,
        port: Option<u16>,
        log_dir: &Path,
        options: &[&str],
    ) -> HubProcess {
        let log = log_dir.join(format!("hub-{}.log", free_port()));
        // The reader exists already when a test restarts its hub on the same backend.
        let _ = backend.add_reader(READER.0, "财政厅 测试员", READER.1);
        let mut child = backend
            .command()
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", port.unwrap_or(0)),
            ])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start surety-hub");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let first: Value = serde_json::from_str(&line).unwrap_or_else(|_| {
            panic!(
                "the hub did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
        let mut hub = HubProcess {
            process: Reaped::adopt("surety-hub", child),
            base: format!("http://{}", first["listening"].as_str().unwrap()),
            public_key: first["public_key"].as_str().unwrap().to_string(),
            log,
            token: String::new(),
        };
        if first["tls"] != json!(true) {
            hub.token = hub
                .sign_in(READER.0, READER.1)
                .expect("the test reader signs in");
        }
        hub
    }

    /// Signs in; the session token, or the status and refusal.
    pub fn sign_in(&self, username: &str, password: &str) -> Result<String, (u16, Value)> {
        let body = json!({"username": username, "password": password}).to_string();
        let (status, answer) = request(self.port(), "POST", "/v1/session", body.as_bytes());
        let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        match (status, answer["token"].as_str()) {
            (200, Some(t)) => Ok(t.to_string()),
            _ => Err((status, answer)),
        }
    }

    /// SIGTERM, and the exit status if it stopped within `timeout`.
    pub fn terminate(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        self.process.terminate(timeout)
    }

    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// A GET as the signed-in reader.
    pub fn get(&self, path: &str) -> (u16, Vec<u8>) {
        request_as(self.port(), "GET", path, b"", Some(&self.token))
    }

    /// A GET with no credentials.
    pub fn get_anonymous(&self, path: &str) -> (u16, Vec<u8>) {
        request(self.port(), "GET", path, b"")
    }

    pub fn get_json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(
            status,
            200,
            "GET {path}: {}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).unwrap()
    }

    pub fn post(&self, path: &str, body: &[u8]) -> (u16, Value) {
        let (status, body) = request(self.port(), "POST", path, body);
        let json = serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        (status, json)
    }
}

/// One HTTP/1.1 request with `Connection: close`; the status and the body.
pub fn request(port: u16, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    request_as(port, method, path, body, None)
}

/// The same with a session token (`Authorization: Bearer`).
pub fn request_as(
    port: u16,
    method: &str,
    path: &str,
    body: &[u8],
    token: Option<&str>,
) -> (u16, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the hub");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let auth = token
        .filter(|t| !t.is_empty())
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // A body over the limit is answered before it is all read; the rest may not go.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let read = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer ({} bytes read: {read:?})", raw.len()));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// Envelopes signed by keys of the test's own (registered at the hub like any desk's), in
/// the test's own canonical form: object keys sorted, no spaces (serde_json's map is sorted).
pub fn signed(key: &SigningKey, mut e: Value) -> Value {
    let canonical = |v: &Value| serde_json::to_string(v).unwrap();
    e["payload_sha256"] = json!(hex::encode(Sha256::digest(
        canonical(&e["payload"]).as_bytes()
    )));
    e["public_key"] = json!(hex::encode(key.verifying_key().to_bytes()));
    let mut unsigned = e.clone();
    unsigned.as_object_mut().unwrap().remove("signature");
    e["signature"] = json!(hex::encode(
        key.sign(canonical(&unsigned).as_bytes()).to_bytes()
    ));
    e
}

/// A quarter's first and last days.
pub fn quarter_days(period: &str) -> (String, String) {
    let (year, q) = period.split_once('Q').unwrap();
    let q: u32 = q.parse().unwrap();
    let (start, end) = [
        ("01-01", "03-31"),
        ("04-01", "06-30"),
        ("07-01", "09-30"),
        ("10-01", "12-31"),
    ][(q - 1) as usize];
    (format!("{year}-{start}"), format!("{year}-{end}"))
}

/// An unsigned envelope of `installation` for `city` and `period` carrying `payload`.
pub fn envelope(
    installation: &str,
    city: &str,
    period: &str,
    revision: u32,
    payload: Value,
) -> Value {
    let (start, end) = quarter_days(period);
    json!({
        "format": 1, "installation_id": installation, "organisation": "", "city": city,
        "period": period, "period_start": start, "period_end": end,
        "dataset": "quarter_report", "dataset_version": 1, "revision": revision,
        "payload": payload, "payload_sha256": "", "audit_head": {"count": revision, "hash": format!("{revision:064x}")},
        "made_at": "2016-04-05T00:00:00Z", "public_key": "", "signature": ""
    })
}

const BUSINESS: &[&str] = &[
    "applications",
    "approved",
    "declined_by_insurer",
    "declined_by_bank",
    "disbursed_count",
    "disbursed_amount",
    "ytd_count",
    "ytd_amount",
    "loans_on_book",
    "balance",
    "guarantee_written",
    "accident_written",
    "guarantee_received",
    "accident_received",
    "premiums_refunded",
    "claims_filed",
    "claims_filed_loss",
    "claims_paid",
    "claims_paid_amount",
    "claims_refused",
    "claims_delayed",
    "accident_claims_paid",
    "accident_claims_amount",
    "recovered",
    "recovered_insurer",
    "recovered_bank",
];
const COUNTS: &[&str] = &[
    "applications",
    "approved",
    "declined_by_insurer",
    "declined_by_bank",
    "disbursed_count",
    "ytd_count",
    "loans_on_book",
    "claims_filed",
    "claims_paid",
    "claims_refused",
    "claims_delayed",
    "accident_claims_paid",
    "loans",
    "cases",
    "flagged_in_quarter",
    "flagged_to_date",
];

/// A line with every figure of `names` zero, then `given` over it.
fn line(keys: Value, names: &[&str], given: Value) -> Value {
    let mut l = keys;
    for n in names {
        l[*n] = if COUNTS.contains(n) {
            json!(0)
        } else {
            json!("0.00")
        };
    }
    for (k, v) in given.as_object().unwrap() {
        l[k] = v.clone();
    }
    l
}

/// A closed quarter's payload for one city: one insurer × bank line with `business`
/// figures, the insurer's loss-ratio line and the bank's NPL line.
pub fn payload(
    period: &str,
    city: &str,
    insurer: &str,
    bank: &str,
    business: Value,
    loss: Value,
    npl: Value,
) -> Value {
    json!({
        "period": period, "city": city, "complete": true, "state": {"closed": true},
        "business": [line(json!({"city": city, "insurer": insurer, "insurer_name": format!("{insurer} 保险"), "bank": bank, "bank_name": format!("{bank} 银行")}), BUSINESS, business)],
        "by_kind": [line(json!({"city": city, "kind": "small_business"}),
            &["disbursed_count", "disbursed_amount", "ytd_count", "ytd_amount", "loans_on_book", "balance"], json!({}))],
        "loss_ratios": [line(json!({"city": city, "insurer": insurer, "insurer_name": format!("{insurer} 保险"), "stopped": false}),
            &["premiums_received", "claims_paid", "compensation_due", "compensation_paid"], loss)],
        "npl": [line(json!({"city": city, "bank": bank, "bank_name": format!("{bank} 银行")}),
            &["loans", "balance", "normal", "special_mention", "substandard", "doubtful", "loss", "npl_balance"], npl)],
        "subsidies": [], "defaulters": []
    })
}
