//! Issue 17: a write that waits too long for another one gets its own code and a message in
//! both languages, not SQLite's raw English text.

mod common;
use common::*;
use surety_store::AuditNote;

#[test]
fn a_busy_database_is_said_in_both_languages() {
    let f = Fixture::new();
    let (first, _) = f.create();
    let mut second = f.open();
    // The first holds the write lock; the second gives up after 100 ms instead of 5 s.
    first.connection().execute_batch("BEGIN IMMEDIATE").unwrap();
    second
        .connection()
        .execute_batch("PRAGMA busy_timeout = 100")
        .unwrap();
    let e = second
        .write("test", "test.busy", |_| {
            Ok(((), AuditNote::new("test", 1, "x")))
        })
        .unwrap_err();
    assert_eq!(e.code(), "DATABASE_BUSY", "{e}");
    assert!(e.message_zh().contains("占用") && e.to_string().contains("busy"));
    first.connection().execute_batch("ROLLBACK").unwrap();
}
