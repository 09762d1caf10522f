//! The WIT glue: one file per exported interface of the world
//! `audit:log/audit`, the host's imports as the engine's traits
//! (`imports.rs`) and the conversions between the generated types and the
//! engine's own (`convert.rs`). No audit logic lives here.

// The generated code and the export macro need `unsafe` (the canonical ABI's
// raw pointers) and carry no docs; nothing hand-written here uses `unsafe`.
#![allow(missing_docs, unsafe_code)]

mod generated {
    wit_bindgen::generate!({
        path: "../wit",
        world: "audit",
    });
}

mod admin;
mod auth;
mod catalog;
mod codec;
mod convert;
mod data_export;
mod diff;
mod imports;
mod integrity;
mod log;

/// The component: every exported interface is implemented for it.
struct Component;

generated::export!(Component with_types_in generated);
