//! Merge by ownership: a section revision that arrives in a bundle is taken only from a
//! party that owns the section (the process model's `Section::owner`: a laptop speaks for
//! its agent alone, so the office never takes a laptop's word on anything the agent does
//! not own), and only on top of the revision it was made from. A section changed on both
//! sides since then is a conflict: both revisions are kept, a person of the owning side
//! resolves it; nothing is last-write-wins. A revision whose case or base has not arrived
//! yet waits in the backlog and is tried again after every import.

mod apply;
mod conflicts;
mod plan;

pub use plan::*;
