//! On Windows a file is its owner's alone by its access-control list, not a mode:
//! a protected DACL (nothing inherited from the folder) with one entry, full control for
//! the signed-in user. Read back the same way, so a check can say whether it holds.
//! The workspace forbids unsafe code; these Win32 calls are the one exception, kept in `ffi`.

#[cfg(windows)]
mod ffi;
#[cfg(windows)]
pub use ffi::{current_user_sid, dacl, owner_only, protect};

/// Whether a DACL in SDDL form is the user's alone: `D:` then its flags (`P` protected,
/// `AI` …) then the entries in parentheses, each allowing `sid`.
pub fn owner_only_sddl(sddl: &str, sid: &str) -> bool {
    let Some(rest) = sddl.strip_prefix("D:") else {
        return false;
    };
    let (flags, aces) = rest.split_at(rest.find('(').unwrap_or(rest.len()));
    let entries: Vec<&str> = aces.split(['(', ')']).filter(|e| !e.is_empty()).collect();
    flags.contains('P')
        && !entries.is_empty()
        && entries
            .iter()
            .all(|e| e.starts_with("A;") && e.ends_with(&format!(";{sid}")))
}

#[cfg(test)]
mod tests {
    use super::owner_only_sddl;

    #[test]
    fn only_a_protected_list_for_the_user_alone_is_owner_only() {
        let me = "S-1-5-21-1-2-3-1000";
        assert!(owner_only_sddl("D:P(A;;FA;;;S-1-5-21-1-2-3-1000)", me));
        assert!(owner_only_sddl(
            "D:PAI(A;OICI;FA;;;S-1-5-21-1-2-3-1000)",
            me
        ));
        // Inherited from the folder (not protected), or anyone else allowed: not private.
        assert!(!owner_only_sddl("D:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)", me));
        assert!(!owner_only_sddl(
            "D:P(A;;FA;;;S-1-5-21-1-2-3-1000)(A;;FR;;;BU)",
            me
        ));
        assert!(!owner_only_sddl("D:P", me));
    }
}
