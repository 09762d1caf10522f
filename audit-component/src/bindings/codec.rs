//! The `codec` interface: events as JSON text, in and out. No logic lives
//! here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::codec as wcodec;
use crate::json::codec;

impl wcodec::Guest for Component {
    fn parse_inputs(
        text: String,
        default_tenant: Option<String>,
    ) -> Result<Vec<wit::EventInput>, wit::Error> {
        let inputs = codec::parse_inputs(&text, default_tenant.as_deref()).map_err(error)?;
        Ok(inputs.into_iter().map(input_out).collect())
    }

    fn to_json(event: wit::Event) -> Result<String, wit::Error> {
        codec::to_json(&event_in(event).map_err(error)?).map_err(error)
    }
}
