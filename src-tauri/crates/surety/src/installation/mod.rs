//! The installation: organisations, pools and agreements, users and roles, backup and
//! restore, the settings, cities and rate table, the installation's own keys and its
//! first run.
//!
//! May use: `desk`.

pub(crate) mod admin;
pub(crate) mod agreements;
pub(crate) mod configuration;
pub(crate) mod first_run;
pub(crate) mod keys;
