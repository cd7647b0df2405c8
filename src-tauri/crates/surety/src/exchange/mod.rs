//! Cases between installations: peers and their keys, field laptops (enrolment, site
//! visits), partner offices, the bundle (wire format, export, import, the office's word)
//! and the merge of what a bundle brings (plan, apply, conflicts).
//!
//! May use: every other folder; none uses it.

pub(crate) mod bundle;
pub(crate) mod field;
pub(crate) mod merge;
pub(crate) mod partners;
pub(crate) mod peers;
pub(crate) mod site_visits;
