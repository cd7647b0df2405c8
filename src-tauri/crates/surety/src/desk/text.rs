//! Text people type: names, addresses, notes. Normalised to NFC and held to stated limits,
//! so that what is stored, searched and printed is what a reader sees: no control
//! characters, no invisible ones (zero-width, bidi overrides) that would hide a name from a
//! search or reverse it on a contract.

use crate::desk::error::{DeskError, DeskResult};
use unicode_normalization::UnicodeNormalization;

/// What a field holds and how long it may be.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_chars: usize,
    pub required: bool,
    /// Notes may have line breaks and tabs; names may not.
    pub multiline: bool,
}

pub const NAME: Limit = Limit {
    max_chars: 100,
    required: true,
    multiline: false,
};
/// A person's name as others see it (users, authors).
pub const DISPLAY_NAME: Limit = Limit {
    max_chars: 50,
    required: true,
    multiline: false,
};
/// Another installation's name (an office, a laptop).
pub const PEER_NAME: Limit = Limit {
    max_chars: 60,
    required: true,
    multiline: false,
};
/// An attachment's file name.
pub const FILE_NAME: Limit = Limit {
    max_chars: 120,
    required: true,
    multiline: false,
};
pub const SHORT: Limit = Limit {
    max_chars: 50,
    required: false,
    multiline: false,
};
pub const ADDRESS: Limit = Limit {
    max_chars: 200,
    required: false,
    multiline: false,
};
pub const NOTE: Limit = Limit {
    max_chars: 2000,
    required: false,
    multiline: true,
};

/// Invisible characters that change how text reads without showing: bidi embeddings,
/// overrides and isolates, zero-width spaces and joiners, the BOM, the soft hyphen.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A value quoted back in an error: at most 32 characters, so a 10 MB field is not
/// echoed whole.
pub fn shown(text: &str) -> String {
    let mut out: String = text.chars().take(32).collect();
    if text.chars().nth(32).is_some() {
        out.push('…');
    }
    out
}

/// The cleaned text, or an error naming the field as the form labels it, what was wrong
/// and what is allowed.
pub fn clean(field: &str, text: &str, limit: Limit) -> DeskResult<String> {
    let bad = |zh: String, en: String| Err(DeskError::invalid(field, zh, en));
    let (zh, en) = label(field);
    if let Some(c) = text.chars().find(|c| {
        is_invisible(*c)
            || (c.is_control() && !(limit.multiline && matches!(c, '\n' | '\t' | '\r')))
    }) {
        return bad(
            format!("{zh}含有不可见或控制字符（U+{:04X}），请删除后重新输入", c as u32),
            format!("{en} contains an invisible or control character (U+{:04X}); remove it and type the text again", c as u32),
        );
    }
    let normalised: String = text.trim().nfc().collect();
    let n = normalised.chars().count();
    if limit.required && n == 0 {
        return bad(format!("请填写{zh}"), format!("{en} is required"));
    }
    if n > limit.max_chars {
        return bad(
            format!("{zh}最多 {} 个字符，现为 {n} 个", limit.max_chars),
            format!("{en} takes at most {} characters, not {n}", limit.max_chars),
        );
    }
    Ok(normalised)
}

/// A text field as the forms label it, in both languages (the request's field name stays in
/// the error's `field`, for the form to put the message beside it).
fn label(field: &str) -> (&'static str, &'static str) {
    match field {
        "borrower.name" => ("借款人名称", "The borrower's name"),
        "borrower.address" => ("地址", "The address"),
        "borrower.legal_rep" => ("法定代表人", "The legal representative"),
        "borrower.phone" => ("联系电话", "The phone number"),
        "display_name" | "author_name" => ("姓名", "The name"),
        "name" => ("名称", "The name"),
        "laptop_name" => ("笔记本名称", "The laptop's name"),
        "office_name" => ("机构名称", "The office's name"),
        "file_name" => ("文件名", "The file name"),
        "place" => ("走访地点", "The place visited"),
        "findings" => ("走访发现", "The findings"),
        "cause" => ("事故原因", "The cause"),
        "reason" => ("原因", "The reason"),
        _ => ("说明", "The note"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_and_invisible_characters_refused() {
        assert_eq!(clean("name", "  张三 ", NAME).unwrap(), "张三");
        // "e" + combining acute becomes the single character é.
        assert_eq!(clean("name", "Jose\u{301}", NAME).unwrap(), "José");
        for hostile in [
            "张\u{200B}三",
            "\u{202E}三张",
            "张\u{0}三",
            "张\u{1B}[31m三",
            "a\nb",
        ] {
            let e = clean("borrower.name", hostile, NAME).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("borrower.name"), "{hostile:?}");
        }
        assert!(clean("name", &"张".repeat(101), NAME).is_err());
        assert!(clean("name", "", NAME).is_err());
        assert_eq!(
            clean("note", "第一行\n第二行", NOTE).unwrap(),
            "第一行\n第二行"
        );
        assert_eq!(shown(&"x".repeat(10_000_000)).chars().count(), 33);
    }
}
