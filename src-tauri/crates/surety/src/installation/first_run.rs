//! A new installation: the data folder, the database and its key file, the first admin,
//! the default settings and rate table, and the installation's own keys.

use crate::desk::error::DeskResult;
use crate::desk::session::REPLAY_KEY;
use crate::desk::{settings_toml_without_rates, Desk};
use std::path::Path;
use surety_domain::Settings;
use surety_store::orgs;
use surety_store::{AuditNote, KdfParams, NewUser, Role, Store};

/// What a new database is for, fixed when it is made: the business date of a production
/// database is always the real date; a replay database (training, demonstration, the
/// tests' replayed 2016) keeps one that can be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseUse {
    Production,
    Replay,
}

impl Desk {
    /// A new production installation: database, key file, first admin, default settings
    /// and rates.
    pub fn init(path: &Path, admin: &NewUser, password: &str, kdf: KdfParams) -> DeskResult<Desk> {
        Desk::init_for(DatabaseUse::Production, path, admin, password, kdf)
    }

    /// A new installation for `purpose`.
    pub fn init_for(
        purpose: DatabaseUse,
        path: &Path,
        admin: &NewUser,
        password: &str,
        kdf: KdfParams,
    ) -> DeskResult<Desk> {
        let (mut store, user) = Store::create(path, admin, password, kdf)?;
        let replay = purpose == DatabaseUse::Replay;
        store.set_kdf(kdf);
        let settings = Settings::default();
        let toml = settings_toml_without_rates(&settings);
        store.write(&user.username, "settings.init", |tx| {
            orgs::save_settings_toml(tx, &toml)?;
            orgs::save_rate_table(tx, &settings.reference_rates)?;
            // The installation's keys: Ed25519 to sign, age to receive bundles.
            crate::installation::keys::identity_in(tx)?;
            crate::installation::keys::seal_key_in(tx)?;
            if replay {
                surety_store::store::set_meta(tx, REPLAY_KEY, "1")?;
            }
            let made_for = if replay {
                "; a replay database (settable business date)"
            } else {
                ""
            };
            Ok((
                (),
                AuditNote::new(
                    "settings",
                    "1",
                    format!("defaults from DOMAIN.md{made_for}"),
                ),
            ))
        })?;
        Ok(Desk {
            store,
            user,
            settings,
            today: None,
            replay,
            import: None,
        })
    }

    /// First run, the same for the window and the CLI: the data folder (owner-only), the
    /// database and its key file, the first admin, signed in.
    pub fn first_run(
        path: &Path,
        username: &str,
        display_name: &str,
        password: &str,
        kdf: KdfParams,
        purpose: DatabaseUse,
    ) -> DeskResult<Desk> {
        crate::desk::paths::prepare_database_folder(path)?;
        let admin = NewUser {
            username: username.trim().to_string(),
            display_name: crate::desk::text::clean(
                "display_name",
                display_name,
                crate::desk::text::DISPLAY_NAME,
            )?,
            role: Role::Admin,
            organisation_id: None,
        };
        Desk::init_for(purpose, path, &admin, password, kdf)
    }
}
