//! The case file as people read it: the case list and the case page, printing its
//! documents (one, or a batch), its attachments, and the payoff figure it shows.
//!
//! May use: `desk`, `installation`.

pub(crate) mod attachments;
pub(crate) mod payoff;
pub(crate) mod printing;
pub(crate) mod views;
