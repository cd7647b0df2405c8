//! Sign-in, users, keys: every failure is clear and changes nothing.

mod common;
use common::*;
use surety_store::{key_file_path, KdfParams, NewUser, Role, Store, StoreError};

#[test]
fn the_first_admin_creates_the_database_and_signs_in_again() {
    let f = Fixture::new();
    let (store, user) = f.create();
    assert_eq!(user.role, Role::Admin);
    drop(store);
    let (_, again) = Store::open(&f.db, "admin", PASSWORD).unwrap();
    assert_eq!(again.display_name, "系统管理员");
}

#[test]
fn sign_in_failures_say_what_is_wrong_and_change_nothing() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    add_case(&mut s, 1);
    drop(s);
    let before = std::fs::read(&f.db).unwrap();

    // An unknown user and a wrong password get the same answer.
    let e = Store::open(&f.db, "admin", "wrong password").err().unwrap();
    assert_eq!(e.code(), "SIGN_IN_FAILED");
    assert!(e.message_zh().contains("用户名或密码错误"));
    let unknown = Store::open(&f.db, "nobody", PASSWORD).err().unwrap();
    assert_eq!(unknown.code(), "SIGN_IN_FAILED");
    assert_eq!(unknown.to_string(), e.to_string());

    let kpath = key_file_path(&f.db);
    let keys = std::fs::read(&kpath).unwrap();
    std::fs::write(&kpath, b"{ not json").unwrap();
    assert_eq!(
        Store::open(&f.db, "admin", PASSWORD).err().unwrap().code(),
        "KEY_FILE_DAMAGED"
    );
    std::fs::remove_file(&kpath).unwrap();
    assert_eq!(
        Store::open(&f.db, "admin", PASSWORD).err().unwrap().code(),
        "KEY_FILE_MISSING"
    );
    std::fs::write(&kpath, &keys).unwrap();

    // Another installation's database next to this key file.
    let other = Fixture::new();
    drop(other.create());
    std::fs::copy(key_file_path(&other.db), &kpath).unwrap();
    assert_eq!(
        Store::open(&f.db, "admin", PASSWORD).err().unwrap().code(),
        "NOT_OUR_DATABASE"
    );
    std::fs::write(&kpath, &keys).unwrap();

    // A file that is not a database at all.
    let junk = f.dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    std::fs::copy(&kpath, key_file_path(&junk)).unwrap();
    assert_eq!(
        Store::open(&junk, "admin", PASSWORD).err().unwrap().code(),
        "NOT_OUR_DATABASE"
    );

    assert_eq!(
        std::fs::read(&f.db).unwrap(),
        before,
        "failed sign-ins do not touch the database"
    );
    let s = f.open();
    assert_eq!(surety_store::cases::count(s.connection()).unwrap(), 1);
}

#[test]
fn create_refuses_an_existing_database_and_a_weak_first_user() {
    let f = Fixture::new();
    drop(f.create());
    let e = Store::create(&f.db, &admin(), PASSWORD, KdfParams::for_tests())
        .err()
        .unwrap();
    assert_eq!(e.code(), "ALREADY_EXISTS");
    let g = Fixture::new();
    let e = Store::create(&g.db, &admin(), "short", KdfParams::for_tests())
        .err()
        .unwrap();
    assert_eq!(e.field(), Some("password"));
    assert!(
        !g.db.exists() && !key_file_path(&g.db).exists(),
        "nothing half-made"
    );
}

fn clerk() -> NewUser {
    NewUser {
        username: "clerk".into(),
        display_name: "银行柜员".into(),
        role: Role::BankOfficer,
        organisation_id: None,
    }
}

#[test]
fn users_get_their_own_wrapped_key_and_lose_it_when_removed() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    s.add_user("admin", &clerk(), "clerk-password").unwrap();
    assert_eq!(
        s.add_user("admin", &clerk(), "clerk-password")
            .err()
            .unwrap()
            .code(),
        "USER_EXISTS"
    );
    drop(s);
    let (_, u) = Store::open(&f.db, "clerk", "clerk-password").unwrap();
    assert_eq!(u.role, Role::BankOfficer);

    let mut s = f.open();
    let e = s
        .change_password("clerk", "clerk", "not-the-current", "a-new-password")
        .unwrap_err();
    assert_eq!(e.field(), Some("current_password"));
    s.change_password("clerk", "clerk", "clerk-password", "a-new-password")
        .unwrap();
    drop(s);
    assert_eq!(
        Store::open(&f.db, "clerk", "clerk-password")
            .err()
            .unwrap()
            .code(),
        "SIGN_IN_FAILED"
    );
    Store::open(&f.db, "clerk", "a-new-password").unwrap();

    let mut s = f.open();
    s.remove_user("admin", "clerk").unwrap();
    let e = s.remove_user("admin", "admin").err().unwrap();
    assert!(e.to_string().contains("last admin"));
    drop(s);
    assert_eq!(
        Store::open(&f.db, "clerk", "a-new-password")
            .err()
            .unwrap()
            .code(),
        "SIGN_IN_FAILED"
    );

    // An admin brings the disabled user back with a new password.
    let mut s = f.open();
    s.reset_user("admin", "clerk", "back-again-2016").unwrap();
    assert!(s.reset_user("admin", "nobody", "back-again-2016").is_err());
    drop(s);
    let (_, u) = Store::open(&f.db, "clerk", "back-again-2016").unwrap();
    assert!(u.active);
}

#[test]
fn the_database_key_rotates_and_the_old_key_stops_working() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    add_case(&mut s, 7);
    let old = s.emergency_key_hex();
    s.rotate_key("admin").unwrap();
    let new = s.emergency_key_hex();
    assert_ne!(old, new);
    drop(s);
    let s = f.open();
    assert_eq!(surety_store::cases::count(s.connection()).unwrap(), 1);
    assert_eq!(s.integrity_check().unwrap(), "ok");
    drop(s);
    assert!(
        sqlcipher_count(&f.db, &old).is_none(),
        "the old key no longer opens the file"
    );
    assert_eq!(sqlcipher_count(&f.db, &new).as_deref(), Some("1"));
}

#[test]
fn a_database_newer_than_the_program_is_refused() {
    let f = Fixture::new();
    let (s, _) = f.create();
    s.connection()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    drop(s);
    let e = Store::open(&f.db, "admin", PASSWORD).err().unwrap();
    assert!(
        matches!(e, StoreError::SchemaTooNew { found: 99, .. }),
        "{e}"
    );
    assert!(e.message_zh().contains("升级程序"));
}

/// Debian's `sqlcipher` shell with the raw key: the administrator's emergency access.
fn sqlcipher_count(db: &std::path::Path, key_hex: &str) -> Option<String> {
    let out = std::process::Command::new("sqlcipher")
        .arg(db)
        .arg(format!(
            "PRAGMA key = \"x'{key_hex}'\"; PRAGMA cipher_page_size = 4096;"
        ))
        .arg("SELECT count(*) FROM cases;")
        .output()
        .expect("the sqlcipher shell (Debian package sqlcipher)");
    let text = String::from_utf8_lossy(&out.stdout)
        .trim()
        .lines()
        .last()
        .unwrap_or("")
        .to_string();
    (out.status.success() && !text.is_empty() && text != "ok").then_some(text)
}

#[test]
fn debian_sqlcipher_opens_the_file_with_the_raw_key() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    for n in 0..3 {
        add_case(&mut s, n);
    }
    let key = s.emergency_key_hex();
    drop(s);
    assert_eq!(sqlcipher_count(&f.db, &key).as_deref(), Some("3"));
}

#[test]
fn a_removed_users_old_key_file_no_longer_opens_the_database() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    s.add_user("admin", &clerk(), "clerk-password").unwrap();
    add_case(&mut s, 1);
    // The clerk keeps a copy of today's key file.
    let stolen = f.dir.path().join("stolen.keys");
    std::fs::copy(key_file_path(&f.db), &stolen).unwrap();
    s.remove_user("admin", "clerk").unwrap();
    drop(s);
    // The old file still unwraps the clerk's old keys, but they open nothing now.
    let old = surety_store::keys::KeyFile::load(&stolen).unwrap();
    let (_, old_db_key) = old.unlock("clerk", "clerk-password", &stolen).unwrap();
    assert!(surety_store::store::open_connection(&f.db, &old_db_key, false).is_err());
    // Everyone left still signs in with their own password.
    let s = f.open();
    assert_eq!(surety_store::cases::count(s.connection()).unwrap(), 1);
    assert!(surety_store::audit::verify(s.connection()).unwrap().ok);
}

#[test]
fn wrong_passwords_slow_down_and_go_on_the_audit_record() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    s.add_user("admin", &clerk(), "clerk-password").unwrap();
    drop(s);
    for _ in 0..3 {
        let e = Store::open(&f.db, "clerk", "guess-one-two").err().unwrap();
        assert_eq!(e.code(), "SIGN_IN_FAILED");
    }
    // The fourth try waits, even with the right password.
    let e = Store::open(&f.db, "clerk", "clerk-password").err().unwrap();
    assert_eq!(e.code(), "THROTTLED", "{e}");
    assert!(e.to_string().contains("seconds"));
    // Another user is not held up; their sign-in writes the failures to the audit log.
    let s = f.open();
    let n: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'signin.failed' AND entity_id = 'clerk'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 3);
    assert!(surety_store::audit::verify(s.connection()).unwrap().ok);
}

#[test]
fn passwords_follow_the_stated_policy() {
    use surety_store::users::validate_password;
    for bad in [
        // Too short, however mixed.
        "short1",
        "Aa1!Bb2@Cc3",
        // Long but a guesser's first tries: one character, spaces, a run of the alphabet,
        // the digits, a keyboard row, a common password with digits and marks added.
        "aaaaaaaaaaaa",
        "            ",
        "abcdefghijklm",
        "123456789012",
        "qwertyuiopas",
        "password2016!",
        "Woaini1314520",
        // The user name with a little added.
        "clerk-clerk2!",
        "bo-icbc-2016!",
    ] {
        let e = validate_password(
            bad,
            if bad.starts_with("bo-") {
                "bo-icbc"
            } else {
                "clerk"
            },
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("password"), "{bad}");
        assert!(
            e.to_string().contains("at least 12 characters"),
            "the policy is stated: {e}"
        );
    }
    // A passphrase of a few words, in either script.
    validate_password("清晨的渔港出海捕鱼满载归来", "clerk").unwrap();
    validate_password("harbour-morning-nets", "clerk").unwrap();
    validate_password("pilot-password-2016", "clerk").unwrap();
}
