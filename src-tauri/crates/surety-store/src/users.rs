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

pub use surety_domain::passwords::MIN_PASSWORD_CHARS;

/// The password policy (`surety_domain::passwords`), as the store's refusal.
pub fn validate_password(password: &str, username: &str) -> StoreResult<()> {
    match surety_domain::passwords::weakness(password, username) {
        Some(w) => Err(StoreError::invalid("password", w.message_zh, w.message_en)),
        None => Ok(()),
    }
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
