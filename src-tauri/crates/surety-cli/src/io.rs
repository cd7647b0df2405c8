//! Reading requests, passwords and paths; printing errors.

use surety::api::ErrorCode;
use surety::api::{DeskError, DeskResult};

pub fn exit_code(e: &DeskError) -> u8 {
    // The request itself was wrong: 2; refused by a rule, a permission or a state: 1.
    if e.code.is_bad_input() {
        2
    } else {
        1
    }
}

/// Both languages for a person, then one JSON line for a program.
pub fn print_error(e: &DeskError) {
    let field = e
        .field
        .as_deref()
        .map(|f| format!(" [{f}]"))
        .unwrap_or_default();
    eprintln!("错误 {}{field}：{}", e.code, e.message_zh);
    eprintln!("error {}{field}: {}", e.code, e.message_en);
    eprintln!("{}", serde_json::json!({ "error": e }));
}

/// Standard input, bounded (`surety::api::read_stdin`).
pub fn read_stdin() -> DeskResult<String> {
    surety::api::read_stdin()
}

/// A request object from stdin, naming what is wrong with it.
pub fn read_json<T: serde::de::DeserializeOwned>() -> DeskResult<T> {
    let text = read_stdin()?;
    serde_json::from_str(&text).map_err(|e| surety::api::json_error(&e))
}

/// From the environment variable, or asked for on the terminal; never from a flag.
pub fn password(var: &str, prompt: &str) -> DeskResult<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    rpassword::prompt_password(prompt).map_err(|e| {
        DeskError::new(
            ErrorCode::NoPassword,
            Some("password"),
            format!("没有密码：请设置 {var} 或在终端中输入（{e}）"),
            format!("no password: set {var} or type it at a terminal ({e})"),
        )
    })
}

pub fn json<T: serde::Serialize>(value: &T) -> DeskResult<String> {
    Ok(serde_json::to_string_pretty(value).expect("views serialize"))
}
