//! Sessions: the unit of work that owns one instance of the component at a
//! time (`instance.rs`), with its calls in one file per WIT interface, as
//! the contract groups them.

pub mod admin;
pub mod auth;
pub mod catalog;
pub mod codec;
pub mod data_export;
pub mod diff;
pub mod instance;
pub mod integrity;
pub mod log;

pub use data_export::Export;
pub use instance::Session;
