//! What a bundle's sender may say, checked for every event before anything is written: a
//! signature proves who sent a bundle, not that its content is theirs to send. A field
//! laptop speaks for its own agent's applications, their photos and site visits; a partner
//! office for the organisations it is registered with; the office, to its laptop, gives
//! its word on the laptop's applications. And whoever imports must be able to read every
//! application the bundle holds.

use super::wire::*;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::Desk;
use surety_store::peers::Peer;
use surety_store::Role;

/// Who sent a bundle, as this installation registered them.
pub(crate) enum Sender {
    /// A laptop this office enrolled, for its agent (unknown for a laptop enrolled before
    /// the office kept the agent's name).
    Laptop { agent: Option<String> },
    /// A partner office, speaking for these organisations.
    Partner { organisations: Vec<String> },
    /// This laptop's office.
    Office,
}

fn not_theirs(zh: String, en: String) -> DeskError {
    DeskError::not_permitted(zh, en)
}

impl Desk {
    pub(crate) fn sender_of(&self, peer: &Peer, on_laptop: bool) -> DeskResult<Sender> {
        if on_laptop {
            return Ok(Sender::Office);
        }
        let organisations = self.partner_orgs(&peer.installation_id)?;
        if peer.agent.is_some() || organisations.is_empty() {
            return Ok(Sender::Laptop {
                agent: peer.agent.clone(),
            });
        }
        Ok(Sender::Partner { organisations })
    }

    /// Why `body` is not the sender's to say, if it is not.
    pub(crate) fn not_the_senders(
        &self,
        sender: &Sender,
        section: &str,
        body: &Incoming,
    ) -> Option<DeskError> {
        match (sender, body) {
            (Sender::Office, Incoming::Office(_) | Incoming::Revision(_)) => None,
            (Sender::Laptop { agent }, Incoming::Intake(i)) => agent
                .as_ref()
                .filter(|a| **a != i.agent)
                .map(|a| {
                    not_theirs(
                        format!("申请署名的外勤人员“{}”不是这台笔记本登记的“{a}”：未导入", i.agent),
                        format!("the application is signed by agent `{}`, not `{a}` whom this laptop was enrolled for: not taken", i.agent),
                    )
                }),
            (Sender::Laptop { agent }, Incoming::Revision(r)) => agent
                .as_ref()
                .filter(|a| **a != r.author)
                .map(|a| {
                    not_theirs(
                        format!("实地走访记录署名“{}”不是这台笔记本登记的外勤人员“{a}”：未导入", r.author),
                        format!("the site visit is signed by `{}`, not `{a}` whom this laptop was enrolled for: not taken", r.author),
                    )
                }),
            (Sender::Laptop { .. }, _) => Some(not_theirs(
                format!("外勤笔记本只能发送受理的申请、其附件和实地走访，不能发送调查、审批、付款等（{section}）：未导入"),
                format!("a field laptop sends applications, their files and site visits only, not investigations, decisions or payments ({section}): not taken"),
            )),
            (Sender::Partner { organisations }, Incoming::Case(c)) => {
                partner_case_refusal(organisations, c)
            }
            (Sender::Partner { .. }, Incoming::Step(_) | Incoming::Revision(_)) => None,
            (Sender::Partner { .. }, _) | (Sender::Office, _) => Some(not_theirs(
                format!("发送方不能发送这类内容（{section}）：未导入"),
                format!("the sender may not send this kind of content ({section}): not taken"),
            )),
        }
    }

    /// At the office, the importer must be able to read every application the bundle
    /// holds: an admin, or the bank's or insurer's own staff for theirs. Refused before
    /// anything of it is shown.
    pub(crate) fn may_import(&self, bodies: &[&Incoming]) -> DeskResult<()> {
        let own = match self.user.role {
            Role::Admin => return Ok(()),
            Role::BankOfficer | Role::Underwriter => {
                self.own_organisation()?.map(|o| o.code).unwrap_or_default()
            }
            _ => String::new(),
        };
        let side = |input: &serde_json::Value| -> Option<String> {
            let key = if self.user.role == Role::BankOfficer {
                "bank"
            } else {
                "insurer"
            };
            input.get(key).and_then(|v| v.as_str()).map(str::to_string)
        };
        let outside = bodies.iter().any(|b| match b {
            Incoming::Intake(i) => side(&i.input).is_none_or(|o| o != own || own.is_empty()),
            Incoming::Case(c) => side(&c.input).is_none_or(|o| o != own || own.is_empty()),
            _ => false,
        });
        if outside {
            return Err(DeskError::not_permitted(
                "数据包中有其他机构的申请：请由管理员或该机构的人员导入".to_string(),
                "the bundle holds applications of another organisation: an admin or that organisation's staff imports it".to_string(),
            ));
        }
        Ok(())
    }
}

/// A partner's case: numbered by a bank it speaks for (or whose insurer it speaks for),
/// taken in by a person of one of its organisations, never by an admin or an auditor.
fn partner_case_refusal(
    organisations: &[String],
    c: &crate::exchange::partners::CasePart,
) -> Option<DeskError> {
    let field = |k: &str| {
        c.input
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let (bank, insurer) = (field("bank"), field("insurer"));
    let speaks = |o: &str| !o.is_empty() && organisations.iter().any(|x| x == o);
    let role_ok = match Role::parse(&c.agent_role) {
        Some(Role::BankOfficer) => speaks(&bank),
        Some(Role::Underwriter) => speaks(&insurer),
        Some(Role::FieldAgent) => speaks(&bank) || speaks(&insurer),
        _ => false,
    };
    if !role_ok {
        return Some(not_theirs(
            format!("申请由“{}”（{}）受理，不是发送方所代表机构的业务人员：未导入", c.agent, c.agent_role),
            format!("the application was taken by `{}` ({}), not a person of an organisation the sender speaks for: not taken", c.agent, c.agent_role),
        ));
    }
    let prefix = format!("{}-", bank.to_uppercase());
    if bank.is_empty() || !c.case_no.starts_with(&prefix) {
        return Some(not_theirs(
            format!("案件编号 {} 不是该贷款银行（{bank}）的编号：发送方不能这样编号，未导入", c.case_no),
            format!("case number {} is not one of the lending bank's ({bank}): the sender may not number it so; not taken", c.case_no),
        ));
    }
    None
}
