//! A filter's secrets. An id a filter names is matched in the form the log
//! stores it in (a secret id is stored as a stand-in, see
//! `ingest::secrets`), and what a read records of its filter in the
//! tenant's log (`audit_log.viewed`, `audit_log.exported`) holds no secret
//! either: a searched keyword is recorded as its keyed fingerprint, never
//! as the text (people search for what they fear was leaked).

use crate::core::error::{Result, store_error};
use crate::core::fields;
use crate::core::store::Store;
use crate::ingest::secrets;
use crate::read::filter::Filter;
use serde_json::Value;

/// The filter with its ids in their stored form.
pub fn match_form(filter: &Filter, store: &mut impl Store) -> Result<Filter> {
    // A key is asked for under a valid tenant only.
    fields::tenant(&filter.tenant).map_err(|e| e.within("filter"))?;
    let tenant = filter.tenant.clone();
    let mut fingerprints = |m: &[Vec<u8>]| store.fingerprints(&tenant, m).map_err(store_error);
    let mut out = filter.clone();
    if let Some(id) = &filter.actor_id {
        out.actor_id = Some(secrets::stored_id(id, &mut fingerprints)?);
    }
    if let Some(id) = &filter.target_id {
        out.target_id = Some(secrets::stored_id(id, &mut fingerprints)?);
    }
    Ok(out)
}

/// The filter as a read records it: the fields given, ids in their stored
/// form, the keyword as `[redacted:<fingerprint>]`.
pub fn recorded(filter: &Filter, store: &mut impl Store) -> Result<Value> {
    let mut recorded = match_form(filter, store)?;
    if let Some(text) = &filter.text {
        let tenant = filter.tenant.clone();
        let mut fingerprints = |m: &[Vec<u8>]| store.fingerprints(&tenant, m).map_err(store_error);
        recorded.text = Some(secrets::keyword_stand_in(text, &mut fingerprints)?);
    }
    Ok(serde_json::to_value(&recorded).unwrap_or(Value::Null))
}
