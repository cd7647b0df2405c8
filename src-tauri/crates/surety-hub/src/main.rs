//! `surety-hub`: the provincial hub's server and its admin commands.
//!
//! ```text
//! surety-hub --db sqlite:hub.db serve --listen 127.0.0.1:8480
//! surety-hub --db postgres://hub@db/hub install add --installation-id … --public-key … \
//!     --name "人保烟台" --city yantai --organisation picc-yt
//! surety-hub install list | install revoke ID | key
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
    },
    /// The hub's receipt-signing public key and fingerprint (for installations' settings).
    Key,
    /// Registered installations.
    Install {
        #[command(subcommand)]
        action: InstallAction,
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

async fn run<R: Repository>(repo: R, command: Command) -> Result<ExitCode, HubError> {
    match command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
        } => {
            let acceptor = match (&tls_cert, &tls_key) {
                (Some(cert), Some(key)) => match surety_hub::tls::acceptor(cert, key) {
                    Ok(a) => Some(a),
                    Err(en) => return Ok(fail(2, &format!("TLS 证书或私钥无效：{en}"), &en)),
                },
                _ => None,
            };
            let hub = Arc::new(Hub::open(repo).await?);
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
            let id = surety_hub::identity(&repo).await?;
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
        match SqliteRepo::open(std::path::Path::new(path)) {
            Ok(repo) => run(repo, cli.command).await,
            Err(e) => Err(e),
        }
    } else if cli.db.starts_with("postgres://") || cli.db.starts_with("postgresql://") {
        match PgRepo::connect(&cli.db, 32).await {
            Ok(repo) => run(repo, cli.command).await,
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
