//! One tenant's work split over several instances of the component, each
//! on its own connection to the same store, so that a host uses every core
//! on a long log, with the same verdict a single instance gives.

pub mod export;
pub mod verify;
