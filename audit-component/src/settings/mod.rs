//! A tenant's settings: the document ([`TenantSettings`]: parsed, checked,
//! loaded), one file per member, and the rules the redaction and diff
//! members compile to.

pub mod access;
pub mod auth;
pub mod catalog;
pub mod diff;
pub mod redaction;
pub mod retention;
pub mod rules;
pub mod tenant;

pub use tenant::{TenantSettings, load, merge, parse, to_json};
