//! Where files the user asked for may go. A PDF, an export or a backup is written only
//! outside the app's data folder and never over the database, its key file or their
//! companions; it is created beside its destination with mode 0600 and renamed into
//! place, so a link planted at the path is replaced, never followed.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use std::path::{Component, Path, PathBuf};

fn refused(path: &Path, zh: &str, en: &str) -> DeskError {
    DeskError::new(
        ErrorCode::PathNotAllowed,
        Some("path"),
        format!("不能写入 {}：{zh}。请选择数据目录以外的位置（如“文档”或桌面）", path.display()),
        format!(
            "cannot write {}: {en}. Choose a place outside the app's data folder (e.g. Documents or the desktop)",
            path.display()
        ),
    )
}

/// `path` made absolute with its folder resolved (links and `..` followed), the file name
/// kept as given.
fn resolve(path: &Path) -> DeskResult<(PathBuf, std::ffi::OsString)> {
    let name = match path.components().next_back() {
        Some(Component::Normal(n)) => n.to_os_string(),
        _ => return Err(refused(path, "不是文件名", "it does not name a file")),
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let folder = std::fs::canonicalize(&parent)
        .map_err(|e| DeskError::io("找不到目录", "no such folder", &parent, &e))?;
    Ok((folder, name))
}

fn canonical_or_self(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Refuses a resolved path inside the app's own data folder (`asked` as the user gave it).
fn outside_app_folder(asked: &Path, resolved: &Path) -> DeskResult<()> {
    if resolved.starts_with(canonical_or_self(&crate::desk::paths::app_data_dir())) {
        return Err(refused(
            asked,
            "这是本程序的数据目录",
            "that is the app's own data folder",
        ));
    }
    Ok(())
}

/// The rules every written file and folder passes: not inside the app's data folder, not
/// the database or any of its companions (`<db>*` beside it: key file, WAL, SHM, kept
/// copies), not a folder or anything but a plain file.
pub fn check(db: &Path, path: &Path) -> DeskResult<PathBuf> {
    let (folder, name) = resolve(path)?;
    let target = folder.join(&name);
    outside_app_folder(path, &target)?;
    let db_folder = canonical_or_self(
        db.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    );
    let db_name = db
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    if folder == db_folder && name.to_string_lossy().starts_with(&db_name) {
        return Err(refused(
            path,
            "这是数据库或其密钥文件",
            "that is the database or one of its files (key file, WAL, copies)",
        ));
    }
    match std::fs::symlink_metadata(&target) {
        Ok(m) if m.is_dir() => Err(refused(path, "这是一个目录", "that is a folder")),
        Ok(m) if !m.is_file() && !m.file_type().is_symlink() => {
            Err(refused(path, "这不是普通文件", "that is not a plain file"))
        }
        _ => Ok(target),
    }
}

/// Writes `bytes` to `path` under the rules above and returns the file's absolute path.
pub fn write(db: &Path, path: &Path, bytes: &[u8]) -> DeskResult<PathBuf> {
    write_with(db, path, |f| {
        use std::io::Write;
        f.write_all(bytes)
            .map_err(|e| DeskError::io("无法写入", "cannot write", path, &e))
    })
    .map(|(target, ())| target)
}

/// The same for a file written a piece at a time by `fill`: nothing is at `path` until
/// `fill` has finished and the file is on disk; on an error the partial file is removed.
pub fn write_with<T>(
    db: &Path,
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> DeskResult<T>,
) -> DeskResult<(PathBuf, T)> {
    let target = check(db, path)?;
    let folder = target.parent().unwrap_or(Path::new("."));
    let temp = folder.join(format!(
        ".{}.{}.{}.part",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        fastrand::u64(..)
    ));
    let cannot = |e: std::io::Error| DeskError::io("无法写入", "cannot write", &target, &e);
    let result = (|| {
        let file = surety_store::files::create_private(&temp).map_err(cannot)?;
        let mut writer = std::io::BufWriter::with_capacity(256 * 1024, file);
        let made = fill(&mut writer)?;
        let file = writer.into_inner().map_err(|e| cannot(e.into_error()))?;
        file.sync_all().map_err(cannot)?;
        std::fs::rename(&temp, &target).map_err(cannot)?;
        Ok(made)
    })();
    match result {
        Ok(made) => Ok((target, made)),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// A folder for a batch: created owner-only if new, under the same rules.
pub fn folder(dir: &Path) -> DeskResult<PathBuf> {
    if !dir.exists() {
        surety_store::files::create_private_dir(dir)
            .map_err(|e| DeskError::io("无法创建目录", "cannot create", dir, &e))?;
    }
    let canonical = std::fs::canonicalize(dir)
        .map_err(|e| DeskError::io("找不到目录", "no such folder", dir, &e))?;
    if !canonical.is_dir() {
        return Err(refused(dir, "这不是目录", "that is not a folder"));
    }
    outside_app_folder(dir, &canonical)?;
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_and_its_companions_are_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pilot.db");
        std::fs::write(&db, b"db").unwrap();
        for name in [
            "pilot.db",
            "pilot.db.keys",
            "pilot.db-wal",
            "pilot.db-shm",
            "pilot.db.pre-restore-x",
        ] {
            let e = write(&db, &dir.path().join(name), b"x").unwrap_err();
            assert_eq!(e.code, "PATH_NOT_ALLOWED", "{name}");
        }
        // The same name through `..` is the same file.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let e = write(&db, &sub.join("../pilot.db.keys"), b"x").unwrap_err();
        assert_eq!(e.code, "PATH_NOT_ALLOWED");
        assert_eq!(std::fs::read(&db).unwrap(), b"db");
        let out = write(&db, &dir.path().join("contract.pdf"), b"%PDF").unwrap();
        assert_eq!(std::fs::read(out).unwrap(), b"%PDF");
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_replaced_not_followed_and_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pilot.db");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let out = dir.path().join("out.pdf");
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        write(&db, &out, b"%PDF").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&out).unwrap(), b"%PDF");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
