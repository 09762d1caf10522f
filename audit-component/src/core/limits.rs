//! Size limits, checked before any heavy work (parsing a state document,
//! diffing, hashing, storing). Each is documented in the README.

/// Tenant and action names, in bytes.
pub const MAX_NAME_BYTES: usize = 128;
/// Identifiers (actor id, target id, session and request ids), in bytes.
pub const MAX_ID_BYTES: usize = 1024;
/// Any other string field (names, e-mail, user agent, failure reason), in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Each of `before` and `after`, as JSON text, in bytes.
pub const MAX_STATE_BYTES: usize = 1024 * 1024;
/// `metadata`, as JSON text, in bytes.
pub const MAX_METADATA_BYTES: usize = 64 * 1024;
/// Targets per event.
pub const MAX_TARGETS: usize = 64;
/// Events per `append-batch` call.
pub const MAX_BATCH_EVENTS: usize = 10_000;
/// Text given to `parse-inputs`, in bytes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Nesting of a JSON document, in levels of arrays and objects: serde_json's
/// own recursion limit (it refuses the 128th level), which also bounds every
/// recursive walk over a parsed document (canonical form, diff, drop).
pub const MAX_JSON_DEPTH: usize = 127;
/// Events per page of a read.
pub const MAX_PAGE_EVENTS: u32 = 1000;
/// Operations one subtree of a diff may produce before it collapses into one
/// `replace` marked `collapsed`.
pub const MAX_DIFF_OPS: usize = 1000;
/// Bytes of RFC 6902 patch one subtree of a diff may produce before it
/// collapses (when the collapsed `replace` is shorter).
pub const MAX_DIFF_BYTES: usize = 256 * 1024;
/// Units of work of one diff (nodes compared, steps of the array search):
/// a count, not a time, so that every host computes the same diff.
pub const MAX_DIFF_WORK: u64 = 20_000_000;
