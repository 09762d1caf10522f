//! The JSON forms of the WIT records that the command line and the HTTP
//! service both read or write, so that both speak the same JSON.

pub mod auth_record;
pub mod records;
pub mod viewer;
