//! The Win32 calls (unsafe: FFI), each with its SAFETY note.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use std::ptr::null_mut;
use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
use windows_sys::Win32::Security::Authorization::{
    ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
    ConvertStringSecurityDescriptorToSecurityDescriptorW,
};
use windows_sys::Win32::Security::{
    GetFileSecurityW, GetTokenInformation, SetFileSecurityW, TokenUser, DACL_SECURITY_INFORMATION,
    PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

const SDDL_REVISION_1: u32 = 1;

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(Some(0)).collect()
}

fn wide_path(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain(Some(0)).collect()
}

/// A string the system allocated with LocalAlloc, copied out and freed.
///
/// # Safety
/// `p` is a NUL-terminated UTF-16 string from a Win32 call that hands ownership to the
/// caller (to free with LocalFree).
unsafe fn take_local_string(p: *mut u16) -> String {
    let mut len = 0;
    while *p.add(len) != 0 {
        len += 1;
    }
    let text = String::from_utf16_lossy(std::slice::from_raw_parts(p, len));
    LocalFree(p as *mut c_void);
    text
}

/// The signed-in user's SID as text (S-1-5-21-…).
pub fn current_user_sid() -> io::Result<String> {
    // SAFETY: the token handle is closed on every path after it was opened; the buffer is
    // the size the first call asked for and is read as the TOKEN_USER it holds.
    unsafe {
        let mut token: HANDLE = null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut needed = 0u32;
        GetTokenInformation(token, TokenUser, null_mut(), 0, &mut needed);
        let mut buffer = vec![0u8; needed as usize];
        let ok = GetTokenInformation(
            token,
            TokenUser,
            buffer.as_mut_ptr() as *mut c_void,
            needed,
            &mut needed,
        );
        let err = io::Error::last_os_error();
        CloseHandle(token);
        if ok == 0 {
            return Err(err);
        }
        let user = &*(buffer.as_ptr() as *const TOKEN_USER);
        let mut text: *mut u16 = null_mut();
        if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(take_local_string(text))
    }
}

/// Gives `path` a protected DACL: full control for the current user, nobody else.
pub fn protect(path: &Path, is_dir: bool) -> io::Result<()> {
    let sid = current_user_sid()?;
    // Folders pass the same entry on to what is made in them (OI: files, CI: folders).
    let inherit = if is_dir { "OICI" } else { "" };
    let sddl = wide(&format!("D:P(A;{inherit};FA;;;{sid})"));
    // SAFETY: the descriptor comes from the SDDL conversion and is freed once applied; the
    // strings are NUL-terminated.
    unsafe {
        let mut sd: PSECURITY_DESCRIPTOR = null_mut();
        if ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut sd,
            null_mut(),
        ) == 0
        {
            return Err(io::Error::last_os_error());
        }
        let ok = SetFileSecurityW(
            wide_path(path).as_ptr(),
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            sd,
        );
        let err = io::Error::last_os_error();
        LocalFree(sd);
        if ok == 0 {
            return Err(err);
        }
    }
    Ok(())
}

/// The DACL of `path` in SDDL form (`D:P(A;;FA;;;S-1-5-21-…)`).
pub fn dacl(path: &Path) -> io::Result<String> {
    let name = wide_path(path);
    // SAFETY: the buffer is the size the first call asked for; the SDDL string is freed by
    // take_local_string.
    unsafe {
        let mut needed = 0u32;
        GetFileSecurityW(
            name.as_ptr(),
            DACL_SECURITY_INFORMATION,
            null_mut(),
            0,
            &mut needed,
        );
        if needed == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buffer = vec![0u8; needed as usize];
        if GetFileSecurityW(
            name.as_ptr(),
            DACL_SECURITY_INFORMATION,
            buffer.as_mut_ptr() as PSECURITY_DESCRIPTOR,
            needed,
            &mut needed,
        ) == 0
        {
            return Err(io::Error::last_os_error());
        }
        let mut text: *mut u16 = null_mut();
        if ConvertSecurityDescriptorToStringSecurityDescriptorW(
            buffer.as_mut_ptr() as PSECURITY_DESCRIPTOR,
            SDDL_REVISION_1,
            DACL_SECURITY_INFORMATION,
            &mut text,
            null_mut(),
        ) == 0
        {
            return Err(io::Error::last_os_error());
        }
        Ok(take_local_string(text))
    }
}

/// Whether only the current user may open `path`: a protected DACL whose every entry
/// allows that user and nobody else.
pub fn owner_only(path: &Path) -> io::Result<bool> {
    Ok(crate::owner_only_sddl(&dacl(path)?, &current_user_sid()?))
}
