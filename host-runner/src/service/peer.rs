//! The peer's address, which the listener puts in each request, as an
//! extractor: a viewer token's reads are recorded from it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The address the request came from.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<SocketAddr>().map(|a| a.ip())))
    }
}
