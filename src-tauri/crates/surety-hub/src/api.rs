//! The hub's HTTP surface: envelopes in, the province's view out to signed-in readers
//! (`access`), a health check. The page and its scripts are served by the hub itself under
//! a strict Content-Security-Policy.

use crate::access;
use crate::readers::Reader;
use crate::refusal::{self, Refusal};
use crate::repo::Repository;
use crate::{intake, province, workbook, Hub, BODY_LIMIT};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The largest sign-in request (a name and a password).
const SIGN_IN_BODY_LIMIT: usize = 4 * 1024;

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
        .route(
            "/v1/session",
            get(session_show::<R>)
                .post(sign_in::<R>)
                .delete(sign_out::<R>),
        )
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
    let retry_after = r
        .details
        .get("retry_after_seconds")
        .and_then(|s| s.as_u64());
    let mut answer = (code, Json(r)).into_response();
    if let Some(seconds) = retry_after {
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    answer
}

/// A body sent a byte at a time would hold a connection for ever: the whole of it arrives
/// within the deadline or the request is answered and closed.
async fn read_body(body: Body, limit: usize, limits: &crate::Limits) -> Result<Bytes, Refusal> {
    let seconds = limits.body_deadline.as_secs();
    match tokio::time::timeout(limits.body_deadline, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) if limit >= 1024 * 1024 => Err(Refusal::new(
            refusal::TOO_LARGE,
            format!("报送内容超过 {} MB 上限", limit / 1024 / 1024),
            format!("the body is over the {} MB limit", limit / 1024 / 1024),
        )),
        Ok(Err(_)) => Err(Refusal::new(
            refusal::TOO_LARGE,
            format!("请求内容超过 {} KB 上限", limit / 1024),
            format!("the body is over the {} KB limit", limit / 1024),
        )),
        Err(_) => Err(Refusal::new(
            refusal::TOO_SLOW,
            format!("请求内容未在 {seconds} 秒内传完"),
            format!("the body did not arrive within {seconds} seconds"),
        )),
    }
}

/// The session token a request carries: `Authorization: Bearer …` (scripts) or the
/// session cookie (the page).
fn token(headers: &HeaderMap) -> Option<&str> {
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == access::COOKIE)
        .map(|(_, value)| value)
}

/// The signed-in reader, or the answer that asks for a sign-in.
async fn signed_in<R: Repository>(hub: &Hub<R>, headers: &HeaderMap) -> Result<Reader, Response> {
    access::reader(&hub.repo, token(headers))
        .await
        .map_err(refused)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

async fn sign_in<R: Repository>(State(hub): State<Arc<Hub<R>>>, body: Body) -> Response {
    let bytes = match read_body(body, SIGN_IN_BODY_LIMIT, &hub.limits).await {
        Ok(b) => b,
        Err(r) => return refused(r),
    };
    let Ok(form) = serde_json::from_slice::<SignIn>(&bytes) else {
        return refused(Refusal::new(
            refusal::MALFORMED,
            "登录请求应为 {\"username\": …, \"password\": …}",
            "a sign-in is {\"username\": …, \"password\": …}",
        ));
    };
    match hub
        .gate
        .sign_in(&hub.repo, &form.username, &form.password)
        .await
    {
        Ok(session) => {
            let mut cookie = format!(
                "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
                access::COOKIE,
                session.token,
                access::SESSION_HOURS * 3600
            );
            if hub.tls {
                cookie.push_str("; Secure");
            }
            let mut r = Json(serde_json::json!({
                "reader": session.reader,
                "token": session.token,
                "expires_at": session.expires_at,
            }))
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(r) => refused(r),
    }
}

async fn session_show<R: Repository>(
    State(hub): State<Arc<Hub<R>>>,
    headers: HeaderMap,
) -> Response {
    match signed_in(&hub, &headers).await {
        Ok(reader) => Json(serde_json::json!({"reader": reader})).into_response(),
        Err(r) => r,
    }
}

async fn sign_out<R: Repository>(State(hub): State<Arc<Hub<R>>>, headers: HeaderMap) -> Response {
    if let Some(t) = token(&headers) {
        if let Err(e) = hub.repo.close_session(&access::token_hash(t)).await {
            return refused(refusal::storage(e));
        }
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "surety_hub_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    r
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
    let bytes = match read_body(body, BODY_LIMIT, &hub.limits).await {
        Ok(b) => b,
        Err(r) => return refused(r),
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
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let reader = match signed_in(&hub, &headers).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Some(r) = bad_period(&q.period) {
        return r;
    }
    match province::view(&hub.repo, q.period.as_deref()).await {
        Ok(v) => match access::record(&hub.repo, &reader, format!("province {}", v.period)).await {
            Ok(()) => Json(v).into_response(),
            Err(r) => refused(r),
        },
        Err(e) => refused(refusal::storage(e)),
    }
}

async fn province_xlsx<R: Repository>(
    State(hub): State<Arc<Hub<R>>>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let reader = match signed_in(&hub, &headers).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Some(r) = bad_period(&q.period) {
        return r;
    }
    let view = match province::view(&hub.repo, q.period.as_deref()).await {
        Ok(v) => v,
        Err(e) => return refused(refusal::storage(e)),
    };
    if let Err(r) =
        access::record(&hub.repo, &reader, format!("province.xlsx {}", view.period)).await
    {
        return refused(r);
    }
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
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let reader = match signed_in(&hub, &headers).await {
        Ok(r) => r,
        Err(r) => return r,
    };
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
    if let Err(r) = access::record(&hub.repo, &reader, format!("submissions {period}")).await {
        return refused(r);
    }
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
