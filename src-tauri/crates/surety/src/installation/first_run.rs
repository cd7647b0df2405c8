//! A new installation: the data folder, the database and its key file, the first admin,
//! the default settings and rate table, and the installation's own keys.

use crate::desk::error::DeskResult;
use crate::desk::{settings_toml_without_rates, Desk};
use std::path::Path;
use surety_domain::Settings;
use surety_store::orgs;
use surety_store::{AuditNote, KdfParams, NewUser, Role, Store};

impl Desk {
    /// A new installation: database, key file, first admin, default settings and rates.
    pub fn init(path: &Path, admin: &NewUser, password: &str, kdf: KdfParams) -> DeskResult<Desk> {
        let (mut store, user) = Store::create(path, admin, password, kdf)?;
        store.set_kdf(kdf);
        let settings = Settings::default();
        let toml = settings_toml_without_rates(&settings);
        store.write(&user.username, "settings.init", |tx| {
            orgs::save_settings_toml(tx, &toml)?;
            orgs::save_rate_table(tx, &settings.reference_rates)?;
            // The installation's keys: Ed25519 to sign, age to receive bundles.
            crate::installation::keys::identity_in(tx)?;
            crate::installation::keys::seal_key_in(tx)?;
            Ok((
                (),
                AuditNote::new("settings", "1", "defaults from DOMAIN.md"),
            ))
        })?;
        Ok(Desk {
            store,
            user,
            settings,
            today: None,
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
    ) -> DeskResult<Desk> {
        crate::desk::paths::prepare_database_folder(path)?;
        let admin = NewUser {
            username: username.trim().to_string(),
            display_name: crate::desk::text::clean(
                "display_name",
                display_name,
                crate::desk::text::SHORT,
            )?,
            role: Role::Admin,
            organisation_id: None,
        };
        Desk::init(path, &admin, password, kdf)
    }
}
