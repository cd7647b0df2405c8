//! What can go wrong in the store, each with a stable code the service layer passes on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An unknown user name and a wrong password: the same answer, so that neither is told.
    #[error("wrong user name or password")]
    SignInFailed(String),
    #[error("too many wrong passwords for this user name: try again in {0} seconds")]
    Throttled(i64),
    #[error("no user `{0}` in this installation")]
    UnknownUser(String),
    #[error("the key file {0} is missing")]
    KeyFileMissing(String),
    #[error("the key file {path} is damaged: {why}")]
    KeyFileDamaged { path: String, why: String },
    #[error("{0} is not a Surety Desk database for this key file")]
    NotOurDatabase(String),
    #[error("the database has schema version {found}, newer than this program's {supported}: update the program")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("this build's SQLite is not SQLCipher: refusing to store data unencrypted")]
    NotSqlcipher,
    #[error("a database already exists at {0}")]
    AlreadyExists(String),
    #[error("user `{0}` already exists")]
    UserExists(String),
    #[error("{field}: {message_en}")]
    Invalid {
        field: String,
        message_zh: String,
        message_en: String,
    },
    #[error("the backup {path} cannot be restored: {why}")]
    BadBackup { path: String, why: String },
    #[error("this backup belongs to installation {backup}, not to this one ({ours}); restore it over this database only with the explicit flag")]
    ForeignBackup { backup: String, ours: String },
    #[error("not permitted: {0}")]
    NotPermitted(String),
    #[error("the database holds a damaged value: {0}")]
    Corrupt(String),
    /// A rule refused a write whose inputs were read inside its own transaction.
    #[error("{}", .0.message_en)]
    Rule(surety_domain::Violation),
    /// Another change held the database past the wait (a slow disk, a long backup).
    #[error("the database is busy with another change: try again in a moment")]
    Busy,
    /// The database is being replaced by a restore (or already was, under this session).
    #[error(
        "a restore is replacing this database: nothing was written; sign in again once it is done"
    )]
    RestoreInProgress,
    /// The disk is full: nothing was written.
    #[error("the disk holding the database is full: nothing was written; free some space (or move the data folder) and try again")]
    DiskFull,
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::SignInFailed(_) => "SIGN_IN_FAILED",
            StoreError::Throttled(_) => "THROTTLED",
            StoreError::UnknownUser(_) => "UNKNOWN_USER",
            StoreError::KeyFileMissing(_) => "KEY_FILE_MISSING",
            StoreError::KeyFileDamaged { .. } => "KEY_FILE_DAMAGED",
            StoreError::NotOurDatabase(_) => "NOT_OUR_DATABASE",
            StoreError::SchemaTooNew { .. } => "SCHEMA_TOO_NEW",
            StoreError::NotSqlcipher => "NOT_SQLCIPHER",
            StoreError::AlreadyExists(_) => "ALREADY_EXISTS",
            StoreError::UserExists(_) => "USER_EXISTS",
            StoreError::Invalid { .. } => "INVALID_INPUT",
            StoreError::BadBackup { .. } => "BAD_BACKUP",
            StoreError::ForeignBackup { .. } => "FOREIGN_BACKUP",
            StoreError::NotPermitted(_) => "NOT_PERMITTED",
            StoreError::Corrupt(_) => "CORRUPT",
            StoreError::Rule(v) => v.rule.as_str(),
            StoreError::Busy => "DATABASE_BUSY",
            StoreError::RestoreInProgress => "RESTORE_IN_PROGRESS",
            StoreError::DiskFull => "DISK_FULL",
            StoreError::Sqlite(_) => "DATABASE",
            StoreError::Io(_) => "IO",
        }
    }

    /// The message in Chinese; the English one is `to_string()`.
    pub fn message_zh(&self) -> String {
        match self {
            StoreError::SignInFailed(_) => "用户名或密码错误".into(),
            StoreError::Throttled(s) => format!("该用户名密码错误次数过多，请 {s} 秒后再试"),
            StoreError::UnknownUser(u) => format!("本机没有用户“{u}”"),
            StoreError::KeyFileMissing(p) => format!("密钥文件 {p} 不存在，无法打开数据库"),
            StoreError::KeyFileDamaged { path, why } => format!("密钥文件 {path} 已损坏：{why}"),
            StoreError::NotOurDatabase(p) => format!("{p} 不是与此密钥文件对应的保贷通数据库"),
            StoreError::SchemaTooNew { found, supported } => {
                format!("数据库结构版本为 {found}，高于本程序支持的 {supported}：请升级程序")
            }
            StoreError::NotSqlcipher => "本程序的 SQLite 不是 SQLCipher，拒绝以明文保存数据".into(),
            StoreError::AlreadyExists(p) => format!("{p} 处已有数据库"),
            StoreError::UserExists(u) => format!("用户“{u}”已存在"),
            StoreError::Invalid {
                field, message_zh, ..
            } => format!("{field}：{message_zh}"),
            StoreError::BadBackup { path, why } => format!("备份文件 {path} 无法恢复：{why}"),
            StoreError::ForeignBackup { backup, ours } => format!(
                "该备份属于另一套安装（{backup}），不是本机这套（{ours}）；确需用它替换本机数据库，请明确确认（命令行加 --allow-foreign）"
            ),
            StoreError::NotPermitted(why) => format!("无权操作：{why}"),
            StoreError::Corrupt(what) => format!("数据库中有损坏的数据（{what}）：请从备份恢复或联系管理员"),
            StoreError::Rule(v) => v.message_zh.clone(),
            StoreError::Busy => "数据库正被另一项操作占用，请稍候再试".into(),
            StoreError::RestoreInProgress => {
                "数据库正在被恢复的备份替换：本次未写入任何内容，恢复完成后请重新登录".into()
            }
            StoreError::DiskFull => {
                "数据库所在磁盘已满：本次未写入任何内容，请清理磁盘空间（或迁移数据目录）后重试".into()
            }
            StoreError::Sqlite(_) => "数据库出错（详情见英文说明），本次未写入任何内容".into(),
            StoreError::Io(e) => format!("文件读写出错：{}", io_cause_zh(e)),
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            StoreError::Invalid { field, .. } => Some(field),
            StoreError::Rule(v) => Some(&v.field),
            StoreError::SignInFailed(_) | StoreError::Throttled(_) => Some("password"),
            StoreError::UnknownUser(_) | StoreError::UserExists(_) => Some("username"),
            _ => None,
        }
    }

    pub fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(c) = inner.downcast_ref::<crate::corrupt::Corrupt>() {
                return StoreError::Corrupt(c.to_string());
            }
        }
        if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        ) {
            return StoreError::Busy;
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            return StoreError::DiskFull;
        }
        StoreError::Sqlite(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What an operating-system error means, in Chinese: a message_zh never carries the
/// system's English text (that goes into message_en).
pub fn io_cause_zh(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有访问权限",
        K::AlreadyExists => "文件已存在",
        K::StorageFull => "磁盘空间已满",
        K::InvalidData | K::UnexpectedEof => "内容已损坏或不完整",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        K::FileTooLarge => "文件太大",
        K::TimedOut => "操作超时",
        K::OutOfMemory => "内存不足",
        K::ConnectionRefused | K::ConnectionReset | K::ConnectionAborted | K::NotConnected => {
            "网络连接失败"
        }
        _ => "系统拒绝了这次读写（详情见英文说明）",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_says_so_in_both_languages_briefly() {
        // SQLITE_FULL (13), as SQLite reports a write the disk had no room for.
        let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(13), None);
        let e = StoreError::from(full);
        assert_eq!(e.code(), "DISK_FULL");
        let (zh, en) = (e.message_zh(), e.to_string());
        assert!(
            zh.contains("磁盘已满") && en.contains("disk"),
            "{zh} / {en}"
        );
        assert!(zh.chars().count() < 300 && en.chars().count() < 300);
    }
}
