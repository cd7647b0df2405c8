//! A damaged value read back is an error naming the table, the row and the column, never
//! a default that turns into a wrong figure.

mod common;
use common::*;
use surety_store::sections::case_by_no;

#[test]
fn a_damaged_value_is_an_error_naming_where_it_is() {
    let f = Fixture::new();
    let (mut s, _) = f.create();
    add_case(&mut s, 1);
    let no = "SD2016-000001".to_string();
    for (column, bad) in [
        ("status", "dragon"),
        ("city", "atlantis"),
        ("annual_rate", "five percent"),
        ("application_date", "16-03-15"),
        ("quote_json", "{\"total_interest\": \"lots\"}"),
    ] {
        let (was, id): (String, i64) = s
            .connection()
            .query_row(
                &format!("SELECT {column}, id FROM cases WHERE case_no = ?1"),
                [&no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        s.connection()
            .execute(
                &format!("UPDATE cases SET {column} = ?1 WHERE case_no = ?2"),
                [bad, &no],
            )
            .unwrap();
        let e = case_by_no(s.connection(), &no).unwrap_err();
        assert_eq!(e.code(), "CORRUPT", "{column}: {e}");
        let text = e.to_string();
        assert!(
            text.contains(&format!("cases row {id}")) && text.contains(column),
            "{text}"
        );
        s.connection()
            .execute(
                &format!("UPDATE cases SET {column} = ?1 WHERE case_no = ?2"),
                [&was, &no],
            )
            .unwrap();
    }
    assert!(case_by_no(s.connection(), &no).unwrap().is_some());
}
