//! One envelope from the wire to a signed receipt: every check in the order a person would
//! want to hear about it, nothing stored unless all pass.

use crate::dataset;
use crate::refusal::{self, Refusal};
use crate::repo::{Repository, Submission};
use crate::Hub;
use chrono::{FixedOffset, Utc};
use std::collections::BTreeSet;
use surety_domain::{City, Quarter};
use surety_sync::{Envelope, Receipt, SyncError};

/// The province's calendar day (China Standard Time) by the hub's clock: a period has
/// ended once its last day is over here, whatever the installation's clock says.
pub fn hub_today() -> chrono::NaiveDate {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    Utc::now().with_timezone(&cst).date_naive()
}

fn city_zh(code: &str) -> String {
    code.parse::<City>()
        .map(|c| c.name_zh().to_string())
        .unwrap_or_else(|_| code.to_string())
}

pub async fn receive<R: Repository>(
    hub: &Hub<R>,
    body: &[u8],
    dry_run: bool,
) -> Result<Receipt, Refusal> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        Refusal::new(
            refusal::MALFORMED,
            format!("报送内容不是有效的 JSON：{e}"),
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    if value.get("format").and_then(|f| f.as_u64()) != Some(surety_sync::FORMAT as u64) {
        return Err(Refusal::new(
            refusal::FORMAT_UNKNOWN,
            format!(
                "不支持的报送格式版本（本平台支持第 {} 版）",
                surety_sync::FORMAT
            ),
            format!(
                "unknown envelope format (this hub takes format {})",
                surety_sync::FORMAT
            ),
        ));
    }
    let envelope: Envelope = serde_json::from_value(value).map_err(|e| {
        Refusal::new(
            refusal::MALFORMED,
            format!("报送信封的字段不完整或有多余字段：{e}"),
            format!("the envelope's fields are incomplete or unknown: {e}"),
        )
    })?;
    // An installation (or whoever claims its key) that floods the hub waits, before any
    // signature is checked or refusal signed: the answer is unsigned, so the desk retries.
    if let Err(wait) = hub.envelopes.count(&envelope.public_key) {
        return Err(Refusal::new(
            refusal::TOO_MANY,
            format!("报送过于频繁，请 {wait} 秒后再试"),
            format!("too many envelopes from this installation; try again in {wait} seconds"),
        )
        .with_details(serde_json::json!({"retry_after_seconds": wait})));
    }
    // From here on a refusal answers this envelope, signed: the desk believes no other.
    checked(hub, &envelope, body, dry_run)
        .await
        .map_err(|r| r.sign_for(&envelope, &hub.identity))
}

/// Every check of a parsed envelope, then the store and the signed receipt.
async fn checked<R: Repository>(
    hub: &Hub<R>,
    envelope: &Envelope,
    body: &[u8],
    dry_run: bool,
) -> Result<Receipt, Refusal> {
    if envelope.dataset != surety_sync::QUARTER_DATASET
        || envelope.dataset_version != surety_sync::QUARTER_DATASET_VERSION
    {
        return Err(Refusal::new(
            refusal::DATASET_UNKNOWN,
            format!(
                "不接收的数据集 {} 第 {} 版（本平台接收 {} 第 {} 版）",
                envelope.dataset,
                envelope.dataset_version,
                surety_sync::QUARTER_DATASET,
                surety_sync::QUARTER_DATASET_VERSION
            ),
            format!(
                "dataset {} version {} is not taken (this hub takes {} version {})",
                envelope.dataset,
                envelope.dataset_version,
                surety_sync::QUARTER_DATASET,
                surety_sync::QUARTER_DATASET_VERSION
            ),
        ));
    }
    envelope.verify().map_err(|e| match e {
        SyncError::PayloadHash => Refusal::new(
            refusal::BAD_SIGNATURE,
            "报表内容与其 SHA-256 不符：传输中被改动",
            "the payload does not match its SHA-256: it changed on the way",
        ),
        _ => Refusal::new(
            refusal::BAD_SIGNATURE,
            "报送信封的签名无效：内容被改动或不是由该密钥签署",
            "the envelope's signature does not verify: it was changed or not signed by that key",
        ),
    })?;
    let storage = |e: crate::repo::HubError| refusal::storage(e);
    let Some(installation) = hub
        .repo
        .installation_by_key(&envelope.public_key)
        .await
        .map_err(storage)?
    else {
        return Err(Refusal::new(
            refusal::UNKNOWN_INSTALLATION,
            "该公钥未在省级平台登记：请先登记本机构（surety sync identity 显示公钥及指纹）",
            "this public key is not registered at the hub: register the installation first (surety sync identity shows its key and fingerprint)",
        ));
    };
    if installation.revoked_at.is_some() {
        return Err(Refusal::new(
            refusal::REVOKED,
            "该机构的报送密钥已被省级平台注销",
            "this installation's key was revoked at the hub",
        ));
    }
    if installation.installation_id != envelope.installation_id {
        return Err(Refusal::new(
            refusal::UNKNOWN_INSTALLATION,
            "该公钥登记的是另一个机构编号",
            "this public key is registered for another installation id",
        ));
    }
    if envelope.city.parse::<City>().is_err() || !installation.cities.contains(&envelope.city) {
        return Err(Refusal::new(
            refusal::CITY_NOT_REGISTERED,
            format!(
                "本机构未登记报送{}的数据（已登记：{}）",
                city_zh(&envelope.city),
                installation
                    .cities
                    .iter()
                    .map(|c| city_zh(c))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            format!(
                "this installation is not registered to report for {} (registered: {})",
                envelope.city,
                installation.cities.join(", ")
            ),
        ));
    }
    let quarter: Quarter = envelope.period.parse().map_err(|_| {
        Refusal::new(
            refusal::PERIOD_INVALID,
            format!("报送期间 {} 无效，应为 2016Q3 这样的季度", envelope.period),
            format!("period {} is not a quarter like 2016Q3", envelope.period),
        )
    })?;
    if envelope.period_start != quarter.start().to_string()
        || envelope.period_end != quarter.end().to_string()
    {
        return Err(Refusal::new(
            refusal::PERIOD_INVALID,
            format!(
                "{} 的起止日期应为 {} 至 {}",
                envelope.period,
                quarter.start(),
                quarter.end()
            ),
            format!(
                "{} runs from {} to {}",
                envelope.period,
                quarter.start(),
                quarter.end()
            ),
        ));
    }
    let today = hub_today();
    if quarter.end() >= today {
        return Err(Refusal::new(
            refusal::PERIOD_NOT_ENDED,
            format!("{} 尚未结束（省级平台日期 {today}），季末之后才能报送", envelope.period),
            format!(
                "{} has not ended (the hub's date is {today}); send it after the quarter's last day",
                envelope.period
            ),
        ));
    }
    let organisations: BTreeSet<String> = installation.organisations.iter().cloned().collect();
    let flattened = dataset::flatten(
        &envelope.payload,
        &envelope.city,
        &envelope.period,
        Some(&organisations),
    )?;
    let received_at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let submission = Submission {
        envelope_json: String::from_utf8_lossy(body).into_owned(),
        envelope: envelope.clone(),
        flattened,
        received_at,
        dry_run,
    };
    let outcome = hub.repo.submit(&submission).await.map_err(storage)??;
    tracing::info!(
        installation = %submission.envelope.installation_id,
        city = %submission.envelope.city,
        period = %submission.envelope.period,
        revision = submission.envelope.revision,
        status = outcome.status,
        "envelope"
    );
    Ok(
        Receipt::for_envelope(&submission.envelope, outcome.status, outcome.received_at)
            .sign(&hub.identity),
    )
}
