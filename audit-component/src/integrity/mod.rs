//! Tamper evidence and retention: verifying a chain with a verdict per kind
//! of tampering, signed checkpoints, verifiable exports, and purges that
//! keep the chain verifiable.

pub mod anchor;
pub mod checker;
pub mod checkpoint;
pub mod draft;
pub mod export_check;
pub mod proof;
pub mod proof_csv;
pub mod report;
pub mod retention;
pub mod verify;

#[cfg(test)]
mod tests;
