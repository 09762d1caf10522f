//! `audit-host keygen`: a new Ed25519 key pair for signing checkpoints.

use super::global::Global;
use anyhow::{Context as _, Result};
use audit_host::SigningKey;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the private key (PKCS#8 PEM, readable by its owner
    /// only). Keep it off the machine that holds the store if you can.
    #[arg(long, default_value = "audit-signing.key", value_name = "FILE")]
    private_key: PathBuf,

    /// Where to write the public key (SPKI PEM), for whoever verifies.
    #[arg(long, default_value = "audit-signing.pub", value_name = "FILE")]
    public_key: PathBuf,
}

pub fn run(_cli: &Global, args: &Args) -> Result<ExitCode> {
    let key = SigningKey::generate()?;
    write_new(&args.private_key, &key.to_pem()?, true)
        .with_context(|| format!("--private-key {}", args.private_key.display()))?;
    write_new(&args.public_key, &key.public_key_pem()?, false)
        .with_context(|| format!("--public-key {}", args.public_key.display()))?;
    println!(
        "wrote the private key to {} and the public key to {}",
        args.private_key.display(),
        args.public_key.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a file that must not exist yet (a key is never overwritten).
fn write_new(path: &Path, text: &str, private: bool) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options
        .open(path)
        .context("creating (it must not exist yet)")?;
    file.write_all(text.as_bytes()).context("writing")?;
    file.sync_all().context("writing")?;
    Ok(())
}
