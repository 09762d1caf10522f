//! Verifying a tenant's chain as the store keeps it: every row in batches,
//! then the store's head, against signed checkpoints (see `checker.rs` for
//! the verdicts).

use crate::core::error::{Error, Result, store_error};
use crate::core::fields;
use crate::core::store::{ScanRequest, Store};
use crate::integrity::checker::Checker;
use crate::integrity::checkpoint;
use crate::integrity::report::{FindingKind, Report};

/// Rows read from the store per scan.
const BATCH: u32 = 1000;

/// Opens the checkpoints given to a verifier: each is checked against the
/// public keys; one whose signature fails becomes a `bad-signature` finding
/// and is not used. Errors name the malformed one (`checkpoints[1].seq`).
pub(crate) fn open_checkpoints(
    checker: &mut Checker,
    tenant: &str,
    checkpoints: &[String],
    public_keys: &[String],
) -> Result<()> {
    if checkpoints.is_empty() {
        return Ok(());
    }
    let keys = checkpoint::parse_keys(public_keys)?;
    if keys.is_empty() {
        return Err(Error::invalid(
            "public_keys",
            "a checkpoint is verified with its signer's public key; give at least one",
        ));
    }
    for (i, text) in checkpoints.iter().enumerate() {
        let field = format!("checkpoints[{i}]");
        let document = checkpoint::parse_document(text).map_err(|e| e.within(&field))?;
        if document.checkpoint.tenant != tenant {
            return Err(Error::invalid(
                format!("{field}.tenant"),
                "is another tenant's checkpoint",
            ));
        }
        match checkpoint::verify_signature(&document, &keys) {
            Ok(()) => checker.add_checkpoint(document.checkpoint),
            Err(why) => checker.find(
                FindingKind::BadSignature,
                document.checkpoint.seq,
                None,
                why,
            ),
        }
    }
    Ok(())
}

/// Verifies a tenant's whole chain as the store keeps it, against signed
/// checkpoints (documents as `checkpoint::seal` writes them) verified with
/// the given public keys (PEM), and against the store's head.
pub fn verify_chain(
    store: &mut impl Store,
    tenant: &str,
    checkpoints: &[String],
    public_keys: &[String],
) -> Result<Report> {
    let checker = start(tenant, checkpoints, public_keys)?;
    in_one_read(store, |store| run(store, checker)).map(Checker::finish)
}

/// A checker for `tenant` with its checkpoints opened.
pub(crate) fn start(
    tenant: &str,
    checkpoints: &[String],
    public_keys: &[String],
) -> Result<Checker> {
    fields::tenant(tenant)?;
    let mut checker = Checker::new(tenant);
    open_checkpoints(&mut checker, tenant, checkpoints, public_keys)?;
    Ok(checker)
}

/// One range of a tenant's chain, `after` < seq <= `through` (`None`: to
/// the end, the store's head checked): its report, and its first event's
/// `prev_hash` when the range starts inside the log (see the WIT's
/// `verify-range` for how a host puts ranges together).
pub fn verify_range(
    store: &mut impl Store,
    tenant: &str,
    after: u64,
    through: Option<u64>,
) -> Result<(Report, Option<String>)> {
    fields::tenant(tenant)?;
    if let Some(through) = through
        && through < after
    {
        return Err(Error::invalid("through_seq", "is below after_seq"));
    }
    let mut checker = Checker::new(tenant);
    if after > 0 {
        checker = checker.inside();
    }
    let checker = in_one_read(store, |store| {
        let checker = scan_rows(store, checker, (after > 0).then_some(after), through)?;
        Ok(match through {
            Some(_) => checker,
            None => check_head(store, checker)?,
        })
    })?;
    let start = checker.start_prev_hash().map(str::to_string);
    Ok((checker.finish(), start))
}

/// Feeds every row of the checker's tenant, in batches, then the head.
pub(crate) fn run(store: &mut impl Store, checker: Checker) -> Result<Checker> {
    let checker = scan_rows(store, checker, None, None)?;
    check_head(store, checker)
}

fn check_head(store: &mut impl Store, mut checker: Checker) -> Result<Checker> {
    let head = store.head(checker.tenant()).map_err(store_error)?;
    checker.check_head(head);
    Ok(checker)
}

/// Feeds the rows of the checker's tenant after `after` and through
/// `through`, in batches.
fn scan_rows(
    store: &mut impl Store,
    mut checker: Checker,
    mut after: Option<u64>,
    through: Option<u64>,
) -> Result<Checker> {
    let tenant = checker.tenant().to_string();
    let before = through.map(|t| t.saturating_add(1));
    loop {
        let rows = store
            .scan(&ScanRequest {
                tenant: tenant.clone(),
                after_seq: after,
                before_seq: before,
                limit: BATCH,
                ..ScanRequest::default()
            })
            .map_err(store_error)?;
        for row in &rows {
            checker.push_row(row, store)?;
        }
        match rows.last() {
            Some(last) if rows.len() == BATCH as usize => after = Some(last.seq),
            _ => break,
        }
    }
    Ok(checker)
}

/// Runs `f` inside one read of the store ([`Store::begin_read`]): every row
/// and the head it sees are of one moment, so a log appended to meanwhile
/// is never reported as truncated. The read ends whatever `f` returns.
pub(crate) fn in_one_read<S: Store, T>(
    store: &mut S,
    f: impl FnOnce(&mut S) -> Result<T>,
) -> Result<T> {
    store.begin_read().map_err(store_error)?;
    let result = f(store);
    store.end_read();
    result
}
