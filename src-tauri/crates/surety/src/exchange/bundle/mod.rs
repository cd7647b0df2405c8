//! Bundles between installations: signed by the sender's Ed25519 key, sealed with age to
//! the recipient, every part hashed in the manifest. A field laptop sends the applications
//! its agent took in offline (each exactly as entered, with its photos and scans) and its
//! site visits; the office replays its own intake for each in the agent's name and sends
//! back its word (the case number, approval or refusal). Partner offices send each other
//! the cases and steps they share. A bundle is opened only if sealed to this installation
//! and signed by a registered peer; every event is taken in once (the same bundle again
//! changes nothing; a known event with other content refuses the bundle before anything is
//! applied).

mod chain;
mod export;
mod import;
mod senders;
mod take_in;
mod wire;

pub use wire::*;
