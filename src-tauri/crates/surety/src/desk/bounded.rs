//! Outside input read with its limit known before the bytes are: a bundle, an attachment,
//! an enrolment, a settings file or JSON on standard input stops at its limit with a clear
//! refusal, so that a device like `/dev/zero` (whose size reads as nothing) or a runaway
//! pipe cannot grow the process until the system stops it.

use crate::desk::error::{DeskError, DeskResult};
use std::io::Read;
use std::path::Path;

/// The largest settings file taken (a province's whole configuration is a few KiB).
pub const SETTINGS_FILE_BYTES_MAX: u64 = 1024 * 1024;
/// The largest request read from standard input (an intake with its borrowers is a few KiB).
pub const STDIN_BYTES_MAX: u64 = 16 * 1024 * 1024;
/// The largest bundle taken (the photos of many cases).
pub const BUNDLE_BYTES_MAX: u64 = 4 * 1024 * 1024 * 1024;
/// The largest field-laptop enrolment (the reference tables it carries are small).
pub const ENROLMENT_BYTES_MAX: u64 = 64 * 1024 * 1024;

/// What is read and where its refusal points: the field, and the thing in both languages.
pub struct Source<'a> {
    pub field: &'a str,
    pub zh: &'a str,
    pub en: &'a str,
}

/// The whole of `path`, refused past `limit` bytes without reading further.
pub fn read_file(path: &Path, limit: u64, source: Source) -> DeskResult<Vec<u8>> {
    let cannot = cannot_read(path, &source);
    let file = std::fs::File::open(path).map_err(&cannot)?;
    read_limited(file, limit, &source)?.map_err(cannot)
}

/// The refusal when the system cannot open or read `path`, with its cause in both languages.
fn cannot_read<'a>(
    path: &'a Path,
    source: &'a Source,
) -> impl Fn(std::io::Error) -> DeskError + 'a {
    move |e| {
        DeskError::invalid(
            source.field,
            format!(
                "无法读取{} {}：{}",
                source.zh,
                path.display(),
                crate::desk::error::io_cause_zh(&e)
            ),
            format!("cannot read the {} {}: {e}", source.en, path.display()),
        )
    }
}

/// A bundle from a partner, a laptop or the office, opened to be read as a stream, and its
/// size: a plain file only (a device or a pipe has no size to check), refused past
/// `BUNDLE_BYTES_MAX` before a byte is read.
pub fn open_bundle(path: &Path) -> DeskResult<(std::fs::File, u64)> {
    let source = Source {
        field: "from",
        zh: "数据包",
        en: "bundle",
    };
    let cannot = cannot_read(path, &source);
    let file = std::fs::File::open(path).map_err(&cannot)?;
    let meta = file.metadata().map_err(&cannot)?;
    if !meta.is_file() {
        return Err(DeskError::invalid(
            source.field,
            format!("{} 不是普通文件，不能作为数据包读取", path.display()),
            format!(
                "{} is not a plain file and cannot be read as a bundle",
                path.display()
            ),
        ));
    }
    if meta.len() > BUNDLE_BYTES_MAX {
        return Err(over_limit(&source, BUNDLE_BYTES_MAX));
    }
    Ok((file, meta.len()))
}

/// A field laptop's enrolment file.
pub fn read_enrolment(path: &Path) -> DeskResult<Vec<u8>> {
    read_file(
        path,
        ENROLMENT_BYTES_MAX,
        Source {
            field: "from",
            zh: "登记文件",
            en: "enrolment",
        },
    )
}

/// A settings file (TOML).
pub fn read_settings_file(path: &Path) -> DeskResult<String> {
    read_text_file(
        path,
        SETTINGS_FILE_BYTES_MAX,
        Source {
            field: "settings",
            zh: "配置文件",
            en: "settings file",
        },
    )
}

/// `path` as UTF-8 text, refused past `limit` bytes.
pub fn read_text_file(path: &Path, limit: u64, source: Source) -> DeskResult<String> {
    let field = source.field.to_string();
    let (zh, en) = (source.zh.to_string(), source.en.to_string());
    let bytes = read_file(path, limit, source)?;
    String::from_utf8(bytes).map_err(|_| {
        DeskError::invalid(
            &field,
            format!("{zh} {} 不是 UTF-8 文本", path.display()),
            format!("the {en} {} is not UTF-8 text", path.display()),
        )
    })
}

/// Standard input as UTF-8 text, refused past `STDIN_BYTES_MAX`.
pub fn read_stdin() -> DeskResult<String> {
    let source = Source {
        field: "stdin",
        zh: "标准输入",
        en: "standard input",
    };
    let bytes = read_limited(std::io::stdin().lock(), STDIN_BYTES_MAX, &source)?.map_err(|e| {
        DeskError::new(
            crate::desk::error_code::ErrorCode::MalformedRequest,
            None,
            format!("无法读取标准输入：{}", crate::desk::error::io_cause_zh(&e)),
            format!("cannot read standard input: {e}"),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        DeskError::new(
            crate::desk::error_code::ErrorCode::MalformedRequest,
            None,
            "标准输入不是 UTF-8 文本".into(),
            "standard input is not UTF-8 text".into(),
        )
    })
}

/// Reads at most `limit` bytes and one more to know whether there was more: the outer
/// error is the refusal at the limit, the inner one the system's.
fn read_limited(
    reader: impl Read,
    limit: u64,
    source: &Source,
) -> DeskResult<std::io::Result<Vec<u8>>> {
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit + 1).read_to_end(&mut bytes) {
        return Ok(Err(e));
    }
    if bytes.len() as u64 > limit {
        return Err(over_limit(source, limit));
    }
    Ok(Ok(bytes))
}

fn over_limit(source: &Source, limit: u64) -> DeskError {
    let size = human(limit);
    DeskError::invalid(
        source.field,
        format!("{}超过 {size} 的上限，未读取", source.zh),
        format!(
            "the {} is over its limit of {size} and was not read",
            source.en
        ),
    )
}

/// A limit as people write it: 20 MiB, 4 GiB.
fn human(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= 1024 * MIB && bytes % (1024 * MIB) == 0 {
        format!("{} GiB", bytes / (1024 * MIB))
    } else if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Source<'static> {
        Source {
            field: "from",
            zh: "数据包",
            en: "bundle",
        }
    }

    #[test]
    fn a_device_without_end_stops_at_the_limit() {
        let e = read_file(Path::new("/dev/zero"), 1024 * 1024, source()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("from"));
        assert!(
            e.message_en.contains("over its limit of 1 MiB"),
            "{}",
            e.message_en
        );
        assert!(e.message_zh.contains("1 MiB"), "{}", e.message_zh);
    }

    #[test]
    fn a_file_at_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b");
        std::fs::write(&path, vec![7u8; 4096]).unwrap();
        assert_eq!(read_file(&path, 4096, source()).unwrap().len(), 4096);
        assert!(read_file(&path, 4095, source()).is_err());
    }
}
