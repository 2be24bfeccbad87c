//! The drift engine: given what the code declares, what Terraform recorded and what is live,
//! say exactly what drifted, how much it matters, and why — with no noise.
//!
//! The engine is pure: no I/O, no network, no terminal. It takes observations (from whatever
//! adapter) and returns findings, so every behaviour is tested with plain values.

pub mod compare;
pub mod fingerprint;
pub mod matching;
pub mod normalize;
pub mod policy;
pub mod region;
pub mod rules;
