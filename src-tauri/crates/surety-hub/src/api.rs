//! The hub's HTTP surface: envelopes in, the province's view out, a health check. The page
//! and its scripts are served by the hub itself under a strict Content-Security-Policy.

use crate::refusal::{self, Refusal};
use crate::repo::Repository;
use crate::{intake, province, workbook, Hub, BODY_LIMIT};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// How long a request's body may take to arrive.
pub const BODY_SECONDS_MAX: u64 = 30;
const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(BODY_SECONDS_MAX);

const PAGE: &str = include_str!("../assets/province.html");
const PAGE_JS: &str = include_str!("../assets/province.js");
const PAGE_CSS: &str = include_str!("../assets/province.css");
const ECHARTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/echarts.js"));

pub fn router<R: Repository>(hub: Arc<Hub<R>>) -> Router {
    Router::new()
        .route("/v1/envelopes", post(envelope::<R>))
        .route("/v1/province", get(province_json::<R>))
        .route("/v1/province.xlsx", get(province_xlsx::<R>))
        .route("/v1/hub", get(hub_key::<R>))
        .route("/v1/submissions", get(submissions::<R>))
        .route("/health", get(health))
        .route(
            "/",
            get(|| async { asset(PAGE.as_bytes(), "text/html; charset=utf-8") }),
        )
        .route(
            "/assets/province.js",
            get(|| async { asset(PAGE_JS.as_bytes(), "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/province.css",
            get(|| async { asset(PAGE_CSS.as_bytes(), "text/css; charset=utf-8") }),
        )
        .route(
            "/assets/echarts.js",
            get(|| async { asset(ECHARTS, "text/javascript; charset=utf-8") }),
        )
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::map_response(security_headers))
        .with_state(hub)
}

/// The headers every answer carries: nothing sniffed as another type, framed or cached,
/// no referrer sent on.
async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.entry("x-content-type-options")
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry("x-frame-options")
        .or_insert(HeaderValue::from_static("DENY"));
    h.entry("referrer-policy")
        .or_insert(HeaderValue::from_static("no-referrer"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    r
}

/// Under TLS, browsers are told to keep to HTTPS for a year.
pub async fn strict_transport(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    r
}

fn asset(bytes: &'static [u8], kind: &'static str) -> Response {
    let mut r = Response::new(Body::from(bytes));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn refused(r: Refusal) -> Response {
    let code =
        StatusCode::from_u16(refusal::status(&r.code)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let code = if r.code == refusal::STORAGE {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        code
    };
    tracing::warn!(code = %r.code, reason = %r.message_en, "refused");
    (code, Json(r)).into_response()
}

#[derive(Deserialize)]
struct EnvelopeQuery {
    dry_run: Option<String>,
}

async fn envelope<R: Repository>(
    State(hub): State<Arc<Hub<R>>>,
    Query(q): Query<EnvelopeQuery>,
    body: Body,
) -> Response {
    // A body sent a byte at a time would hold a connection for ever: the whole of it
    // arrives within BODY_SECONDS_MAX or the request is answered and closed.
    let read = axum::body::to_bytes(body, BODY_LIMIT);
    let bytes: Bytes = match tokio::time::timeout(BODY_DEADLINE, read).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            return refused(Refusal::new(
                refusal::TOO_LARGE,
                format!("报送内容超过 {} MB 上限", BODY_LIMIT / 1024 / 1024),
                format!("the body is over the {} MB limit", BODY_LIMIT / 1024 / 1024),
            ))
        }
        Err(_) => {
            return refused(Refusal::new(
                refusal::TOO_SLOW,
                format!("报送内容未在 {BODY_SECONDS_MAX} 秒内传完"),
                format!("the body did not arrive within {BODY_SECONDS_MAX} seconds"),
            ))
        }
    };
    let dry_run = matches!(q.dry_run.as_deref(), Some("1") | Some("true"));
    match intake::receive(&hub, &bytes, dry_run).await {
        Ok(receipt) => (StatusCode::OK, Json(receipt)).into_response(),
        Err(r) => refused(r),
    }
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

fn bad_period(p: &Option<String>) -> Option<Response> {
    let p = p.as_deref()?;
    if p.parse::<surety_domain::Quarter>().is_err() {
        return Some(refused(Refusal::new(
            refusal::PERIOD_INVALID,
            format!("期间 {p} 无效，应为 2016Q3 这样的季度"),
            format!("period {p} is not a quarter like 2016Q3"),
        )));
    }
    None
}

async fn province_json<R: Repository>(
    State(hub): State<Arc<Hub<R>>>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    if let Some(r) = bad_period(&q.period) {
        return r;
    }
    match province::view(&hub.repo, q.period.as_deref()).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => refused(refusal::storage(e)),
    }
}

async fn province_xlsx<R: Repository>(
    State(hub): State<Arc<Hub<R>>>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    if let Some(r) = bad_period(&q.period) {
        return r;
    }
    let view = match province::view(&hub.repo, q.period.as_deref()).await {
        Ok(v) => v,
        Err(e) => return refused(refusal::storage(e)),
    };
    match workbook::workbook(&view) {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"province-{}.xlsx\"", view.period),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => refused(refusal::storage(e)),
    }
}

/// Every revision received for a period (`?period=2016Q3`), superseded ones included.
async fn submissions<R: Repository>(
    State(hub): State<Arc<Hub<R>>>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    if let Some(r) = bad_period(&q.period) {
        return r;
    }
    let Some(period) = q.period else {
        return refused(Refusal::new(
            refusal::PERIOD_INVALID,
            "请指定期间，例如 ?period=2016Q3",
            "give a period, e.g. ?period=2016Q3",
        ));
    };
    match hub.repo.history(&period).await {
        Ok(rows) => Json(rows).into_response(),
        Err(e) => refused(refusal::storage(e)),
    }
}

async fn hub_key<R: Repository>(State(hub): State<Arc<Hub<R>>>) -> Response {
    Json(serde_json::json!({
        "public_key": hub.identity.public_key(),
        "fingerprint": hub.identity.fingerprint(),
    }))
    .into_response()
}

async fn health() -> &'static str {
    "ok"
}
