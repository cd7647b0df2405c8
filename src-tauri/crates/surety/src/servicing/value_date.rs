//! A step's value date: the day the money moved, which a bank may enter days later. It is
//! bounded so that a back-valued entry cannot rewrite what others already rely on: not
//! after the business date, not before the case's previous step, not inside a quarter
//! closed for the province. The entry time stays the audit entry's own.

use chrono::NaiveDate;
use surety_domain::Quarter;
use surety_store::quarter_figures;
use surety_store::sections;
use surety_store::{StoreError, StoreResult, Transaction};

/// Checks `on` for a repayment of case `case_id`, reading what it depends on in `tx`.
pub(crate) fn check(
    tx: &Transaction,
    case_id: i64,
    on: NaiveDate,
    today: NaiveDate,
) -> StoreResult<()> {
    if on > today {
        return Err(refused(
            format!("起息日 {on} 晚于今天的业务日期 {today}：不能预先登记"),
            format!("the value date {on} is after today's business date {today}: nothing is entered ahead"),
        ));
    }
    if let Some((step_zh, step_en, prev)) = previous_step(tx, case_id)? {
        if on < prev {
            return Err(refused(
                format!("起息日 {on} 早于本案上一步（{prev} {step_zh}）"),
                format!(
                    "the value date {on} is before the case's previous step ({step_en} on {prev})"
                ),
            ));
        }
    }
    let quarter = Quarter::of(on);
    // Frozen for the province by the whole installation's closing or the case's insurer's.
    if let Some(c) = quarter_figures::closing_over_case(tx, &quarter.label(), case_id)? {
        return Err(refused(
            format!(
                "起息日 {on} 在已结账的 {}（第 {} 版，{} 结账）内：请管理员先重新打开该季度",
                quarter.label_zh(),
                c.revision,
                c.closed_on
            ),
            format!(
                "the value date {on} falls in {}, closed on {} (revision {}): an admin must reopen the quarter first",
                quarter.label(),
                c.closed_on,
                c.revision
            ),
        ));
    }
    Ok(())
}

/// The case's latest dated money step: its last repayment, or else its disbursement.
fn previous_step(
    tx: &Transaction,
    case_id: i64,
) -> StoreResult<Option<(&'static str, &'static str, NaiveDate)>> {
    let last_repayment =
        sections::last_paid_on(tx, case_id)?.and_then(|d| d.parse::<NaiveDate>().ok());
    if let Some(day) = last_repayment {
        return Ok(Some(("还款", "a repayment", day)));
    }
    Ok(sections::disbursed_on(tx, case_id)?
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .map(|day| ("放款", "the disbursement", day)))
}

fn refused(zh: String, en: String) -> StoreError {
    StoreError::Invalid {
        field: "value_date".into(),
        message_zh: zh,
        message_en: en,
    }
}
