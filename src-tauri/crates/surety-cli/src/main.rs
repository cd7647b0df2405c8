//! `surety`: the service layer from the command line. JSON in (stdin), JSON out (stdout).
//!
//! Exit codes: 0 done (a quote that breaks rules is still done: `compliant` says so);
//! 2 the request itself is malformed (message on stderr, nothing on stdout); 1 any other failure.

use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use surety::DeskError;
use surety_domain::Settings;

#[derive(Parser)]
#[command(name = "surety", version, about = "保贷通 Surety Desk — command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Quote a loan: reads the request JSON on stdin, prints the quote JSON.
    Quote {
        /// A settings TOML file (defaults: DOMAIN.md's numbers).
        #[arg(long)]
        settings: Option<PathBuf>,
    },
    /// Settings: print the defaults as TOML, or check a file.
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
}

#[derive(Subcommand)]
enum SettingsAction {
    /// Print the default settings as TOML.
    Defaults,
    /// Check a settings file; prints the effective settings as TOML.
    Check { file: PathBuf },
}

/// A failure and the exit code it ends with.
struct Failure {
    code: u8,
    error: DeskError,
}

impl From<DeskError> for Failure {
    fn from(error: DeskError) -> Self {
        let code = if matches!(error.code.as_str(), "MALFORMED_REQUEST" | "INVALID_INPUT") {
            2
        } else {
            1
        };
        Failure { code, error }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(f) => {
            let e = &f.error;
            let field = e
                .field
                .as_deref()
                .map(|f| format!(" [{f}]"))
                .unwrap_or_default();
            eprintln!(
                "错误 {}{field}：{}\nerror {}{field}: {}",
                e.code, e.message_zh, e.code, e.message_en
            );
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> Result<String, Failure> {
    match command {
        Command::Quote { settings } => {
            let settings = load_settings(settings.as_ref())?;
            let input = surety::quote_input_from_json(&read_stdin()?)?;
            let quote = surety::quote(&input, &settings)?;
            Ok(serde_json::to_string_pretty(&quote).expect("quote serializes"))
        }
        Command::Settings { action } => match action {
            SettingsAction::Defaults => Ok(Settings::default().to_toml()),
            SettingsAction::Check { file } => Ok(load_settings(Some(&file))?.to_toml()),
        },
    }
}

fn read_stdin() -> Result<String, Failure> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| {
        Failure::from(DeskError::new(
            "MALFORMED_REQUEST",
            None,
            format!("无法读取标准输入：{e}"),
            format!("cannot read standard input: {e}"),
        ))
    })?;
    Ok(text)
}

fn load_settings(path: Option<&PathBuf>) -> Result<Settings, Failure> {
    let Some(path) = path else {
        return Ok(Settings::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::from(DeskError::new(
            "SETTINGS",
            Some("settings"),
            format!("无法读取配置文件 {}：{e}", path.display()),
            format!("cannot read the settings file {}: {e}", path.display()),
        ))
    })?;
    Settings::from_toml(&text).map_err(|e| {
        Failure::from(DeskError::new(
            "SETTINGS",
            Some(&e.key),
            format!("配置文件 {} 有误：{}", path.display(), e.message_zh),
            format!(
                "the settings file {} is wrong: {}",
                path.display(),
                e.message_en
            ),
        ))
    })
}
