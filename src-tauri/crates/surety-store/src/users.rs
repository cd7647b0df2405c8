//! Users and roles. Passwords never reach the database: they only wrap keys (keys.rs).

use crate::error::{StoreError, StoreResult};
use crate::store::now_rfc3339;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// The insurer's underwriter (主承保公司).
    Underwriter,
    BankOfficer,
    FieldAgent,
    /// Reads everything, writes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Underwriter,
        Role::BankOfficer,
        Role::FieldAgent,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Underwriter => "underwriter",
            Role::BankOfficer => "bank_officer",
            Role::FieldAgent => "field_agent",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub active: bool,
}

pub const MIN_PASSWORD_CHARS: usize = 12;

/// Passwords people pick first, the ones a guesser tries first (the most common of the
/// published leak lists, Chinese and international); compared ignoring case.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "qwertyuiop",
    "qwerty123",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "qazwsxedc",
    "zaq12wsx",
    "abc12345",
    "abcd1234",
    "a1234567",
    "a12345678",
    "aa123456",
    "asdfghjkl",
    "iloveyou",
    "woaini1314",
    "woaini520",
    "5201314520",
    "admin123",
    "admin1234",
    "administrator",
    "welcome1",
    "letmein1",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "superman",
    "trustno1",
    "dragon123",
    "monkey123",
    "shadow123",
    "master123",
    "computer",
    "internet",
    "00000000",
    "11111111",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "88888888",
    "66666666",
    "123123123",
    "147258369",
    "123qweasd",
    "qweasdzxc",
    "zxcvbnm123",
    "1234qwer",
    "qwer1234",
    "changeme",
    "default1",
    "surety123",
    "baodaitong",
];

/// The password policy, after current guidance (NIST SP 800-63B): length rather than
/// character classes — at least `MIN_PASSWORD_CHARS`, which a passphrase of a few words
/// reaches easily — and nothing a guesser tries first: a common password (with digits or
/// marks added), one character repeated or a run of the keyboard or the alphabet, the
/// user's own name with a little added. A stolen key file is attacked offline, where only
/// the guesses' count matters.
pub fn validate_password(password: &str, username: &str) -> StoreResult<()> {
    let policy_zh = "要求：至少 12 个字符，可用几个词组成的口令；不能是常见密码、用户名加几个字符、重复或连续的字符";
    let policy_en = "at least 12 characters, a passphrase of a few words will do; not a common password, the user name with a few characters added, nor repeated or consecutive characters";
    let refuse = |zh: &str, en: &str| {
        Err(StoreError::invalid(
            "password",
            format!("{zh}（{policy_zh}）"),
            format!("{en} ({policy_en})"),
        ))
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return refuse(
            &format!("密码至少 {MIN_PASSWORD_CHARS} 个字符"),
            &format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
        );
    }
    let lower = password.to_lowercase();
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    if distinct.len() < MIN_DISTINCT_CHARS || is_run(&lower) {
        return refuse(
            "密码由重复或连续的字符组成，很容易被猜中",
            "the password is repeated or consecutive characters, easily guessed",
        );
    }
    let name = username.to_lowercase();
    if name.chars().count() >= 3 && lower.contains(&name) {
        let rest = lower.replace(&name, "");
        if rest.chars().count() < MIN_PASSWORD_CHARS / 2 + 2 {
            return refuse(
                "密码由用户名加几个字符组成",
                "the password is the user name with a few characters added",
            );
        }
    }
    // A common password stays common with digits or marks around it ("password2016!").
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    let common = |p: &str| COMMON_PASSWORDS.contains(&p);
    if common(&lower)
        || common(core)
        || COMMON_PASSWORDS
            .iter()
            .any(|c| c.len() >= 6 && lower.contains(c) && lower.len() < c.len() + 6)
    {
        return refuse(
            "这是常见密码或其变形，容易被猜中",
            "that is a common password or one with a few characters added, easily guessed",
        );
    }
    Ok(())
}

/// The fewest different characters a password may have.
const MIN_DISTINCT_CHARS: usize = 5;

/// Whether the text is one run of consecutive characters ("abcdefghijkl", "987654321098")
/// or of a keyboard row.
fn is_run(text: &str) -> bool {
    const ROWS: &[&str] = &["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let chars: Vec<u32> = text.chars().map(u32::from).collect();
    let step = |d: i64| {
        chars.windows(2).all(|w| {
            i64::from(w[1]) - i64::from(w[0]) == d
                || (d == 1 && w[0] == u32::from('9') && w[1] == u32::from('0'))
        })
    };
    let along_rows = ROWS.iter().any(|row| {
        let doubled = row.repeat(4);
        doubled.contains(text) || doubled.chars().rev().collect::<String>().contains(text)
    });
    step(1) || step(-1) || along_rows
}

pub fn validate_new(u: &NewUser, password: &str) -> StoreResult<()> {
    let ok_name = !u.username.is_empty()
        && u.username.len() <= 64
        && u.username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !ok_name {
        return Err(StoreError::invalid(
            "username",
            "用户名应为 1 至 64 个英文字母、数字或 . _ -",
            "a user name is 1 to 64 letters, digits or . _ -",
        ));
    }
    if u.display_name.trim().is_empty() {
        return Err(StoreError::invalid(
            "display_name",
            "请填写姓名",
            "the display name is required",
        ));
    }
    validate_password(password, &u.username)
}

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    let id: i64 = r.get(0)?;
    Ok(User {
        id,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: Role::parse(&role)
            .ok_or_else(|| crate::corrupt::corrupt("users", id, "role", &role))?,
        organisation_id: r.get(4)?,
        active: r.get::<_, i64>(5)? == 1,
    })
}

const COLUMNS: &str = "id, username, display_name, role, organisation_id, active";

pub(crate) fn insert(tx: &Transaction, u: &NewUser) -> StoreResult<User> {
    tx.execute(
        "INSERT INTO users (username, display_name, role, organisation_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![u.username, u.display_name, u.role.code(), u.organisation_id, now_rfc3339()],
    )?;
    Ok(User {
        id: tx.last_insert_rowid(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        organisation_id: u.organisation_id,
        active: true,
    })
}

pub fn by_username(conn: &Connection, username: &str) -> StoreResult<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM users WHERE username = ?1"),
            [username],
            from_row,
        )
        .optional()?)
}

pub fn list(conn: &Connection) -> StoreResult<Vec<User>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn active_admins(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1",
        [],
        |r| r.get(0),
    )?)
}
