//! 实地走访 — the site visit's findings on a case: when and where, whether the
//! business was seen running, what was found, and a recommendation. The field agent who
//! took the application writes it (before any decision), either side may correct it. It
//! is the one section written on a laptop and at the office alike, so it is kept as
//! revisions (`surety_store::revisions`): each names the one it was made on, and a form
//! made on an older revision is refused rather than written over a newer one.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::steps::case_note;
use crate::desk::text;
use crate::desk::Desk;
use serde::{Deserialize, Serialize};
use surety_domain::process::{Party, Step};
use surety_store::revisions::{self, Revision};

pub const SECTION: &str = "site_visit";

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SiteVisitInput {
    pub case_no: String,
    pub visited_on: String,
    pub place: String,
    pub in_operation: bool,
    pub findings: String,
    /// support, caution or against.
    pub recommendation: String,
    /// The revision the form showed ('' or none when there was none yet).
    #[serde(default)]
    pub base: Option<String>,
}

/// A site visit's content, as stored and as it travels in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SiteVisit {
    pub visited_on: String,
    pub place: String,
    pub in_operation: bool,
    pub findings: String,
    pub recommendation: String,
}

pub const RECOMMENDATIONS: [(&str, &str, &str); 3] = [
    ("support", "建议支持", "support"),
    ("caution", "谨慎支持", "support with caution"),
    ("against", "不建议支持", "advise against"),
];

/// One revision as the case page and the conflict list show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SiteVisitView {
    pub revision: String,
    pub visit: SiteVisit,
    pub party: String,
    pub author: String,
    /// Where it was written: this installation, or the peer's name.
    pub written_at_installation: String,
    pub written_at: String,
}

impl SiteVisit {
    /// The content checked as the service checks a form: the same rules for a revision
    /// that arrives in a bundle.
    pub fn checked(
        self,
        application_date: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> DeskResult<SiteVisit> {
        let visited = crate::desk::parse::parse_date("visited_on", self.visited_on.trim())?;
        if visited > today {
            return Err(DeskError::invalid(
                "visited_on",
                format!("走访日期 {visited} 晚于今天"),
                format!("visited_on: {visited} is after today"),
            ));
        }
        let earliest = application_date - chrono::Duration::days(365);
        if visited < earliest {
            return Err(DeskError::invalid(
                "visited_on",
                format!("走访日期 {visited} 早于申请日一年以上（最早 {earliest}）"),
                format!("visited_on: {visited} is more than a year before the application (earliest {earliest})"),
            ));
        }
        let place = text::clean("place", &self.place, text::ADDRESS)?;
        if place.is_empty() {
            return Err(DeskError::invalid(
                "place",
                "请填写走访地点",
                "place: say where the visit was",
            ));
        }
        let findings = text::clean("findings", &self.findings, text::NOTE)?;
        if findings.is_empty() {
            return Err(DeskError::invalid(
                "findings",
                "请填写走访发现（经营场所、存货、设备等）",
                "findings: say what was found (premises, stock, equipment)",
            ));
        }
        let recommendation = self.recommendation.trim().to_string();
        if !RECOMMENDATIONS.iter().any(|(c, _, _)| *c == recommendation) {
            return Err(DeskError::invalid(
                "recommendation",
                "请选择走访建议：建议支持、谨慎支持或不建议支持".to_string(),
                format!(
                    "choose a recommendation (`{}` is not one): support, caution or against",
                    text::shown(&recommendation)
                ),
            ));
        }
        Ok(SiteVisit {
            visited_on: visited.to_string(),
            place,
            in_operation: self.in_operation,
            findings,
            recommendation,
        })
    }
}

/// The stored form of a site visit: its keys sorted (a JSON value's order), the same
/// bytes on every installation.
pub(crate) fn canonical(visit: &SiteVisit) -> String {
    serde_json::to_value(visit)
        .expect("a site visit serializes")
        .to_string()
}

pub(crate) fn party_code(p: Party) -> &'static str {
    match p {
        Party::FieldAgent => "field_agent",
        Party::Bank => "bank",
        Party::Insurer => "insurer",
    }
}

pub(crate) fn parse_party(code: &str) -> Option<Party> {
    [Party::FieldAgent, Party::Bank, Party::Insurer]
        .into_iter()
        .find(|p| party_code(*p) == code)
}

impl Desk {
    /// Records (or corrects) the site visit of a case: one revision on top of the one the
    /// form showed, one transaction, one audit entry.
    pub fn record_site_visit(&mut self, input: &SiteVisitInput) -> DeskResult<SiteVisitView> {
        let case = self.case(&input.case_no)?;
        let party = self.check_step(&case, Step::Visit)?;
        let visit = SiteVisit {
            visited_on: input.visited_on.clone(),
            place: input.place.clone(),
            in_operation: input.in_operation,
            findings: input.findings.clone(),
            recommendation: input.recommendation.clone(),
        }
        .checked(case.application_date, self.today())?;
        let me = surety_store::store::meta_value(self.store.connection(), "installation_id")?
            .unwrap_or_default();
        let base = input.base.clone().unwrap_or_default();
        let mut revision = Revision {
            event_id: crate::desk::ids::random_id(),
            case_id: case.id,
            section: SECTION.into(),
            base: base.clone(),
            merged: String::new(),
            sha256: String::new(),
            content_json: canonical(&visit),
            party: party_code(party).into(),
            author: self.user.username.clone(),
            installation: me,
            written_at: crate::desk::ids::now(),
            bundle_id: None,
        };
        revision.sha256 = self.revision_hash(&revision)?;
        let (actor, case_no) = (self.actor(), case.case_no.clone());
        self.store.write(&actor, "case.site_visit", |tx| {
            // The head is read here, in the write's transaction: a form made on an older
            // revision (or before a bundle brought a newer one) is not written over it.
            let head = revisions::head(tx, case.id, SECTION)?;
            let current = head.as_ref().map(|h| h.event_id.as_str()).unwrap_or("");
            if current != base {
                return Err(surety_store::StoreError::invalid(
                    "base",
                    "实地走访记录已被他人修改（或数据包带来了新版本），请刷新后重试",
                    "the site visit was changed meanwhile (by someone else or by a bundle): reload and try again",
                ));
            }
            if revisions::open_conflict(tx, case.id, SECTION)?.is_some() {
                return Err(surety_store::StoreError::invalid(
                    "base",
                    "实地走访记录有待处理的冲突：请先在“数据冲突”中处理",
                    "the site visit has a conflict waiting: resolve it first (Conflicts)",
                ));
            }
            revisions::insert(tx, &revision)?;
            revisions::set_head(tx, case.id, SECTION, &revision.event_id)?;
            Ok(case_note(
                    &case_no,
                    format!(
                        "site visit {} at {}: {} (revision {})",
                        visit.visited_on, visit.place, visit.recommendation, revision.event_id
                    ),
            ))
        })?;
        self.site_visit_view(&revision)
    }

    /// A revision's identity hash: that of the part a bundle will carry.
    pub(crate) fn revision_hash(&self, r: &Revision) -> DeskResult<String> {
        let key = revisions::case_key(self.store.connection(), r.case_id)?;
        Ok(crate::exchange::merge::RevisionPart::of(r, key).sha256())
    }

    /// The site visit this installation holds for a case, if any.
    pub fn site_visit(&self, case_no: &str) -> DeskResult<Option<SiteVisitView>> {
        let case = self.case(case_no)?;
        match revisions::head(self.store.connection(), case.id, SECTION)? {
            Some(r) => Ok(Some(self.site_visit_view(&r)?)),
            None => Ok(None),
        }
    }

    pub(crate) fn site_visit_view(&self, r: &Revision) -> DeskResult<SiteVisitView> {
        let visit: SiteVisit = serde_json::from_str(&r.content_json).map_err(|e| {
            surety_store::StoreError::Corrupt(format!("section_revisions {}: {e}", r.event_id))
        })?;
        let conn = self.store.connection();
        let me = surety_store::store::meta_value(conn, "installation_id")?.unwrap_or_default();
        let written_at_installation = if r.installation == me {
            "本机 / this installation".to_string()
        } else {
            surety_store::peers::by_id(conn, &r.installation)?
                .map(|p| p.name)
                .unwrap_or_else(|| r.installation.clone())
        };
        Ok(SiteVisitView {
            revision: r.event_id.clone(),
            visit,
            party: r.party.clone(),
            author: r.author.clone(),
            written_at_installation,
            written_at: r.written_at.clone(),
        })
    }
}
