//! The case list and page, the live quote, and every step of a case: deserialize, one
//! `Desk` call, the case as it stands after it.

use crate::session::Session;
use surety::api::{
    AccidentClaimInput, AmountInput, CaseListInput, CaseRef, CaseView, ClaimPaymentPreview,
    DecisionInput, IntakeInput, InvestigationInput, NoteInput, PayoffInput, PayoffView,
    PremiumInput, QuoteInput, RepaymentInput, SignInput,
};
// What the commands return is the service layer's own shapes (surety::dto), so the
// generated bindings carry nothing of the store or the domain crates.
use surety::api::dto::{CasePage, Org, Quote};
use tauri::State;

use super::R;

/// The live quote while typing: needs no sign-in; signed in, it uses the installation's
/// settings and the named bank and insurer's agreement (its R-AMT-1 cap in principle).
#[tauri::command]
#[specta::specta]
pub fn quote(session: State<Session>, input: QuoteInput) -> R<Quote> {
    match session.with(|d| d.quote(&input)) {
        Err(e) if e.code == "SIGNED_OUT" => {
            surety::api::quote(&input, &Default::default()).map(Quote::from)
        }
        other => other.map(Quote::from),
    }
}

#[tauri::command]
#[specta::specta]
pub fn capital_amount(amount: String) -> R<String> {
    surety::api::capital(&amount)
}

/// An amount as it was typed (`5,000`, `50万`), read back with its capitals.
#[tauri::command]
#[specta::specta]
pub fn written_amount(text: String) -> R<surety::api::WrittenAmount> {
    surety::api::written_amount(&text)
}

#[tauri::command(async)]
#[specta::specta]
pub fn organisations(session: State<Session>) -> R<Vec<Org>> {
    session.with(|d| Ok(surety::api::dto::list(d.organisations()?)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn case_list(session: State<Session>, input: CaseListInput) -> R<CasePage> {
    session.with(|d| d.case_list(&input).map(CasePage::from))
}

#[tauri::command(async)]
#[specta::specta]
pub fn case_show(session: State<Session>, case_no: String) -> R<CaseView> {
    session.with(|d| d.case_show(&case_no))
}

/// 提前结清试算: the payoff figure for a day, today or later.
/// What paying a case's claim will do to the loss ratio, for the confirmation.
#[tauri::command(async)]
#[specta::specta]
pub fn case_claim_payment_preview(
    session: State<Session>,
    input: CaseRef,
) -> R<ClaimPaymentPreview> {
    session.with(|d| d.claim_payment_preview(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn case_payoff_quote(session: State<Session>, input: PayoffInput) -> R<PayoffView> {
    session.with(|d| d.payoff_quote(&input))
}

macro_rules! case_step {
    ($($name:ident($input:ty) => $method:ident;)*) => {$(
        #[tauri::command(async)]
        #[specta::specta]
        pub fn $name(session: State<Session>, input: $input) -> R<CaseView> {
            session.with(|d| d.$method(&input))
        }
    )*};
}

case_step! {
    case_intake(IntakeInput) => intake;
    case_investigate(InvestigationInput) => investigate;
    case_review(NoteInput) => review_note;
    case_exception(NoteInput) => approve_exception;
    case_decide(DecisionInput) => decide;
    case_sign(SignInput) => sign;
    case_premium(PremiumInput) => record_premium;
    case_disburse(CaseRef) => disburse;
    case_repay(RepaymentInput) => repay;
    case_prepay(AmountInput) => prepay;
    case_pay_off(AmountInput) => pay_off;
    case_claim(CaseRef) => file_claim;
    case_pay_claim(CaseRef) => pay_claim;
    case_refuse_claim(NoteInput) => refuse_claim;
    case_accident_claim(AccidentClaimInput) => pay_accident_claim;
    case_recover(AmountInput) => record_recovery;
    case_close(NoteInput) => close;
    case_withdraw(NoteInput) => withdraw;
}
