//! `surety`: the service layer from the command line. JSON in (stdin), JSON out (stdout).
//!
//! Exit codes: 0 done (a quote that breaks rules is still done: `compliant` says so);
//! 2 the request itself is malformed or invalid (message on stderr, nothing on stdout);
//! 1 refused by a rule, a permission or the case's state, or any other failure;
//! 3 done (any change is made), but the result could not be written to stdout.

use surety::api::ErrorCode;
mod actions;
mod args;
mod commands;
mod demo;
mod io;

use args::Cli;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version are not errors: clap prints them as they are.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // A command line that does not parse is malformed input, said in both languages
        // with the JSON line a script reads, like every other error.
        Err(e) => {
            let detail = e.render().to_string();
            let first = detail.lines().next().unwrap_or_default().trim();
            let first = first.strip_prefix("error: ").unwrap_or(first).to_string();
            io::print_error(&surety::api::DeskError::new(
                ErrorCode::MalformedRequest,
                None,
                format!("命令行有误（运行 surety --help 查看用法）：{first}"),
                format!("the command line is wrong (see surety --help): {first}"),
            ));
            return ExitCode::from(2);
        }
    };
    match commands::run(cli) {
        Ok(out) => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{out}").and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // The reader went away (`surety case list | head`): nothing to tell it.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("已完成，但结果无法输出（标准输出已关闭或磁盘已满）");
                    eprintln!("done, but the result could not be written: {e}");
                    ExitCode::from(3)
                }
            }
        }
        Err(e) => {
            io::print_error(&e);
            ExitCode::from(io::exit_code(&e))
        }
    }
}
