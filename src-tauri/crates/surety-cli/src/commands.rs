//! Each subcommand: parse, one call into the service layer, print JSON.

use crate::actions::{
    AttachmentAction, AuditAction, BorrowerAction, BundleAction, CaseAction, CityAction,
    CreditAction, FieldAction, OrgAction, PeerAction, Period, RateAction, ReportAction,
    SettingsAction, SubsidyAction, SyncAction, UserAction, VisitAction,
};
use crate::args::{Cli, Command};
use crate::io::{json, password, read_json, read_stdin};
use std::path::Path;
use surety::api::{
    AgreementInput, CaseListInput, CreditCorrectionInput, CreditReportInput, Desk, DeskError,
    DeskResult, KdfParams, OrgInput, PayoffInput, PoolMemberInput, Printed, QuarterInput,
    ReopenInput, ReportScope, Settings, SubsidyPaymentInput, UserInput,
};
use surety::api::{DatabaseUse, ErrorCode};

pub fn run(cli: Cli) -> DeskResult<String> {
    let db = cli.db.clone().unwrap_or_else(surety::api::default_database);
    match cli.command {
        Command::Quote { settings } => {
            let settings = load_settings(settings.as_deref())?;
            let input = surety::api::quote_input_from_json(&read_stdin()?)?;
            json(&surety::api::quote(&input, &settings)?)
        }
        Command::Settings {
            action: SettingsAction::Defaults,
        } => Ok(Settings::default().to_toml()),
        Command::Settings {
            action: SettingsAction::Check { file },
        } => Ok(load_settings(Some(&file))?.to_toml()),
        Command::Init {
            admin,
            display_name,
            replay,
        } => {
            let pw = password("SURETY_PASSWORD", "新管理员密码 / new admin password: ")?;
            let purpose = if replay {
                DatabaseUse::Replay
            } else {
                DatabaseUse::Production
            };
            let desk = Desk::first_run(&db, &admin, &display_name, &pw, kdf(), purpose)?;
            json(&serde_json::json!({ "database": db, "admin": desk.user() }))
        }
        Command::Field {
            action: FieldAction::Init { from },
        } => {
            let package = surety::api::read_enrolment(&from)?;
            let phrase = password(
                "SURETY_ENROL_PASSPHRASE",
                "登记文件口令 / enrolment passphrase: ",
            )?;
            let pw = password("SURETY_NEW_PASSWORD", "您的新密码 / your new password: ")?;
            let desk = Desk::init_field(&db, &package, &phrase, &pw, kdf())?;
            json(&serde_json::json!({ "database": db, "user": desk.user() }))
        }
        Command::Restore {
            from,
            allow_foreign,
        } => {
            let (current, user, pw) = if db.exists() {
                let (desk, signed_in_with) = sign_in_keeping(&db, cli.user.as_deref())?;
                let user = desk.user().username.clone();
                let pw = std::env::var("SURETY_BACKUP_PASSWORD").unwrap_or(signed_in_with);
                (Some(desk), user, pw)
            } else {
                let user = cli.user.clone().ok_or_else(|| {
                    DeskError::invalid(
                        "user",
                        "本机还没有数据库：请用 --user 指定备份中的管理员",
                        "there is no database here yet: name an admin of the backup with --user",
                    )
                })?;
                let pw = password("SURETY_PASSWORD", &format!("{user} 的密码 / password: "))?;
                (None, user, pw)
            };
            json(&surety::api::restore(&db, &from, current, &user, &pw, allow_foreign)?.1)
        }
        Command::Demo { cases } => {
            let pw = password(
                "SURETY_PASSWORD",
                "演示库管理员密码 / demo admin password: ",
            )?;
            json(&crate::demo::build(&db, cases, &pw, kdf())?)
        }
        command => {
            let mut desk = sign_in(&db, cli.user.as_deref())?;
            if let Some(d) = &cli.as_of {
                desk.set_today(surety::api::parse_business_date("as_of", d)?);
            }
            signed_in(&mut desk, command)
        }
    }
}

fn signed_in(desk: &mut Desk, command: Command) -> DeskResult<String> {
    match command {
        Command::User { action } => match action {
            UserAction::Add => {
                let input: UserInput = read_json()?;
                let pw = password(
                    "SURETY_NEW_PASSWORD",
                    &format!("{} 的新密码 / new password: ", input.username),
                )?;
                json(&desk.add_user(&input, &pw)?)
            }
            UserAction::List => json(&desk.users()?),
            UserAction::Remove { username } => {
                desk.remove_user(&username)?;
                json(&serde_json::json!({ "removed": username }))
            }
            UserAction::Passwd => {
                // The current password is the one just signed in with.
                let current = password("SURETY_PASSWORD", "当前密码 / current password: ")?;
                let pw = password("SURETY_NEW_PASSWORD", "新密码 / new password: ")?;
                desk.change_password(&current, &pw)?;
                json(&serde_json::json!({ "password_changed": desk.user().username }))
            }
            UserAction::Reset { username } => {
                let pw = password(
                    "SURETY_NEW_PASSWORD",
                    &format!("{username} 的新密码 / new password: "),
                )?;
                desk.reset_user(&username, &pw)?;
                json(&serde_json::json!({ "reset": username }))
            }
        },
        Command::Settings { action } => match action {
            SettingsAction::Apply { file } => {
                let text = surety::api::read_settings_file(&file)?;
                desk.apply_settings(&text)?;
                Ok(desk.settings().to_toml())
            }
            _ => Ok(desk.settings().to_toml()),
        },
        Command::City { action } => match action {
            CityAction::List => json(&desk.settings_view()?.cities),
            CityAction::Set => json(&desk.set_city(&read_json()?)?),
        },
        Command::Rate { action } => match action {
            RateAction::List => json(&desk.settings_view()?.rates),
            RateAction::Set => json(&desk.set_reference_rate(&read_json()?)?),
            RateAction::Remove { effective } => json(&desk.remove_reference_rate(&effective)?),
        },
        Command::Org { action } => match action {
            OrgAction::Add => json(&desk.add_organisation(&read_json::<OrgInput>()?)?),
            OrgAction::List => json(&desk.organisations()?),
        },
        Command::Pool { pool } => {
            let members: Vec<PoolMemberInput> = read_json()?;
            desk.set_pool(&pool, &members)?;
            json(&serde_json::json!({ "pool": pool, "members": members.len() }))
        }
        Command::Agreement => json(&desk.add_agreement(&read_json::<AgreementInput>()?)?),
        Command::Case { action } => case(desk, action),
        Command::Borrower { action } => match action {
            BorrowerAction::Flagged => json(&desk.flagged_borrowers()?),
            BorrowerAction::Unflag => {
                desk.unflag_borrower(&read_json()?)?;
                json(&serde_json::json!({ "unflagged": true }))
            }
        },
        Command::LossRatio => json(&desk.loss_ratios(desk.today())?),
        Command::Compensation => json(&desk.record_compensation(&read_json()?)?),
        Command::Dashboard => json(&desk.dashboard()?),
        Command::Report { action } => report(desk, action),
        Command::Credit { action } => credit(desk, action),
        Command::Sync { action } => match action {
            SyncAction::Identity => json(&desk.sync_identity()?),
            SyncAction::Status => json(&desk.sync_status()?),
            SyncAction::Show { id } => json(&desk.sync_envelope(id)?),
            SyncAction::Push => json(&surety::api::push_now(desk)?),
            SyncAction::Hub => json(&desk.set_hub(&read_json::<surety::api::HubInput>()?)?),
        },
        Command::Subsidy { action } => subsidy(desk, action),
        Command::Field {
            action:
                FieldAction::Enrol {
                    agent,
                    prefix,
                    laptop_name,
                    office_name,
                    out,
                },
        } => {
            let phrase = password(
                "SURETY_ENROL_PASSPHRASE",
                "登记文件口令 / enrolment passphrase: ",
            )?;
            json(&desk.enrol_field_to(
                &surety::api::FieldEnrolInput {
                    agent,
                    prefix,
                    laptop_name,
                    office_name,
                },
                &phrase,
                &out,
            )?)
        }
        Command::Field {
            action: FieldAction::Init { .. },
        } => Err(DeskError::invalid(
            "db",
            "外勤笔记本只能在还没有数据库时建立",
            "a field laptop is made only where there is no database yet",
        )),
        Command::Bundle { action } => match action {
            BundleAction::Export { to, out, cases } => {
                let mut sealing = percent("sealing / 封装");
                json(
                    &desk.export_bundle_with(&to, &out, &cases, &mut |done, total| {
                        sealing(done, total)
                    })?,
                )
            }
            BundleAction::Import { from, preview } => {
                let mut checking = percent("checking / 校验");
                let mut taking = percent(if preview {
                    "previewing / 预览"
                } else {
                    "taking in / 导入"
                });
                json(
                    &desk.import_bundle_file(&from, !preview, &mut |done, total, case_no| {
                        if case_no.is_empty() {
                            checking(done, total)
                        } else {
                            taking(done, total)
                        }
                    })?,
                )
            }
            BundleAction::Conflicts { all } => json(&desk.conflicts(all)?),
            BundleAction::Resolve => {
                json(&desk.resolve_conflict(&read_json::<surety::api::ResolveInput>()?)?)
            }
            BundleAction::Backlog => json(&desk.backlog()?),
        },
        Command::Visit { action } => match action {
            VisitAction::Record => {
                json(&desk.record_site_visit(&read_json::<surety::api::SiteVisitInput>()?)?)
            }
            VisitAction::Show { case_no } => json(&desk.site_visit(&case_no)?),
        },
        Command::Peer { action } => match action {
            PeerAction::Add => json(&desk.add_peer(&read_json::<surety::api::PeerInput>()?)?),
            PeerAction::List => json(&desk.peers()?),
        },
        Command::Attachment { action } => match action {
            AttachmentAction::Add {
                case_no,
                section,
                name,
                file,
            } => json(&desk.attach_file(
                &surety::api::AttachInput {
                    case_no,
                    section,
                    file_name: name.unwrap_or_default(),
                },
                &file,
            )?),
            AttachmentAction::List { case_no } => json(&desk.attachments(&case_no)?),
            AttachmentAction::Save { id, out } => {
                let saved = desk.save_attachment(&id, &out)?;
                json(&serde_json::json!({ "file": saved.path, "bytes": saved.bytes }))
            }
        },
        Command::Audit {
            action: AuditAction::Verify,
        } => json(&desk.audit_verify()?),
        Command::Audit {
            action: AuditAction::Check,
        } => {
            let audit = desk.audit_verify()?;
            let integrity = desk.integrity_check()?;
            let files = desk.database_files()?;
            let private = files.iter().all(|f| f.private);
            json(&serde_json::json!({
                "audit": audit,
                "integrity": integrity,
                "files": files,
                "ok": audit.ok && integrity == "ok" && private,
            }))
        }
        Command::Backup { out } => json(&desk.backup(&out)?),
        Command::Print { document, cases } => {
            let document = if document == "contracts" {
                "loan_contract".to_string()
            } else {
                document
            };
            let out = &cases.out;
            match &cases.case {
                Some(case_no) => {
                    let printed = desk.print_to(&document, case_no, out)?;
                    json(&serde_json::json!({ "file": printed.path, "bytes": printed.bytes }))
                }
                None => {
                    let files = desk.print_batch(
                        &document,
                        &cases.filter(),
                        out,
                        |done, total, case_no| {
                            eprintln!("[{done}/{total}] {case_no}");
                            true
                        },
                    )?;
                    json(&serde_json::json!({ "directory": out, "files": files.len() }))
                }
            }
        }
        Command::Export { what, cases } => {
            // Case data leaves encrypted; the file's password is asked like the user's own.
            let pw = || {
                password(
                    "SURETY_EXPORT_PASSWORD",
                    "导出文件的密码 / password for the exported file: ",
                )
            };
            let written = match (what.as_str(), &cases.case) {
                ("cases", _) => desk.export_cases_to(&cases.filter(), &pw()?, &cases.out)?,
                ("schedule", Some(case_no)) => {
                    desk.export_schedule_to(case_no, &pw()?, &cases.out)?
                }
                ("flagged", _) => desk.export_flagged_to(&pw()?, &cases.out)?,
                _ => {
                    return Err(DeskError::invalid(
                        "what",
                        "导出内容应为 cases、flagged，或 schedule 加 --case 案件号",
                        "export `cases`, `flagged`, or `schedule` with --case NO",
                    ))
                }
            };
            json(&serde_json::json!({ "file": written.path, "bytes": written.bytes }))
        }
        _ => unreachable!("handled before signing in"),
    }
}

fn scope(p: &Period) -> DeskResult<ReportScope> {
    Desk::report_scope(p.year, p.quarter, p.city.as_deref())
}

fn written(p: Printed) -> DeskResult<String> {
    json(&serde_json::json!({ "file": p.path, "bytes": p.bytes }))
}

fn report(desk: &mut Desk, action: ReportAction) -> DeskResult<String> {
    match action {
        ReportAction::Quarter { period, out: None } => json(&desk.quarter_report(scope(&period)?)?),
        ReportAction::Quarter {
            period,
            out: Some(out),
        } => written(desk.export_quarter_to(scope(&period)?, &out)?),
        ReportAction::Close { year, quarter } => {
            json(&desk.close_quarter(&QuarterInput { year, quarter })?)
        }
        ReportAction::Reopen {
            year,
            quarter,
            reason,
            organisation,
        } => json(&desk.reopen_quarter(&ReopenInput {
            year,
            quarter,
            reason,
            organisation,
        })?),
    }
}

fn credit(desk: &mut Desk, action: CreditAction) -> DeskResult<String> {
    let pw = || {
        password(
            "SURETY_EXPORT_PASSWORD",
            "压缩包的密码 / password for the archive: ",
        )
    };
    match action {
        CreditAction::Preview { org, date } => json(&desk.credit_preview(&CreditReportInput {
            organisation: org,
            report_date: date,
        })?),
        CreditAction::Report { org, date, out } => json(&desk.credit_report_to(
            &CreditReportInput {
                organisation: org,
                report_date: date,
            },
            &pw()?,
            &out,
        )?),
        CreditAction::Correct {
            org,
            case,
            segment,
            date,
            out,
        } => json(&desk.credit_correction_to(
            &CreditCorrectionInput {
                organisation: org,
                case_no: case,
                segment,
                report_date: date,
            },
            &pw()?,
            &out,
        )?),
    }
}

fn subsidy(desk: &mut Desk, action: SubsidyAction) -> DeskResult<String> {
    match action {
        SubsidyAction::List { period, out: None } => json(&desk.subsidy_list(scope(&period)?)?),
        SubsidyAction::List {
            period,
            out: Some(out),
        } => {
            let pw = password(
                "SURETY_EXPORT_PASSWORD",
                "导出文件的密码 / password for the exported file: ",
            )?;
            written(desk.export_subsidies_to(scope(&period)?, &pw, &out)?)
        }
        SubsidyAction::Pay {
            period,
            case,
            paid_on,
        } => json(&desk.record_subsidy_payment(&SubsidyPaymentInput {
            year: period.year,
            quarter: period.quarter,
            city: period.city.unwrap_or_default(),
            case_no: case.unwrap_or_default(),
            paid_on,
        })?),
    }
}

fn case(desk: &mut Desk, action: CaseAction) -> DeskResult<String> {
    match action {
        CaseAction::Intake => json(&desk.intake(&read_json()?)?),
        CaseAction::Investigate => json(&desk.investigate(&read_json()?)?),
        CaseAction::Review => json(&desk.review_note(&read_json()?)?),
        CaseAction::Exception => json(&desk.approve_exception(&read_json()?)?),
        CaseAction::Decide => json(&desk.decide(&read_json()?)?),
        CaseAction::Sign => json(&desk.sign(&read_json()?)?),
        CaseAction::Premium => json(&desk.record_premium(&read_json()?)?),
        CaseAction::Disburse => json(&desk.disburse(&read_json()?)?),
        CaseAction::Repay => json(&desk.repay(&read_json()?)?),
        CaseAction::Prepay => json(&desk.prepay(&read_json()?)?),
        CaseAction::PayOff => json(&desk.pay_off(&read_json()?)?),
        CaseAction::Payoff { case_no, date } => json(&desk.payoff_quote(&PayoffInput {
            case_no,
            as_of: date,
        })?),
        CaseAction::Overdue => json(&desk.refresh_overdue()?),
        CaseAction::Claim => json(&desk.file_claim(&read_json()?)?),
        CaseAction::PayClaim => json(&desk.pay_claim(&read_json()?)?),
        CaseAction::RefuseClaim => json(&desk.refuse_claim(&read_json()?)?),
        CaseAction::AccidentClaim => json(&desk.pay_accident_claim(&read_json()?)?),
        CaseAction::Recover => json(&desk.record_recovery(&read_json()?)?),
        CaseAction::Close => json(&desk.close(&read_json()?)?),
        CaseAction::Withdraw => json(&desk.withdraw(&read_json()?)?),
        CaseAction::Flag => json(&desk.flag_evasion(&read_json()?)?),
        CaseAction::List {
            status,
            city,
            kind,
            search,
            from,
            to,
            limit,
            offset,
            sort,
        } => {
            let page = desk.case_list(&CaseListInput {
                search,
                city,
                status,
                kind,
                from,
                to,
                limit: Some(limit),
                offset: Some(offset),
                sort,
            })?;
            json(&page.rows)
        }
        CaseAction::Show { case_no } => json(&desk.case_show(&case_no)?),
    }
}

/// Argon2 cost for passwords set from the CLI. Test builds (debug) take the cheapest
/// allowed cost when the end-to-end tests ask; a release build has no such switch.
fn kdf() -> KdfParams {
    #[cfg(debug_assertions)]
    if std::env::var("SURETY_TEST_FAST_KDF").is_ok_and(|v| v == "1") {
        return KdfParams::for_tests();
    }
    KdfParams::default()
}

fn sign_in(db: &Path, user: Option<&str>) -> DeskResult<Desk> {
    Ok(sign_in_keeping(db, user)?.0)
}

/// Signs in and keeps the password (a restore opens the backup with it too).
fn sign_in_keeping(db: &Path, user: Option<&str>) -> DeskResult<(Desk, String)> {
    let user = match user {
        Some(u) => u.to_string(),
        None => surety::api::first_user(db)?,
    };
    let pw = password("SURETY_PASSWORD", &format!("{user} 的密码 / password: "))?;
    let mut desk = Desk::open(db, &user, &pw)?;
    desk.set_kdf(kdf());
    Ok((desk, pw))
}

fn load_settings(path: Option<&Path>) -> DeskResult<Settings> {
    let Some(path) = path else {
        return Ok(Settings::default());
    };
    let text = surety::api::read_settings_file(path).map_err(|e| {
        DeskError::new(
            ErrorCode::Settings,
            Some("settings"),
            e.message_zh,
            e.message_en,
        )
    })?;
    surety::api::settings_from_toml(&text).map_err(|e| {
        DeskError::new(
            ErrorCode::Settings,
            Some(&e.key),
            format!("配置文件 {} 有误：{}", path.display(), e.message_zh),
            format!(
                "the settings file {} is wrong: {}",
                path.display(),
                e.message_en
            ),
        )
    })
}

/// Progress on standard error, one line per whole percent: a bundle of two thousand parts
/// says so in a hundred lines, not two thousand.
fn percent(stage: &'static str) -> impl FnMut(usize, usize) {
    let mut last = None;
    move |done, total| {
        let p = (done * 100).checked_div(total).unwrap_or(100);
        if last != Some(p) {
            last = Some(p);
            eprintln!("[{stage}] {p}% ({done}/{total})");
        }
    }
}
