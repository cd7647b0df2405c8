//! R-AUDIT-1 chain, refusal without partial writes, and nothing readable on disk.

mod common;
use common::*;
use surety_store::audit::verify;
use surety_store::cases::{insert_case, upsert_borrower};
use surety_store::AuditNote;

#[test]
fn r_audit_1_every_write_appends_one_chained_entry() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    let before = surety_store::audit::count(s.connection()).unwrap();
    for n in 0..5 {
        add_case(&mut s, n);
    }
    let report = verify(s.connection()).unwrap();
    assert!(report.ok);
    assert_eq!(report.entries, before + 5);
    let timeline =
        surety_store::audit::entries_for(s.connection(), "case", "SD2016-000003").unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].action, "case.intake");
}

#[test]
fn r_audit_1_the_log_cannot_be_edited_and_an_edit_of_the_file_is_found() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    for n in 0..4 {
        add_case(&mut s, n);
    }
    let conn = s.connection();
    assert!(conn
        .execute("UPDATE audit_log SET summary = 'x' WHERE id = 2", [])
        .is_err());
    assert!(conn
        .execute("DELETE FROM audit_log WHERE id = 2", [])
        .is_err());
    // Someone with the raw key drops the guard and rewrites history.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET summary = 'rewritten' WHERE id = 3;",
    )
    .unwrap();
    let report = verify(conn).unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_broken, Some(3));
}

#[test]
fn bad_input_at_the_store_boundary_leaves_no_partial_write() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    add_case(&mut s, 1);
    let audit_before = surety_store::audit::count(s.connection()).unwrap();
    let borrowers_before: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM borrowers", [], |r| r.get(0))
        .unwrap();

    // A new borrower, then a case whose schedule does not repay its principal.
    let (b, mut c) = new_case(2);
    c.schedule.pop();
    let e = s
        .write("admin", "case.intake", |tx| {
            let bid = upsert_borrower(tx, &b)?;
            let id = insert_case(tx, bid, &c)?;
            Ok((id, AuditNote::new("case", &c.case_no, "intake")))
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("schedule"));
    // The same case number twice: the database's constraint refuses it.
    let (b3, mut c3) = new_case(3);
    c3.case_no = "SD2016-000001".into();
    assert!(s
        .write("admin", "case.intake", |tx| {
            let bid = upsert_borrower(tx, &b3)?;
            Ok((
                insert_case(tx, bid, &c3)?,
                AuditNote::new("case", "x", "intake"),
            ))
        })
        .is_err());

    let conn = s.connection();
    assert_eq!(surety_store::audit::count(conn).unwrap(), audit_before);
    let borrowers: i64 = conn
        .query_row("SELECT count(*) FROM borrowers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        borrowers, borrowers_before,
        "the borrower written first was rolled back too"
    );
    assert_eq!(surety_store::cases::count(conn).unwrap(), 1);
}

#[test]
fn neither_the_database_nor_its_wal_holds_names_or_id_numbers_in_plaintext() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    for n in 0..20 {
        add_case(&mut s, n);
    }
    let wal = f.dir.path().join("surety.db-wal");
    assert!(wal.exists(), "WAL mode is on");
    let (b, _) = new_case(5);
    for needle in [
        b.name.as_bytes(),
        b.id_number.as_bytes(),
        "山东省某市".as_bytes(),
        b"SD2016-000005",
        b"CREATE TABLE",
    ] {
        assert!(
            !file_contains(&f.db, needle),
            "database holds {:?}",
            String::from_utf8_lossy(needle)
        );
        assert!(
            !file_contains(&wal, needle),
            "WAL holds {:?}",
            String::from_utf8_lossy(needle)
        );
    }
    let keys = std::fs::read_to_string(surety_store::key_file_path(&f.db)).unwrap();
    assert!(!keys.contains(PASSWORD) && !keys.contains(&s.emergency_key_hex()));
}
