//! The files and standard input a command reads, never past a limit: a
//! file is read through `take(limit + 1)`, so `--component /dev/zero` or a
//! 2 GB checkpoint is refused after the limit, not after filling memory.

use anyhow::{Context as _, Result, bail};
use std::io::Read;
use std::path::Path;

/// A key file (PEM, or 64 hex digits): far more than any key needs.
pub const KEY_BYTES: u64 = 64 * 1024;
/// One signed checkpoint document.
pub const CHECKPOINT_BYTES: u64 = 1024 * 1024;
/// A build of the component (today's is about 1.5 MB).
pub const COMPONENT_BYTES: u64 = 256 * 1024 * 1024;
/// An export verified offline in one call.
pub const EXPORT_BYTES: u64 = 256 * 1024 * 1024;

/// The bytes of `path` (`-`: standard input), refused past `limit`, with
/// errors naming `flag`.
pub fn bytes(flag: &str, path: &Path, limit: u64) -> Result<Vec<u8>> {
    let shown = path.display();
    let mut out = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut out)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut out))
    };
    read.with_context(|| format!("{flag} {shown}: reading"))?;
    if out.len() as u64 > limit {
        bail!("{flag} {shown}: over the limit of {limit} bytes");
    }
    Ok(out)
}

/// The UTF-8 text of `path` (`-`: standard input), refused past `limit` or
/// when it is not UTF-8.
pub fn text(flag: &str, path: &Path, limit: u64) -> Result<String> {
    let bytes = bytes(flag, path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{flag} {}: not UTF-8 text (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Every file's text, each under `limit`.
pub fn texts(flag: &str, paths: &[impl AsRef<Path>], limit: u64) -> Result<Vec<String>> {
    paths
        .iter()
        .map(|p| text(flag, p.as_ref(), limit))
        .collect()
}
