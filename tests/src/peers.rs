//! Partner offices for the tests: one installation registering another as its peer.

use crate::cli::Office;
use serde_json::{json, Value};

/// Registers `other` (its `sync identity`) at `at` as a peer called `name`, speaking for
/// `organisations`, as `at`'s admin on `day`.
pub fn register(at: &Office, other: &Value, name: &str, organisations: &[&str], day: &str) {
    let mut peer = other.clone();
    peer["name"] = json!(name);
    peer["organisations"] = json!(organisations);
    at.ok("admin", day, &["peer", "add"], peer);
}
