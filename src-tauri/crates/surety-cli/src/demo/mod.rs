//! A realistic demo database, built only through `Desk` use cases (so every rule holds),
//! as a client of the service layer like any other front end:
//! four pilot cities, a lone insurer and a two-member pool, three banks, a user for each
//! role, and cases replayed day by day through 2016 into every state, with claims,
//! recoveries and one city (Dezhou) pushed over the 150% loss ratio.

mod cast;
mod installation;
mod plan;
mod replay;

use cast::d;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use surety::api::{CaseStatus, DatabaseUse, Desk, DeskResult, KdfParams, NewUser, Role};

#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub database: String,
    pub password_note: String,
    pub users: Vec<String>,
    pub cases: u32,
    pub by_status: BTreeMap<String, u32>,
    /// Steps the rules refused during the replay (e.g. disbursements in a suspended city).
    pub refused: BTreeMap<String, u32>,
    /// The first few refusals, as a person would read them.
    pub refused_examples: Vec<String>,
    pub as_of: String,
}

pub fn build(path: &Path, cases: u32, password: &str, kdf: KdfParams) -> DeskResult<DemoSummary> {
    // On a fresh machine the default place (%APPDATA%\cn.gov.sd.suretydesk, ~/.local/share/…)
    // does not exist yet.
    surety::api::prepare_database_folder(path)?;
    let admin_user = NewUser {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        role: Role::Admin,
        organisation_id: None,
    };
    let mut admin = Desk::init_for(DatabaseUse::Replay, path, &admin_user, password, kdf)?;
    admin.set_today(d(2015, 12, 1));
    installation::set_up(&mut admin, password)?;
    let mut desks = installation::desks(path, password)?;
    let (events, channel_of) = plan::year(cases);
    let refused = replay::run(&mut desks, events, &channel_of);
    let end = d(2016, 12, 31);
    admin.set_today(end);
    admin.refresh_overdue()?;
    // Whoever opens the demo later sees it as of the end of the replayed year.
    admin.mark_demo(end)?;

    let mut by_status = BTreeMap::new();
    for s in CaseStatus::ALL {
        let n = admin
            .case_list(&surety::api::CaseListInput {
                status: Some(s.code().into()),
                limit: Some(1),
                ..Default::default()
            })?
            .total;
        if n > 0 {
            by_status.insert(s.code().to_string(), n as u32);
        }
    }
    Ok(DemoSummary {
        database: path.display().to_string(),
        password_note: "every demo user has the password given to `surety demo`".into(),
        users: std::iter::once("admin".to_string())
            .chain(installation::PEOPLE.iter().map(|p| p.0.to_string()))
            .collect(),
        cases,
        by_status,
        refused: refused.by_code,
        refused_examples: refused.examples,
        as_of: end.to_string(),
    })
}
