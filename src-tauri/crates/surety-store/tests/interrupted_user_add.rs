//! Issue 17: a `user add` killed after the key file was saved but before its row was
//! committed left the name stuck (USER_EXISTS on add, UNKNOWN_USER on everything else). The
//! next sign-in drops key entries that have no user, on the audit record.

mod common;
use common::*;
use surety_store::keys::KeyFile;
use surety_store::{key_file_path, KdfParams, NewUser, Role};

#[test]
fn a_key_entry_without_a_user_is_dropped_at_the_next_sign_in() {
    let f = Fixture::new();
    let (s, _) = f.create();
    drop(s);
    // What the interrupted add left: the key entry, no row.
    let kpath = key_file_path(&f.db);
    let mut keys = KeyFile::load(&kpath).unwrap();
    let (kek, _) = keys.unlock("admin", PASSWORD, &kpath).unwrap();
    keys.set_user(
        "bo-new",
        "半途而废的密码-2026",
        &kek,
        KdfParams::for_tests(),
    )
    .unwrap();
    keys.save(&kpath).unwrap();

    let mut s = f.open();
    assert!(!KeyFile::load(&kpath).unwrap().has_user("bo-new"));
    let note = surety_store::audit::entries_for(s.connection(), "keyfile", "users").unwrap();
    assert_eq!(note.len(), 1, "{note:?}");
    // The name is free again.
    s.add_user(
        "admin",
        &NewUser {
            username: "bo-new".into(),
            display_name: "新同事".into(),
            role: Role::Auditor,
            organisation_id: None,
        },
        "重新设定的密码-2026",
    )
    .unwrap();
    assert!(KeyFile::load(&kpath).unwrap().has_user("bo-new"));
}
