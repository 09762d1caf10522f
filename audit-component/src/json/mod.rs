//! JSON in and out: strict parsing, the borrowed tree the diff and the
//! redactor walk, the canonical form that is hashed (RFC 8785), and events
//! as JSON text.

pub mod canonical;
pub mod canonical_ser;
pub mod codec;
pub mod node;
pub mod numbers;
pub mod parse;
pub mod strict;

#[cfg(test)]
mod tests;
