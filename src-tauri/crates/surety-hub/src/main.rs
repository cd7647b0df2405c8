//! `surety-hub`: the provincial hub's server and its admin commands.
//!
//! ```text
//! surety-hub --db sqlite:hub.db serve --listen 127.0.0.1:8480
//! surety-hub --db postgres://hub@db/hub install add --installation-id … --public-key … \
//!     --name "人保烟台" --city yantai --organisation picc-yt
//! surety-hub install list | install revoke ID | key
//! surety-hub reader add li.ming --name "财政厅 李明" < password   (one line on stdin)
//! surety-hub reader list | reader password NAME < password | reader disable NAME | reads
//! ```

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;
use surety_hub::postgres::PgRepo;
use surety_hub::repo::{HubError, Installation, Repository};
use surety_hub::sqlite::SqliteRepo;
use surety_hub::Hub;

#[derive(Parser)]
#[command(
    name = "surety-hub",
    version,
    about = "保贷通省级汇总平台 / Surety Desk provincial hub"
)]
struct Cli {
    /// `sqlite:PATH` for a trial on one machine, `postgres://…` for a province.
    #[arg(long, env = "SURETY_HUB_DB", default_value = "sqlite:surety-hub.db")]
    db: String,
    /// The file of the hub's receipt-signing key, owner-only (made on first start). With
    /// `sqlite:PATH` it defaults to PATH.key; with PostgreSQL it must be given.
    #[arg(long, env = "SURETY_HUB_KEY_FILE")]
    key_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the province page.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8480")]
        listen: String,
        /// Serve HTTPS with this PEM certificate chain (and --tls-key); without, plain HTTP
        /// for a TLS proxy in front.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// Seconds a request's body may take to arrive.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
        body_seconds: u64,
        /// Envelopes one installation may send a minute.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
        envelopes_per_minute: u32,
    },
    /// The hub's receipt-signing public key and fingerprint (for installations' settings).
    Key,
    /// Registered installations.
    Install {
        #[command(subcommand)]
        action: InstallAction,
    },
    /// The finance office's staff who may read the province's figures.
    Reader {
        #[command(subcommand)]
        action: ReaderAction,
    },
    /// Who read which figures, newest first.
    Reads {
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum ReaderAction {
    /// Adds a reader; the password is the first line of standard input.
    Add {
        username: String,
        #[arg(long)]
        name: String,
    },
    List,
    /// Sets a new password (first line of standard input); their sessions end.
    Password {
        username: String,
    },
    /// Disables a reader; their sessions end. Kept for the record of reads.
    Disable {
        username: String,
    },
}

#[derive(Subcommand)]
enum InstallAction {
    Add {
        #[arg(long)]
        installation_id: String,
        /// The Ed25519 public key (hex) that `surety sync identity` printed.
        #[arg(long)]
        public_key: String,
        #[arg(long)]
        name: String,
        /// A city it reports for (repeat for several).
        #[arg(long = "city", required = true)]
        cities: Vec<String>,
        /// An insurer it reports for (repeat for several).
        #[arg(long = "organisation", required = true)]
        organisations: Vec<String>,
    },
    /// Registers many at once, all or none: a JSON array on stdin of
    /// {"installation_id", "public_key", "name", "cities": [..], "organisations": [..]}.
    Import,
    List,
    Revoke {
        installation_id: String,
    },
}

fn fail(code: u8, zh: &str, en: &str) -> ExitCode {
    eprintln!(
        "{}",
        serde_json::json!({"error": {"message_zh": zh, "message_en": en}})
    );
    ExitCode::from(code)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

async fn run<R: Repository>(
    repo: R,
    key_file: &std::path::Path,
    command: Command,
) -> Result<ExitCode, HubError> {
    match command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            body_seconds,
            envelopes_per_minute,
        } => {
            let acceptor = match (&tls_cert, &tls_key) {
                (Some(cert), Some(key)) => match surety_hub::tls::acceptor(cert, key) {
                    Ok(a) => Some(a),
                    Err(en) => return Ok(fail(2, &format!("TLS 证书或私钥无效：{en}"), &en)),
                },
                _ => None,
            };
            let limits = surety_hub::Limits {
                body_deadline: std::time::Duration::from_secs(body_seconds),
                envelopes_per_minute,
            };
            let mut hub = Hub::open(repo, key_file, limits).await?;
            hub.tls = acceptor.is_some();
            let hub = Arc::new(hub);
            let listener = listen_on(&listen)
                .await
                .map_err(|e| HubError::Invalid(format!("cannot listen on {listen}: {e}")))?;
            let addr = listener
                .local_addr()
                .map_err(|e| HubError::Storage(e.to_string()))?;
            // The first line on stdout says where (tests start it on port 0).
            println!(
                "{}",
                serde_json::json!({"listening": addr.to_string(), "tls": acceptor.is_some(), "public_key": hub.identity.public_key()})
            );
            tracing::info!(%addr, tls = acceptor.is_some(), fingerprint = %hub.identity.fingerprint(), "hub listening");
            let mut app = surety_hub::api::router(hub);
            if acceptor.is_some() {
                app = app.layer(axum::middleware::map_response(
                    surety_hub::api::strict_transport,
                ));
            }
            let served = match acceptor {
                Some(acceptor) => {
                    let tls = surety_hub::tls::TlsListener::new(listener, acceptor)
                        .map_err(|e| HubError::Storage(e.to_string()))?;
                    axum::serve(tls, app)
                        .with_graceful_shutdown(shutdown())
                        .await
                }
                None => {
                    axum::serve(listener, app)
                        .with_graceful_shutdown(shutdown())
                        .await
                }
            };
            served.map_err(|e| HubError::Storage(e.to_string()))?;
            tracing::info!("hub stopped");
        }
        Command::Key => {
            let id = surety_hub::signing_key::load_or_make(&repo, key_file).await?;
            println!(
                "{}",
                serde_json::json!({"public_key": id.public_key(), "fingerprint": id.fingerprint()})
            );
        }
        Command::Install { action } => match action {
            InstallAction::Add {
                installation_id,
                public_key,
                name,
                cities,
                organisations,
            } => {
                let i = match registration(installation_id, public_key, name, cities, organisations)
                {
                    Ok(i) => i,
                    Err((zh, en)) => return Ok(fail(2, &zh, &en)),
                };
                match repo.add_installations(std::slice::from_ref(&i)).await {
                    Err(HubError::Invalid(en)) => {
                        return Ok(fail(2, "该机构编号或公钥已登记", &en));
                    }
                    other => other?,
                }
                let fingerprint = surety_sync::fingerprint_hex(&i.public_key).unwrap_or_default();
                println!(
                    "{}",
                    serde_json::json!({"registered": i, "fingerprint": fingerprint})
                );
            }
            InstallAction::Import => {
                #[derive(serde::Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Row {
                    installation_id: String,
                    public_key: String,
                    name: String,
                    cities: Vec<String>,
                    organisations: Vec<String>,
                }
                let rows: Vec<Row> = match serde_json::from_reader(std::io::stdin()) {
                    Ok(r) => r,
                    Err(e) => {
                        return Ok(fail(
                            2,
                            &format!("标准输入应为机构登记的 JSON 数组：{e}"),
                            &format!("stdin must be a JSON array of registrations: {e}"),
                        ))
                    }
                };
                let mut list = Vec::with_capacity(rows.len());
                for (n, r) in rows.into_iter().enumerate() {
                    match registration(
                        r.installation_id,
                        r.public_key,
                        r.name,
                        r.cities,
                        r.organisations,
                    ) {
                        Ok(i) => list.push(i),
                        Err((zh, en)) => {
                            return Ok(fail(
                                2,
                                &format!("第 {} 条：{zh}", n + 1),
                                &format!("entry {}: {en}", n + 1),
                            ))
                        }
                    }
                }
                match repo.add_installations(&list).await {
                    Err(HubError::Invalid(en)) => {
                        return Ok(fail(
                            2,
                            "有机构编号或公钥已登记，未登记任何机构",
                            &format!("{en}; none registered"),
                        ));
                    }
                    other => other?,
                }
                println!("{}", serde_json::json!({"registered": list.len()}));
            }
            InstallAction::List => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&repo.installations().await?).expect("serializes")
                );
            }
            InstallAction::Revoke { installation_id } => {
                if !repo.revoke(&installation_id, &now()).await? {
                    return Ok(fail(
                        2,
                        &format!("没有未注销的机构 {installation_id}"),
                        &format!("no installation {installation_id} that is not revoked already"),
                    ));
                }
                println!("{}", serde_json::json!({"revoked": installation_id}));
            }
        },
        Command::Reader { action } => return readers(&repo, action).await,
        Command::Reads { limit } => {
            println!(
                "{}",
                serde_json::to_string_pretty(&repo.reads(limit.clamp(1, 100_000)).await?)
                    .expect("serializes")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The password on the first line of standard input, checked against the policy.
fn password_from_stdin(username: &str) -> Result<String, ExitCode> {
    let mut line = String::new();
    // A password is a line, not a file: anything longer is refused unread.
    let mut limited = std::io::Read::take(std::io::stdin(), 4096);
    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(&mut limited), &mut line);
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err(fail(
            2,
            "请在标准输入的第一行给出密码",
            "give the password as the first line of standard input",
        ));
    }
    if let Some(w) = surety_domain::passwords::weakness(password, username) {
        return Err(fail(2, &w.message_zh, &w.message_en));
    }
    Ok(password.to_string())
}

async fn readers<R: Repository>(repo: &R, action: ReaderAction) -> Result<ExitCode, HubError> {
    use surety_hub::access;
    match action {
        ReaderAction::Add { username, name } => {
            if !access::valid_username(&username) {
                return Ok(fail(
                    2,
                    "用户名应为 1 至 64 个英文字母、数字或 . _ -",
                    "a user name is 1 to 64 letters, digits or . _ -",
                ));
            }
            if !access::valid_display_name(&name) {
                return Ok(fail(
                    2,
                    "姓名应为 1 至 64 个字符，不含控制字符",
                    "the name is 1 to 64 characters without control characters",
                ));
            }
            let password = match password_from_stdin(&username) {
                Ok(p) => p,
                Err(code) => return Ok(code),
            };
            let reader = surety_hub::readers::Reader {
                username,
                display_name: name.trim().to_string(),
                created_at: now(),
                disabled_at: None,
            };
            match repo
                .add_reader(&reader, &access::hash_password(&password)?)
                .await
            {
                Err(HubError::Invalid(en)) => {
                    return Ok(fail(2, &format!("用户 {} 已存在", reader.username), &en))
                }
                other => other?,
            }
            println!("{}", serde_json::json!({"added": reader}));
        }
        ReaderAction::List => {
            println!(
                "{}",
                serde_json::to_string_pretty(&repo.readers().await?).expect("serializes")
            );
        }
        ReaderAction::Password { username } => {
            let password = match password_from_stdin(&username) {
                Ok(p) => p,
                Err(code) => return Ok(code),
            };
            if !repo
                .set_reader_password(&username, &access::hash_password(&password)?)
                .await?
            {
                return Ok(fail(
                    2,
                    &format!("没有未停用的用户 {username}"),
                    &format!("no reader {username} that is not disabled"),
                ));
            }
            println!("{}", serde_json::json!({"password_set": username}));
        }
        ReaderAction::Disable { username } => {
            if !repo.disable_reader(&username, &now()).await? {
                return Ok(fail(
                    2,
                    &format!("没有未停用的用户 {username}"),
                    &format!("no reader {username} that is not disabled already"),
                ));
            }
            println!("{}", serde_json::json!({"disabled": username}));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A registration checked: a valid Ed25519 key, known cities, non-empty names and codes.
fn registration(
    installation_id: String,
    public_key: String,
    name: String,
    cities: Vec<String>,
    organisations: Vec<String>,
) -> Result<Installation, (String, String)> {
    let public_key = public_key.trim().to_ascii_lowercase();
    if surety_sync::fingerprint_hex(&public_key).is_err() {
        return Err((
            "公钥无效：应为 64 位十六进制（surety sync identity 的 public_key）".into(),
            "the public key is not valid: 64 hex digits expected (public_key from surety sync identity)".into(),
        ));
    }
    for c in &cities {
        if c.parse::<surety_domain::City>().is_err() {
            return Err((
                format!("未知的地市代码 {c}"),
                format!("unknown city code {c}"),
            ));
        }
    }
    if installation_id.trim().is_empty()
        || name.trim().is_empty()
        || cities.is_empty()
        || organisations.is_empty()
        || organisations
            .iter()
            .any(|o| o.trim().is_empty() || o.contains(','))
    {
        return Err((
            "机构编号、名称、地市和保险公司代码不能为空，代码中不能有逗号".into(),
            "the installation id, name, cities and organisation codes must not be empty, nor codes contain commas".into(),
        ));
    }
    Ok(Installation {
        installation_id: installation_id.trim().to_string(),
        public_key,
        name: name.trim().to_string(),
        cities,
        organisations: organisations.iter().map(|o| o.trim().to_string()).collect(),
        registered_at: now(),
        revoked_at: None,
    })
}

/// A listener with a deep accept queue: a thousand offices sending at the same minute
/// must wait in the queue, not be reset by a full one while the two cores verify.
async fn listen_on(address: &str) -> std::io::Result<tokio::net::TcpListener> {
    let addr = tokio::net::lookup_host(address)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::other("no address"))?;
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Ctrl-C or SIGTERM: stop taking connections, finish the requests in flight.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SURETY_HUB_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let result = if let Some(path) = cli.db.strip_prefix("sqlite:") {
        let key_file = cli
            .key_file
            .unwrap_or_else(|| std::path::PathBuf::from(format!("{path}.key")));
        match SqliteRepo::open(std::path::Path::new(path)) {
            Ok(repo) => run(repo, &key_file, cli.command).await,
            Err(e) => Err(e),
        }
    } else if cli.db.starts_with("postgres://") || cli.db.starts_with("postgresql://") {
        let Some(key_file) = cli.key_file else {
            return fail(
                2,
                "使用 PostgreSQL 时须用 --key-file 指定平台签名密钥文件（仅平台用户可读）",
                "with PostgreSQL, give --key-file: the hub's signing key file (readable by the hub's user only)",
            );
        };
        match PgRepo::connect(&cli.db, 32).await {
            Ok(repo) => run(repo, &key_file, cli.command).await,
            Err(e) => Err(e),
        }
    } else {
        return fail(
            2,
            "--db 应为 sqlite:路径 或 postgres://…",
            "--db must be sqlite:PATH or postgres://…",
        );
    };
    match result {
        Ok(code) => code,
        Err(e) => fail(1, &format!("省级平台出错：{e}"), &format!("hub error: {e}")),
    }
}
