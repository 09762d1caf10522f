//! Recording: an input validated and normalised, its states redacted and
//! diffed, then sealed into its tenant's chain and stored, all or nothing.

pub mod append;
pub mod bulk;
pub mod capture;
pub mod prepare;
pub mod secrets;
pub mod text;
