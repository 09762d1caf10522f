//! `audit-host keygen`: a new Ed25519 key pair for signing checkpoints.

use super::global::Global;
use super::output;
use anyhow::Result;
use audit_host::SigningKey;
use std::path::PathBuf;
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

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let key = SigningKey::generate()?;
    // Both files appear together or not at all, and never over a file.
    output::create_pair(
        (
            "--private-key",
            &args.private_key,
            key.to_pem()?.as_bytes(),
            true,
        ),
        (
            "--public-key",
            &args.public_key,
            key.public_key_pem()?.as_bytes(),
            false,
        ),
        &cli.protected(),
    )?;
    println!(
        "wrote the private key to {} and the public key to {}",
        args.private_key.display(),
        args.public_key.display()
    );
    Ok(ExitCode::SUCCESS)
}
