//! Files the store writes are the owner's alone: created new with mode 0600 (folders
//! 0700) whatever the umask, never through a link someone planted at the path. On Windows
//! the same by access-control list (`surety-winacl`): a protected DACL for the user alone.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `path` as a new file readable and writable by its owner only. Fails if anything
/// (a file, a symbolic link) is already there, so a planted link is never followed.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    restrict(path)?;
    Ok(file)
}

/// Sets an existing file to the owner's alone (0600); folders to 0700.
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(path)?;
        if meta.file_type().is_symlink() {
            return Ok(());
        }
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(windows)]
    {
        let meta = std::fs::symlink_metadata(path)?;
        if !meta.file_type().is_symlink() {
            surety_winacl::protect(path, meta.is_dir())?;
        }
    }
    #[cfg(not(any(unix, windows)))]
    let _ = path;
    Ok(())
}

/// Whether `path` is its owner's alone (mode without group and other bits; on Windows a
/// protected DACL for the user alone).
pub fn is_private(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 == 0)
    }
    #[cfg(windows)]
    {
        surety_winacl::owner_only(path)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        Ok(false)
    }
}

/// How `path` is protected, as the system says it: its mode (`0600`) or, on Windows, its
/// DACL in SDDL form.
pub fn protection(path: &Path) -> io::Result<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(format!(
            "{:04o}",
            std::fs::metadata(path)?.permissions().mode() & 0o7777
        ))
    }
    #[cfg(windows)]
    {
        surety_winacl::dacl(path)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        Ok(String::new())
    }
}

/// Whether each file of a database (itself, its key file, WAL, shared memory: those that
/// exist) is its owner's alone: (file, private, its protection as the system says it).
pub fn database_privacy(db: &Path) -> io::Result<Vec<(String, bool, String)>> {
    let mut out = Vec::new();
    for suffix in ["", ".keys", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let path = Path::new(&p);
        if path.exists() {
            out.push((
                path.display().to_string(),
                is_private(path)?,
                protection(path)?,
            ));
        }
    }
    Ok(out)
}

/// Creates a folder (and its parents) that only its owner may enter.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)?;
    restrict(path)
}

/// The files of a database (itself, its key file, WAL and shared memory) set to 0600.
pub fn restrict_database(db: &Path) -> io::Result<()> {
    for suffix in ["", ".keys", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        match restrict(Path::new(&p)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn private_files_are_0600_and_never_follow_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a");
        create_private(&f).unwrap();
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let target = dir.path().join("target");
        std::fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(create_private(&link).is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        let d = dir.path().join("x/y");
        create_private_dir(&d).unwrap();
        assert_eq!(
            std::fs::metadata(&d).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
}
