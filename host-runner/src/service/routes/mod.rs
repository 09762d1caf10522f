//! The API's handlers, one file per group. Each authorizes the caller,
//! then makes the same session calls the command line makes, on a worker.

pub mod admin;
pub mod auth;
pub mod events;
pub mod export;
pub mod health;
