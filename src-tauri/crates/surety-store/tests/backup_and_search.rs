//! Backup and restore, and finding cases.

mod common;
use common::*;
use surety_domain::{CaseStatus, City};
use surety_store::backup::RestoreOptions;
use surety_store::cases::{search, CaseQuery};
use surety_store::Store;

fn same_installation(s: &Store) -> RestoreOptions {
    RestoreOptions {
        installation_id: s.meta("installation_id").unwrap(),
        allow_foreign: false,
    }
}

#[test]
fn a_backup_restores_the_database_as_it_was() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    for n in 0..10 {
        add_case(&mut s, n);
    }
    let backup = f.dir.path().join("backup.sdbk");
    let info = s.backup_to(&backup).unwrap();
    assert_eq!(info.cases, 10);
    assert!(
        !file_contains(&backup, new_case(4).0.name.as_bytes()),
        "the backup is encrypted"
    );
    for n in 10..15 {
        add_case(&mut s, n);
    }
    let options = same_installation(&s);
    drop(s);

    let restored = Store::restore(&backup, &f.db, "admin", PASSWORD, &options).unwrap();
    assert_eq!(restored.backup.cases, 10);
    let s = f.open();
    assert_eq!(surety_store::cases::count(s.connection()).unwrap(), 10);
    assert!(surety_store::audit::verify(s.connection()).unwrap().ok);
    // The replaced database (15 cases) is kept beside it, with its key file, and opens.
    let kept = std::path::PathBuf::from(restored.previous.expect("the replaced database is kept"));
    let (old, _) = Store::open(&kept, "admin", PASSWORD).unwrap();
    assert_eq!(surety_store::cases::count(old.connection()).unwrap(), 15);
}

#[test]
fn a_backup_of_another_installation_needs_the_explicit_flag() {
    let f = Fixture::new();
    let (s, _) = f.create();
    let ours = same_installation(&s);
    drop(s);
    let other = Fixture::new();
    let (mut t, _) = other.create();
    add_case(&mut t, 1);
    let backup = f.dir.path().join("foreign.sdbk");
    t.backup_to(&backup).unwrap();
    let e = Store::restore(&backup, &f.db, "admin", PASSWORD, &ours).unwrap_err();
    assert_eq!(e.code(), "FOREIGN_BACKUP", "{e}");
    assert_eq!(
        surety_store::cases::count(f.open().connection()).unwrap(),
        0
    );
    let forced = RestoreOptions {
        allow_foreign: true,
        ..ours
    };
    Store::restore(&backup, &f.db, "admin", PASSWORD, &forced).unwrap();
    assert_eq!(
        surety_store::cases::count(f.open().connection()).unwrap(),
        1
    );
}

/// The backup file's three text lines and the database bytes.
fn parts(bytes: &[u8]) -> (String, String, String, Vec<u8>) {
    let mut lines = bytes.splitn(4, |b| *b == b'\n');
    let mut next = || String::from_utf8(lines.next().unwrap().to_vec()).unwrap();
    let (magic, header, mac) = (next(), next(), next());
    let rest = bytes[magic.len() + header.len() + mac.len() + 3..].to_vec();
    (magic, header, mac, rest)
}

fn assemble(magic: &str, header: &str, mac: &str, rest: &[u8]) -> Vec<u8> {
    let mut out = format!("{magic}\n{header}\n{mac}\n").into_bytes();
    out.extend_from_slice(rest);
    out
}

#[test]
fn hostile_headers_are_refused_quickly_and_change_nothing() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    add_case(&mut s, 1);
    let backup = f.dir.path().join("b.sdbk");
    s.backup_to(&backup).unwrap();
    let options = same_installation(&s);
    drop(s);
    let before = std::fs::read(&f.db).unwrap();
    let (magic, header, mac, rest) = parts(&std::fs::read(&backup).unwrap());
    let hostile = |name: &str, bytes: Vec<u8>| {
        let p = f.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        Store::restore(&p, &f.db, "admin", PASSWORD, &options).unwrap_err()
    };
    // Four billion passes would hang; four billion KiB would abort: bounded before use.
    for (from, to) in [
        ("\"t\":1", "\"t\":4000000000"),
        ("\"m_kib\":19456", "\"m_kib\":4000000000"),
        ("\"p\":1", "\"p\":200"),
    ] {
        assert!(header.contains(from), "{from} in {header}");
        let e = hostile(
            "kdf.sdbk",
            assemble(&magic, &header.replace(from, to), &mac, &rest),
        );
        assert_eq!(e.code(), "KEY_FILE_DAMAGED", "{e}");
    }
    // Any change to the header breaks its MAC.
    let altered = header.replace("\"cases\":1", "\"cases\":7");
    let e = hostile("altered.sdbk", assemble(&magic, &altered, &mac, &rest));
    assert_eq!(e.code(), "BAD_BACKUP", "{e}");
    assert!(e.to_string().contains("MAC"), "{e}");
    // A truncated database part, and a header line of 2 MiB.
    let e = hostile(
        "short.sdbk",
        assemble(&magic, &header, &mac, &rest[..rest.len() / 2]),
    );
    assert_eq!(e.code(), "BAD_BACKUP", "{e}");
    let e = hostile(
        "long.sdbk",
        assemble(&magic, &"x".repeat(2 << 20), &mac, &rest),
    );
    assert_eq!(e.code(), "BAD_BACKUP", "{e}");
    assert_eq!(std::fs::read(&f.db).unwrap(), before);
}

#[test]
fn a_backup_with_a_planted_trigger_is_refused() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    add_case(&mut s, 1);
    // Someone with the raw key adds a trigger; the backup made afterwards carries it.
    s.connection()
        .execute_batch(
            "CREATE TRIGGER planted AFTER INSERT ON cases BEGIN DELETE FROM borrowers; END;",
        )
        .unwrap();
    let backup = f.dir.path().join("planted.sdbk");
    s.backup_to(&backup).unwrap();
    s.connection()
        .execute_batch("DROP TRIGGER planted;")
        .unwrap();
    let options = same_installation(&s);
    drop(s);
    let e = Store::restore(&backup, &f.db, "admin", PASSWORD, &options).unwrap_err();
    assert_eq!(e.code(), "BAD_BACKUP", "{e}");
    assert!(e.to_string().contains("schema"), "{e}");
}

#[test]
fn only_an_admin_of_the_backup_restores_it() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    s.add_user(
        "admin",
        &surety_store::NewUser {
            username: "clerk".into(),
            display_name: "职员".into(),
            role: surety_store::Role::Auditor,
            organisation_id: None,
        },
        PASSWORD,
    )
    .unwrap();
    let backup = f.dir.path().join("b.sdbk");
    s.backup_to(&backup).unwrap();
    drop(s);
    let fresh = f.dir.path().join("new-machine.db");
    let e = Store::restore(
        &backup,
        &fresh,
        "clerk",
        PASSWORD,
        &RestoreOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "NOT_PERMITTED", "{e}");
    assert!(!fresh.exists());
    Store::restore(
        &backup,
        &fresh,
        "admin",
        PASSWORD,
        &RestoreOptions::default(),
    )
    .unwrap();
    assert!(Store::open(&fresh, "admin", PASSWORD).is_ok());
}

#[test]
fn a_signed_in_store_backs_up_too() {
    // Signing in opens without SQLITE_OPEN_CREATE; the backup must still be written.
    let f = Fixture::new();
    let (mut s, _) = f.create();
    add_case(&mut s, 1);
    drop(s);
    let s = f.open();
    let backup = f.dir.path().join("signed-in.sdbk");
    assert_eq!(s.backup_to(&backup).unwrap().cases, 1);
}

#[test]
fn a_damaged_or_foreign_backup_is_refused_and_nothing_is_replaced() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    for n in 0..3 {
        add_case(&mut s, n);
    }
    let backup = f.dir.path().join("backup.sdbk");
    s.backup_to(&backup).unwrap();
    add_case(&mut s, 3);
    let options = same_installation(&s);
    drop(s);
    let before = std::fs::read(&f.db).unwrap();

    let mut bytes = std::fs::read(&backup).unwrap();
    let n = bytes.len();
    bytes[n - 3000] ^= 0xff;
    let damaged = f.dir.path().join("damaged.sdbk");
    std::fs::write(&damaged, &bytes).unwrap();
    let e = Store::restore(&damaged, &f.db, "admin", PASSWORD, &options)
        .err()
        .unwrap();
    assert_eq!(e.code(), "BAD_BACKUP", "{e}");

    let not_backup = f.dir.path().join("notes.txt");
    std::fs::write(&not_backup, "hello").unwrap();
    assert_eq!(
        Store::restore(&not_backup, &f.db, "admin", PASSWORD, &options)
            .err()
            .unwrap()
            .code(),
        "BAD_BACKUP"
    );
    assert_eq!(
        Store::restore(&backup, &f.db, "admin", "wrong password", &options)
            .err()
            .unwrap()
            .code(),
        "SIGN_IN_FAILED"
    );

    assert_eq!(std::fs::read(&f.db).unwrap(), before);
    assert_eq!(
        surety_store::cases::count(f.open().connection()).unwrap(),
        4
    );
}

#[test]
fn cases_are_found_by_name_substring_id_number_case_number_and_filters() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    for n in 0..48 {
        add_case(&mut s, n);
    }
    let conn = s.connection();
    let q = |query: CaseQuery| {
        search(
            conn,
            &CaseQuery {
                limit: 100,
                ..query
            },
        )
    };

    // Three or more characters: the trigram index.
    let page = q(CaseQuery {
        search: Some("绿野农业".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.total, 6);
    assert!(page
        .rows
        .iter()
        .all(|r| r.borrower_name.contains("绿野农业")));
    // Two characters: the bigram index, anywhere in the name (the start, across the
    // name and its number, the end). Expected counts from the fixture's own names.
    for two in ["张三", "三6", "6号", "业1"] {
        let expected = (0..48)
            .filter(|n| new_case(*n).0.name.contains(two))
            .count() as u64;
        let page = q(CaseQuery {
            search: Some(two.into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(page.total, expected, "{two}");
        assert!(page.rows.iter().all(|r| r.borrower_name.contains(two)));
    }
    // 张三 at n = 6, 14, 22, 30, 38, 46.
    let page = q(CaseQuery {
        search: Some("张三".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.total, 6);
    // One character: a scan of the names (号 ends every fixture name).
    let page = q(CaseQuery {
        search: Some("号".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.total, 48);
    let page = q(CaseQuery {
        search: Some(credit_code(17).to_lowercase()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].case_no, "SD2016-000017");
    let page = q(CaseQuery {
        search: Some("SD2016-000042".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.rows[0].principal.to_string(), "520000.00");

    let page = q(CaseQuery {
        city: Some(City::Weifang),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.total, 8);
    let page = q(CaseQuery {
        city: Some(City::Weifang),
        status: Some(CaseStatus::Investigation),
        ..Default::default()
    })
    .unwrap();
    assert!(page
        .rows
        .iter()
        .all(|r| r.city == "weifang" && r.status == "investigation"));
    let from = chrono::NaiveDate::from_ymd_opt(2016, 6, 1);
    let page = q(CaseQuery {
        from,
        ..Default::default()
    })
    .unwrap();
    assert!(page
        .rows
        .iter()
        .all(|r| r.application_date.as_str() >= "2016-06-01"));

    // Paging: stable order, total independent of the page.
    let p1 = search(
        conn,
        &CaseQuery {
            limit: 20,
            offset: 0,
            ..Default::default()
        },
    )
    .unwrap();
    let p3 = search(
        conn,
        &CaseQuery {
            limit: 20,
            offset: 40,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((p1.total, p1.rows.len(), p3.rows.len()), (48, 20, 8));
    assert!(p1.rows[0].application_date >= p1.rows[19].application_date);
    // Search text cannot break the query.
    assert_eq!(
        q(CaseQuery {
            search: Some("\"') OR 1=1 --".into()),
            ..Default::default()
        })
        .unwrap()
        .total,
        0
    );
}

#[test]
fn the_list_sorts_by_principal_date_or_number_and_pages_never_overlap() {
    use surety_store::cases::CaseSort;
    let f = Fixture::new();
    let (mut s, _) = f.create();
    for n in 0..30 {
        add_case(&mut s, n);
    }
    let conn = s.connection();
    for sort in CaseSort::ALL {
        let mut seen = Vec::new();
        for page in 0..3 {
            let rows = search(
                conn,
                &CaseQuery {
                    limit: 10,
                    offset: page * 10,
                    sort,
                    ..Default::default()
                },
            )
            .unwrap()
            .rows;
            seen.extend(rows);
        }
        let mut nos: Vec<_> = seen.iter().map(|r| r.case_no.clone()).collect();
        nos.sort();
        nos.dedup();
        assert_eq!(nos.len(), 30, "{sort:?}: every case once");
        let ordered =
            |a: &surety_store::cases::CaseRow, b: &surety_store::cases::CaseRow| match sort {
                CaseSort::PrincipalDesc => a.principal >= b.principal,
                CaseSort::PrincipalAsc => a.principal <= b.principal,
                CaseSort::AppliedDesc => a.application_date >= b.application_date,
                CaseSort::AppliedAsc => a.application_date <= b.application_date,
                CaseSort::CaseNoAsc => a.case_no < b.case_no,
                CaseSort::CaseNoDesc => a.case_no > b.case_no,
            };
        assert!(
            seen.windows(2).all(|w| ordered(&w[0], &w[1])),
            "{sort:?} out of order"
        );
    }
}
