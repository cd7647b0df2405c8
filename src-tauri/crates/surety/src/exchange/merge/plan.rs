//! What becomes of a section revision that arrives in a bundle: taken, already known,
//! waiting, a conflict, or refused; the revision as it travels and the views of the
//! backlog and of conflicts.

use crate::desk::error::DeskError;
use crate::desk::error_code::ErrorCode;
use crate::exchange::site_visits::{SiteVisit, SiteVisitView, SECTION};
use serde::{Deserialize, Serialize};
use surety_store::revisions::{self, Revision};

/// One revision as it travels.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RevisionPart {
    /// The laptop's provisional number: the key both installations know the case by.
    pub case_key: String,
    pub section: String,
    pub base: String,
    pub merged: String,
    pub content: serde_json::Value,
    pub party: String,
    pub author: String,
    pub installation: String,
    pub written_at: String,
}

impl RevisionPart {
    /// The bytes a bundle carries: a struct of fixed field order around a content whose
    /// keys are sorted, so that both installations hash a revision alike.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a revision serializes")
    }

    /// A revision's identity hash (`section_revisions.sha256`, the event's hash).
    pub(crate) fn sha256(&self) -> String {
        surety_bundle::sha256_hex(&self.bytes())
    }

    pub(crate) fn of(r: &Revision, case_key: String) -> RevisionPart {
        RevisionPart {
            case_key,
            section: r.section.clone(),
            base: r.base.clone(),
            merged: r.merged.clone(),
            content: serde_json::from_str(&r.content_json).unwrap_or(serde_json::Value::Null),
            party: r.party.clone(),
            author: r.author.clone(),
            installation: r.installation.clone(),
            written_at: r.written_at.clone(),
        }
    }
}

/// What becomes of an incoming revision.
#[derive(Debug, Clone)]
pub(crate) enum Merge {
    /// On top of what this installation holds: it becomes the section's content.
    Apply,
    /// The same content this installation already holds (both sides wrote the same).
    Same,
    /// Both sides changed the section since the revision it was made on.
    Conflict {
        ours: String,
    },
    /// Its case or its base has not arrived yet.
    Wait(String),
    Refuse(DeskError),
}

impl Merge {
    pub(crate) fn outcome(&self) -> &'static str {
        match self {
            Merge::Apply | Merge::Same => "taken",
            Merge::Conflict { .. } => "conflict",
            Merge::Wait(_) => "waiting",
            Merge::Refuse(_) => "refused",
        }
    }
}

/// A conflict as the review list shows it: both versions side by side.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConflictView {
    pub id: i64,
    pub case_no: String,
    pub section: String,
    pub ours: SiteVisitView,
    pub theirs: SiteVisitView,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// Whether the signed-in user is of the side that owns the section now.
    pub may_resolve: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    pub id: i64,
    /// ours, theirs, or edited (then `edited` is the content to keep).
    pub keep: String,
    #[serde(default)]
    pub edited: Option<SiteVisit>,
}

/// A revision waiting in the backlog.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WaitingView {
    pub case_key: String,
    pub section: String,
    pub from_installation: String,
    pub waiting_for: String,
    pub since: String,
}

/// What an incoming revision would do here: read-only, for the preview, and again inside
/// the applying transaction on the head as it is then.
pub(crate) fn plan(
    conn: &surety_store::Connection,
    case_id: i64,
    event_id: &str,
    sha256: &str,
    part: &RevisionPart,
) -> surety_store::StoreResult<Merge> {
    let known = |id: &str| -> surety_store::StoreResult<bool> {
        Ok(id.is_empty() || revisions::by_id(conn, id)?.is_some())
    };
    let Some(head) = revisions::head(conn, case_id, SECTION)? else {
        return Ok(if known(&part.base)? {
            Merge::Apply
        } else {
            Merge::Wait(format!("revision {}", part.base))
        });
    };
    if head.event_id == part.base || (!part.merged.is_empty() && head.event_id == part.merged) {
        return Ok(Merge::Apply);
    }
    if revisions::descends_from(conn, &head.event_id, event_id)? {
        return Ok(Merge::Same);
    }
    if !known(&part.base)? {
        return Ok(Merge::Wait(format!("revision {}", part.base)));
    }
    if head.sha256 == sha256 {
        return Ok(Merge::Same);
    }
    Ok(Merge::Conflict {
        ours: head.event_id,
    })
}

pub(crate) fn merge_error(zh: String, en: String) -> DeskError {
    DeskError::new(ErrorCode::NotPermitted, Some("section"), zh, en)
}
