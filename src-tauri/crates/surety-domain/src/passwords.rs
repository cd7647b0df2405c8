//! The password policy every account of the pilot's software follows (a desk's users, the
//! provincial hub's readers): one rule, one wording in both languages.

/// Why a password is refused, in both languages, with the policy itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakness {
    pub message_zh: String,
    pub message_en: String,
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
pub fn weakness(password: &str, username: &str) -> Option<Weakness> {
    let policy_zh = "要求：至少 12 个字符，可用几个词组成的口令；不能是常见密码、用户名加几个字符、重复或连续的字符";
    let policy_en = "at least 12 characters, a passphrase of a few words will do; not a common password, the user name with a few characters added, nor repeated or consecutive characters";
    let refuse = |zh: &str, en: &str| {
        Some(Weakness {
            message_zh: format!("{zh}（{policy_zh}）"),
            message_en: format!("{en} ({policy_en})"),
        })
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
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_guessability_not_character_classes() {
        for weak in [
            "aaaaaaaaaaaa",
            "            ",
            "abcdefghijkl",
            "1234567890ab",
            "password2016!",
            "clerk-clerk-2!",
        ] {
            assert!(weakness(weak, "clerk").is_some(), "{weak} accepted");
        }
        for strong in ["清晨的渔港出海捕鱼满载归来", "harbour-morning-nets"] {
            assert_eq!(weakness(strong, "clerk"), None, "{strong} refused");
        }
        let w = weakness("short", "clerk").unwrap();
        assert!(w.message_zh.contains("至少 12 个字符") && w.message_en.contains("at least 12"));
    }
}
