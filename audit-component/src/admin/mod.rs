//! Changing how a tenant's log behaves: settings writes and registrations
//! of actions, each recorded in the tenant's own log.

pub mod register;
pub mod settings;
