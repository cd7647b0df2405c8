//! Bank–insurer agreements (银保协议): one bank and one insurer (or pool) in a city, with
//! the insurer's share, the waiting period, the days to pay a claim, the cap in principle
//! and the premium rates.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::parse::{parse_city, parse_rate};
use crate::desk::Desk;
use crate::installation::admin::{share, AgreementInput};
use surety_store::orgs::{self, Agreement, Org, OrgKind};
use surety_store::{AuditNote, Role};

/// An agreement's waiting period before a claim: at most ten years.
const WAITING_PERIOD_DAYS_MAX: u32 = 3650;

/// The days an insurer has to pay a claim under an agreement: at most a quarter.
const CLAIM_PAYMENT_DAYS_MAX: u32 = 90;

/// The waiting period before a claim and the days to pay one, the settings' defaults where
/// the agreement names none.
fn agreement_days(
    input: &AgreementInput,
    defaults: &surety_domain::settings::AgreementTerms,
) -> DeskResult<(u32, u32)> {
    let waiting = input
        .waiting_period_days
        .unwrap_or(defaults.waiting_period_days);
    if !(1..=WAITING_PERIOD_DAYS_MAX).contains(&waiting) {
        return Err(DeskError::invalid(
            "waiting_period_days",
            format!("等待期应为 1 至 {WAITING_PERIOD_DAYS_MAX} 天"),
            format!("the waiting period must be 1 to {WAITING_PERIOD_DAYS_MAX} days"),
        ));
    }
    let payment_days = input
        .claim_payment_days
        .unwrap_or(defaults.claim_payment_days);
    if !(1..=CLAIM_PAYMENT_DAYS_MAX).contains(&payment_days) {
        return Err(DeskError::invalid(
            "claim_payment_days",
            format!("赔款支付期限应为 1 至 {CLAIM_PAYMENT_DAYS_MAX} 天"),
            format!("the claim payment period must be 1 to {CLAIM_PAYMENT_DAYS_MAX} days"),
        ));
    }
    Ok((waiting, payment_days))
}

/// The agreement's own cap in principle (R-AMT-1), above zero and within the hard cap.
fn soft_cap(
    input: &AgreementInput,
    limits: &surety_domain::settings::Limits,
) -> DeskResult<Option<surety_domain::Money>> {
    let Some(t) = input
        .borrower_soft_cap
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Ok(None);
    };
    let cap = crate::desk::parse::parse_money("borrower_soft_cap", t)?;
    if cap.is_zero() || cap > limits.borrower_hard_cap {
        return Err(DeskError::invalid(
            "borrower_soft_cap",
            format!(
                "单户原则上限应大于 0 且不超过最高限额 {} 元",
                limits.borrower_hard_cap
            ),
            format!(
                "the cap in principle must be above 0 and at most the hard cap of {} CNY",
                limits.borrower_hard_cap
            ),
        ));
    }
    Ok(Some(cap))
}

impl Desk {
    pub fn add_agreement(&mut self, input: &AgreementInput) -> DeskResult<Agreement> {
        self.require_role(&[Role::Admin], "登记银保协议", "register agreements")?;
        let (bank, insurer) = self.agreement_parties(input)?;
        let city = parse_city(&input.city)?;
        let defaults = &self.settings.agreement;
        let insurer_share = match &input.insurer_share {
            Some(t) => share("insurer_share", t)?,
            None => defaults.insurer_share,
        };
        let (waiting, payment_days) = agreement_days(input, defaults)?;
        let guarantee_rate = parse_rate("guarantee_rate", &input.guarantee_rate)?;
        let accident_rate = parse_rate("accident_rate", &input.accident_rate)?;
        let limits = self.settings.limits_for(city);
        let soft_cap = soft_cap(input, limits)?;
        if let Some(v) =
            surety_domain::quote::check_premium_rates(guarantee_rate, accident_rate, limits)
                .into_iter()
                .next()
        {
            return Err(v.into());
        }
        let signed_on = crate::desk::parse::parse_business_date("signed_on", &input.signed_on)?;
        if orgs::agreement_for(self.store.connection(), bank.id, insurer.id, city.code())?.is_some()
        {
            return Err(DeskError::invalid(
                "bank",
                "该银行与保险公司在本市已有协议（一对一对接）",
                "this bank and insurer already have an agreement in this city (one-to-one)",
            ));
        }
        let mut a = Agreement {
            id: 0,
            bank_id: bank.id,
            insurer_id: insurer.id,
            city: city.code().into(),
            insurer_share,
            waiting_period_days: waiting,
            claim_payment_days: payment_days,
            borrower_soft_cap: soft_cap,
            guarantee_rate,
            accident_rate,
            signed_on: signed_on.to_string(),
        };
        let actor = self.actor();
        let summary = format!(
            "{} × {} in {}: insurer share {}, waiting {} days, claims paid within {} days",
            bank.code,
            insurer.code,
            city.code(),
            insurer_share,
            waiting,
            payment_days
        );
        a.id = self.store.write(&actor, "agreement.add", |tx| {
            let id = orgs::insert_agreement(tx, &a)?;
            Ok((id, AuditNote::new("agreement", id, summary)))
        })?;
        Ok(a)
    }

    /// An agreement is between a bank and an insurer (or a pool).
    fn agreement_parties(&self, input: &AgreementInput) -> DeskResult<(Org, Org)> {
        let bank = self.org(&input.bank, "bank")?;
        if bank.kind != OrgKind::Bank {
            return Err(DeskError::invalid(
                "bank",
                format!("“{}”不是银行", input.bank),
                format!("`{}` is not a bank", input.bank),
            ));
        }
        let insurer = self.org(&input.insurer, "insurer")?;
        if !insurer.kind.underwrites() {
            return Err(DeskError::invalid(
                "insurer",
                format!("“{}”不是保险公司或共保体", input.insurer),
                format!("`{}` is not an insurer or pool", input.insurer),
            ));
        }
        Ok((bank, insurer))
    }
}
