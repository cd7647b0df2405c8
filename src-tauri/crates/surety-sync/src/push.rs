//! Delivery of an envelope to the hub over HTTP(S): rustls with the ring provider, the
//! operating system's trusted roots, and the province's own CA when one is configured.
//! Each call is one try; when to try again is [`crate::backoff`]'s business.

use crate::{Envelope, Receipt, Refusal, SyncError};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::sync::Arc;
use std::time::Duration;

/// An error with its causes ("error sending request" says little; the certificate's
/// unknown issuer underneath says what to fix).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// What one try came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The hub has it (now or before): the receipt, checked against the hub's key.
    Accepted(Receipt),
    /// The hub will not take it as it is: its reason, to show.
    Refused(Refusal),
    /// Try again later: no answer, a server error, or an answer that is not a valid receipt.
    Failed(String),
}

pub struct HubClient {
    http: reqwest::Client,
    base: String,
    hub_key: String,
}

impl HubClient {
    /// `url` is the hub's base address (`https://hub.example:8443`); `hub_key` its public
    /// key (hex) as registered; `extra_ca_pem` the province CA's certificate(s), if any.
    pub fn new(
        url: &str,
        hub_key: &str,
        extra_ca_pem: Option<&[u8]>,
    ) -> Result<HubClient, SyncError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut extra: Vec<CertificateDer<'static>> = Vec::new();
        if let Some(pem) = extra_ca_pem {
            for cert in CertificateDer::pem_slice_iter(pem) {
                extra.push(cert.map_err(|e| SyncError::Config(format!("the CA file: {e}")))?);
            }
        }
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
                .map_err(|e| SyncError::Config(format!("the trusted roots: {e}")))?;
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SyncError::Config(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("surety-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Config(e.to_string()))?;
        Ok(HubClient {
            http,
            base: url.trim_end_matches('/').to_string(),
            hub_key: hub_key.to_string(),
        })
    }

    /// Sends one envelope (its stored JSON, byte for byte).
    pub async fn deliver(&self, envelope_json: &str) -> Delivery {
        let envelope = match Envelope::from_json(envelope_json) {
            Ok(e) => e,
            Err(e) => return Delivery::Failed(e.to_string()),
        };
        let answer = self
            .http
            .post(format!("{}/v1/envelopes", self.base))
            .header("content-type", "application/json")
            .body(envelope_json.to_string())
            .send()
            .await;
        let response = match answer {
            Ok(r) => r,
            Err(e) => return Delivery::Failed(format!("the hub did not answer: {}", chain(&e))),
        };
        let code = response.status();
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Delivery::Failed(format!("the hub's answer broke off: {}", chain(&e)))
            }
        };
        if code.is_success() {
            return match serde_json::from_slice::<Receipt>(&body) {
                Ok(receipt) => match receipt.verify_for(&self.hub_key, &envelope) {
                    Ok(()) => Delivery::Accepted(receipt),
                    Err(e) => Delivery::Failed(e.to_string()),
                },
                Err(e) => Delivery::Failed(format!("the hub's receipt is malformed: {e}")),
            };
        }
        match serde_json::from_slice::<Refusal>(&body) {
            // 4xx from the hub itself: it looked at it and will not take it, and retrying
            // cannot help. An unsigned one may be anyone's (a proxy, a false hub): tried again.
            Ok(refusal) if code.is_client_error() => {
                match refusal.verify_for(&self.hub_key, &envelope) {
                    Ok(()) => Delivery::Refused(refusal),
                    Err(e) => {
                        Delivery::Failed(format!("{refusal} ({e}; not believed, sent again later)"))
                    }
                }
            }
            Ok(refusal) => Delivery::Failed(refusal.to_string()),
            Err(_) => Delivery::Failed(format!("the hub answered HTTP {code}")),
        }
    }

    /// Whether the hub answers at all (for the window's "last contact").
    pub async fn health(&self) -> Result<(), String> {
        let r = self
            .http
            .get(format!("{}/health", self.base))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {}", r.status()))
        }
    }
}
