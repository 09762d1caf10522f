//! Reading: filters, keyset pages and counts over a tenant's log, for a
//! viewer the tenant's access rules allow, every read recorded.

pub mod access;
pub mod cursor;
pub mod filter;
pub mod keyword;
pub mod page;
pub mod query;
pub mod scan;
pub mod shielded;
