//! The five printed documents. Each is a function of the stored case alone, so the same
//! case prints to the same bytes.

use crate::error::DocsResult;
use crate::font::cjk_font;
use crate::format::{amount, both, date, percent, share};
use crate::layout::{Align, Column, Composer};
use crate::model::CaseDocument;
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    LoanContract,
    GuaranteePolicy,
    AccidentPolicy,
    ClaimNotice,
    RepaymentSchedule,
}

impl DocKind {
    pub const ALL: [DocKind; 5] = [
        DocKind::LoanContract,
        DocKind::GuaranteePolicy,
        DocKind::AccidentPolicy,
        DocKind::ClaimNotice,
        DocKind::RepaymentSchedule,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::LoanContract => "loan_contract",
            DocKind::GuaranteePolicy => "guarantee_policy",
            DocKind::AccidentPolicy => "accident_policy",
            DocKind::ClaimNotice => "claim_notice",
            DocKind::RepaymentSchedule => "repayment_schedule",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            DocKind::LoanContract => "借款合同",
            DocKind::GuaranteePolicy => "小额贷款保证保险保险单",
            DocKind::AccidentPolicy => "借款人意外伤害保险保险单",
            DocKind::ClaimNotice => "理赔通知书",
            DocKind::RepaymentSchedule => "还款计划表",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The document's number: as issued at signing, or derived from the case number.
    pub fn number(self, c: &CaseDocument) -> String {
        match self {
            DocKind::ClaimNotice => format!("{}-LP", c.case_no),
            DocKind::RepaymentSchedule => format!("{}-HK", c.case_no),
            k => c
                .number_of(k.code())
                .map(str::to_string)
                .unwrap_or_else(|| format!("草稿-{}", c.case_no)),
        }
    }
}

/// A short code printed on every page: the first 8 hex digits of a SHA-256 over what the
/// document states, so a retyped or altered copy can be told from the original.
pub fn verification_code(kind: DocKind, c: &CaseDocument) -> String {
    let mut h = Sha256::new();
    h.update(kind.code());
    h.update(serde_json::to_string(c).expect("the document model serializes"));
    let hex = hex::encode_upper(&h.finalize()[..4]);
    format!("{}-{}", &hex[..4], &hex[4..])
}

pub fn render(kind: DocKind, c: &CaseDocument) -> DocsResult<Vec<u8>> {
    let font = cjk_font()?;
    let mut p = Composer::new(
        font,
        kind.title(),
        &kind.number(c),
        &verification_code(kind, c),
    );
    p.title(kind.title());
    p.subtitle_right(&format!(
        "编号：{}    案件号：{}",
        kind.number(c),
        c.case_no
    ));
    match kind {
        DocKind::LoanContract => loan_contract(&mut p, c),
        DocKind::GuaranteePolicy => guarantee_policy(&mut p, c),
        DocKind::AccidentPolicy => accident_policy(&mut p, c),
        DocKind::ClaimNotice => claim_notice(&mut p, c),
        DocKind::RepaymentSchedule => repayment_schedule(&mut p, c),
    }
    Ok(p.finish())
}

fn borrower_fields(c: &CaseDocument) -> Vec<(&'static str, String)> {
    vec![
        ("借款人", c.borrower_name.clone()),
        ("借款人类型", c.borrower_kind_zh.clone()),
        ("证件号码", c.borrower_id_number.clone()),
        ("住所", c.borrower_address.clone()),
        ("法定代表人", c.borrower_legal_rep.clone()),
    ]
}

fn term_text(c: &CaseDocument) -> String {
    format!(
        "{} 个月，自 {} 起至 {} 止",
        c.term_months,
        date(c.contract_date),
        date(c.end_date())
    )
}

fn schedule_table(p: &mut Composer, c: &CaseDocument, with_paid: bool) {
    let mut cols = vec![
        Column {
            title: "期数",
            width: 14.0,
            align: Align::Center,
        },
        Column {
            title: "还款日",
            width: 26.0,
            align: Align::Center,
        },
        Column {
            title: "应还本金",
            width: 30.0,
            align: Align::Right,
        },
        Column {
            title: "应还利息",
            width: 26.0,
            align: Align::Right,
        },
        Column {
            title: "应还合计",
            width: 34.0,
            align: Align::Right,
        },
        Column {
            title: "剩余本金",
            width: 40.0,
            align: Align::Right,
        },
    ];
    if with_paid {
        cols[5] = Column {
            title: "已还本息",
            width: 40.0,
            align: Align::Right,
        };
    }
    let rows: Vec<Vec<String>> = c
        .schedule
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let last = if with_paid {
                let (interest, principal) = c.paid.get(i).copied().unwrap_or_default();
                amount(interest + principal)
            } else {
                amount(s.balance)
            };
            vec![
                s.period.to_string(),
                s.due_date.to_string(),
                amount(s.principal),
                amount(s.interest),
                amount(s.payment),
                last,
            ]
        })
        .collect();
    p.table(&cols, &rows);
}

fn loan_contract(p: &mut Composer, c: &CaseDocument) {
    p.heading("合同双方");
    let mut parties = borrower_fields(c);
    parties[0].0 = "甲方（借款人）";
    parties.push(("乙方（贷款人）", c.bank_name.clone()));
    p.fields(&parties);
    p.paragraph(&format!(
        "甲方向乙方申请流动资金贷款，以{}承保的小额贷款保证保险作为担保。依据《关于开展小额贷款保证保险试点工作的实施意见》（鲁金办发〔2015〕12号），双方订立本合同。",
        c.insurer_name
    ));
    p.heading("第一条 借款金额");
    p.paragraph(&both(c.principal));
    p.heading("第二条 借款期限");
    p.paragraph(&term_text(c));
    p.heading("第三条 借款利率");
    // The reference and the multiplier are those the rate was checked against (R-RATE-1),
    // never a literal: the benchmark before 2019-08-20, the LPR from then; 1.3 unless the
    // settings in force said otherwise.
    let cap = match (c.reference_rate, c.rate_cap) {
        (Some(r), Some(cap)) if !r.fraction().is_zero() => {
            let name = if c.reference_is_lpr {
                "一年期贷款市场报价利率（LPR）"
            } else {
                "中国人民银行贷款基准利率"
            };
            let times = (cap.fraction() / r.fraction()).round_dp(4).normalize();
            let uplift = ((times - Decimal::ONE) * Decimal::ONE_HUNDRED).normalize();
            format!(
                "，不超过合同签订日{name} {} 的 {times} 倍（上浮 {uplift}%，即 {}）",
                percent(r),
                percent(cap)
            )
        }
        _ => String::new(),
    };
    p.paragraph(&format!(
        "年利率 {}{}。按月计息，月利率为年利率除以 12。",
        percent(c.annual_rate),
        cap
    ));
    p.heading("第四条 还款方式及还款计划");
    p.paragraph(&format!("{}。还款计划如下（单位：元）：", c.repayment_zh));
    schedule_table(p, c, false);
    p.heading("第五条 保证保险");
    p.paragraph(&format!(
        "本借款由{}承保小额贷款保证保险（保险单号 {}），保险期间与借款期限一致。甲方同时投保借款人意外伤害保险（保险单号 {}），受益人为乙方，保险赔款优先用于归还甲方所欠乙方贷款。",
        c.insurer_name,
        DocKind::GuaranteePolicy.number(c),
        DocKind::AccidentPolicy.number(c)
    ));
    p.heading("第六条 融资成本");
    p.paragraph(&format!(
        "甲方的融资成本仅由贷款利息和保险费两部分组成：贷款利息 ¥{}，保证保险费 ¥{}，意外伤害保险费 ¥{}，合计{}。乙方及任何第三方不得向甲方收取中介费、服务费、咨询费、担保费等任何其他费用。",
        amount(c.total_interest),
        amount(c.guarantee_premium),
        amount(c.accident_premium),
        both(c.financing_cost)
    ));
    p.heading("第七条 逾期与理赔");
    p.paragraph(&format!(
        "甲方未按约定还款且逾期满 {} 天仍未清偿的，由保险人按保险合同约定承担赔偿责任。保险人赔付后与乙方共同向甲方追偿，追回款项按约定的风险分担比例分配。",
        c.waiting_period_days
    ));
    p.heading("第八条 信用信息");
    p.paragraph("乙方将本笔贷款的发放、还款及欠款信息报送中国人民银行金融信用信息基础数据库。甲方恶意逃废债务的，将依法向有关部门通报。");
    p.signatures(&[
        ("甲方（借款人）", c.borrower_name.clone()),
        ("乙方（贷款人）", c.bank_name.clone()),
    ]);
}

fn pool_table(p: &mut Composer, c: &CaseDocument) {
    if c.pool.is_empty() {
        return;
    }
    p.heading("共保体成员及份额");
    let rows: Vec<Vec<String>> = c
        .pool
        .iter()
        .map(|m| {
            vec![
                m.name.clone(),
                share(m.share),
                if m.lead {
                    "主承保公司".into()
                } else {
                    "共保成员".into()
                },
            ]
        })
        .collect();
    p.table(
        &[
            Column {
                title: "保险公司",
                width: 100.0,
                align: Align::Left,
            },
            Column {
                title: "份额",
                width: 30.0,
                align: Align::Right,
            },
            Column {
                title: "角色",
                width: 40.0,
                align: Align::Center,
            },
        ],
        &rows,
    );
}

fn guarantee_policy(p: &mut Composer, c: &CaseDocument) {
    p.fields(&[
        ("投保人（借款人）", c.borrower_name.clone()),
        ("证件号码", c.borrower_id_number.clone()),
        ("被保险人", c.bank_name.clone()),
        ("保险人", c.insurer_name.clone()),
        ("借款合同编号", DocKind::LoanContract.number(c)),
    ]);
    pool_table(p, c);
    p.heading("保险金额与保险费");
    p.fields(&[
        ("贷款本金", both(c.principal)),
        ("保险金额（贷款本息）", both(c.premium_base)),
        ("年费率", percent(c.guarantee_rate)),
        ("保险费", both(c.guarantee_premium)),
        ("保险期间", term_text(c)),
        ("等待期", format!("{} 天", c.waiting_period_days)),
        (
            "损失分担比例",
            format!(
                "保险人 {}，被保险人（银行） {}",
                share(c.insurer_share),
                share(rust_decimal::Decimal::ONE - c.insurer_share)
            ),
        ),
    ]);
    p.heading("保险责任");
    p.paragraph(&format!(
        "投保人未按借款合同约定履行还款义务，且逾期满 {} 天等待期仍未清偿的，保险人按约定比例赔偿被保险人的贷款本金及截至等待期满日的合同利息损失（不含罚息、复利），理赔前已追回款项予以扣除。赔付后保险人与被保险人共同追偿，追回款项按同一比例分配。",
        c.waiting_period_days
    ));
    p.signatures(&[
        ("保险人", c.insurer_name.clone()),
        ("投保人", c.borrower_name.clone()),
    ]);
}

fn accident_policy(p: &mut Composer, c: &CaseDocument) {
    let insured = if c.borrower_legal_rep.is_empty() {
        c.borrower_name.clone()
    } else {
        format!("{}（法定代表人 {}）", c.borrower_name, c.borrower_legal_rep)
    };
    p.fields(&[
        ("投保人", c.borrower_name.clone()),
        ("被保险人", insured),
        ("受益人", c.bank_name.clone()),
        ("保险人", c.insurer_name.clone()),
        ("借款合同编号", DocKind::LoanContract.number(c)),
        ("保险金额（贷款本息）", both(c.premium_base)),
        ("年费率", percent(c.accident_rate)),
        ("保险费", both(c.accident_premium)),
        ("保险期间", term_text(c)),
    ]);
    pool_table(p, c);
    p.heading("保险责任");
    p.paragraph("被保险人因意外伤害事故导致身故或伤残，无法按借款合同约定还款的，保险人按合同约定给付保险金，保险金优先用于归还借款人所欠受益人（银行）的贷款本息。");
    p.signatures(&[
        ("保险人", c.insurer_name.clone()),
        ("投保人", c.borrower_name.clone()),
    ]);
}

fn claim_notice(p: &mut Composer, c: &CaseDocument) {
    let Some(k) = &c.claim else {
        p.paragraph("本案件尚未提出索赔。");
        return;
    };
    p.fields(&[
        ("被保险人", c.bank_name.clone()),
        ("借款人", c.borrower_name.clone()),
        ("保险人", c.insurer_name.clone()),
        ("保险单号", DocKind::GuaranteePolicy.number(c)),
        ("借款合同编号", DocKind::LoanContract.number(c)),
        ("索赔日期", k.filed_on.clone()),
        ("等待期满日（计算截止日）", k.cutoff.clone()),
    ]);
    p.heading("损失计算（单位：元）");
    let rows = vec![
        vec!["未偿还本金".into(), amount(k.outstanding_principal)],
        vec!["已到期未付合同利息".into(), amount(k.interest_due)],
        vec![
            format!("截至 {} 按日计提的合同利息", k.cutoff),
            amount(k.interest_accrued),
        ],
        vec![
            "减：理赔前已追回款项".into(),
            format!("-{}", amount(k.recovered_before)),
        ],
        vec!["损失金额".into(), amount(k.loss)],
    ];
    let cols = [
        Column {
            title: "项目",
            width: 120.0,
            align: Align::Left,
        },
        Column {
            title: "金额",
            width: 50.0,
            align: Align::Right,
        },
    ];
    p.table(&cols, &rows);
    p.paragraph(&format!(
        "损失金额{}。罚息、复利不在赔偿范围之内。",
        both(k.loss)
    ));
    if !k.accident_paid.is_empty() {
        // R-CLAIM-3: the accident claim went to the loan first; the loss above is what remained.
        let total: surety_domain::Money = k.accident_paid.iter().map(|(_, _, m)| *m).sum();
        let lines: Vec<String> = k
            .accident_paid
            .iter()
            .map(|(on, cause, m)| format!("{on} {cause} {}", amount(*m)))
            .collect();
        p.paragraph(&format!(
            "借款人意外伤害保险已赔付 {} 元（{}），已优先用于归还贷款，不计入上述损失，也不计入保证保险赔付率。",
            amount(total),
            lines.join("；")
        ));
    }
    p.heading("赔偿分担");
    let bank_share = rust_decimal::Decimal::ONE - c.insurer_share;
    let mut rows = vec![
        vec![
            format!("保险人（{}）", share(c.insurer_share)),
            amount(k.insurer),
        ],
        vec![format!("银行（{}）", share(bank_share)), amount(k.bank)],
    ];
    for (name, m) in &k.members {
        rows.push(vec![format!("    其中：{name}"), amount(*m)]);
    }
    p.table(&cols, &rows);
    p.paragraph(&format!(
        "保险人应赔付{}。{}",
        both(k.insurer),
        k.paid_on
            .as_ref()
            .map(|d| format!("已于 {d} 支付。"))
            .unwrap_or_else(|| "请于收到本通知后按约定期限支付。".into())
    ));
    p.signatures(&[
        ("保险人", c.insurer_name.clone()),
        ("被保险人", c.bank_name.clone()),
    ]);
}

fn repayment_schedule(p: &mut Composer, c: &CaseDocument) {
    p.fields(&[
        ("借款人", c.borrower_name.clone()),
        ("贷款人", c.bank_name.clone()),
        ("借款合同编号", DocKind::LoanContract.number(c)),
        ("借款金额", both(c.principal)),
        ("年利率", percent(c.annual_rate)),
        ("还款方式", c.repayment_zh.clone()),
        ("借款期限", term_text(c)),
    ]);
    p.heading("还款计划（单位：元）");
    schedule_table(p, c, true);
    p.paragraph(&format!(
        "利息合计 ¥{}；请按期足额还款，逾期将影响您的信用记录。",
        amount(c.total_interest)
    ));
}
