//! Builds the audit component for `wasm32-wasip2` with a nested cargo, as
//! wasmtime's and Spin's test-program build scripts do, and hands its path to
//! the host crate as `AUDIT_COMPONENT_WASM` (the binary embeds it). The same
//! build makes the misbehaving test fixture (`tests/fixture-component`),
//! handed to the end-to-end tests as `AUDIT_FIXTURE_WASM`.
//!
//! The nested build gets its own target directory (`target/component`): the
//! outer cargo holds the lock on its own profile directory. It always builds
//! in release mode with LTO, so `cargo test` and `cargo run` embed the same,
//! fast component whatever their own profile.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host-runner sits in the workspace")
        .to_path_buf();
    for watched in [
        "wit",
        "audit-component/src",
        "audit-component/Cargo.toml",
        "tests/fixture-component/src",
        "tests/fixture-component/Cargo.toml",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=AUDIT_COMPONENT_PROFILE");

    check_target_installed();

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target_dir = component_target_dir(&out_dir);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            "audit-component",
            "-p",
            "audit-fixture",
            "--target",
            TARGET,
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        // The component's own release settings: smaller and faster code, no
        // debug info (names stay, for readable traps).
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "debuginfo")
        // Flags meant for the host (coverage, sanitizers, target-cpu) must
        // not leak into the wasm build.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        // 128-bit SIMD (fixed-width, deterministic; not relaxed SIMD), which
        // wasmtime supports by default: memchr's searches and byte loops
        // (the search filters' scans of stored rows) use it.
        .env(
            "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS",
            "-Ctarget-feature=+simd128",
        );
    if env::var_os("CARGO_NET_OFFLINE").is_some() {
        cmd.arg("--offline");
    }
    let status = cmd
        .status()
        .expect("running the nested cargo build of audit-component");
    if !status.success() {
        panic!("building audit-component for {TARGET} failed (see the errors above)");
    }
    for (file, var) in [
        ("audit_component.wasm", "AUDIT_COMPONENT_WASM"),
        ("audit_fixture.wasm", "AUDIT_FIXTURE_WASM"),
    ] {
        let wasm = target_dir.join(TARGET).join("release").join(file);
        assert!(
            wasm.exists(),
            "the nested build did not produce {}",
            wasm.display()
        );
        println!("cargo:rustc-env={var}={}", wasm.display());
    }
}

/// `target/component` next to the outer build's profile directories, so that
/// every profile shares one component build; `OUT_DIR` is
/// `target/<profile>/build/<pkg>-<hash>/out` (or one level deeper with
/// `--target`).
fn component_target_dir(out_dir: &Path) -> PathBuf {
    let build = out_dir
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"));
    match build.and_then(Path::parent).and_then(Path::parent) {
        Some(target) => {
            let target = if target
                .file_name()
                .is_some_and(|n| n == env::var("TARGET").unwrap_or_default().as_str())
            {
                target.parent().unwrap_or(target)
            } else {
                target
            };
            target.join("component")
        }
        None => out_dir.join("component"),
    }
}

/// Fails early, with the command that fixes it, when rustup has not
/// installed the wasm target for this toolchain.
fn check_target_installed() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = Command::new(rustc).args(["--print", "sysroot"]).output();
    let installed = match sysroot {
        Ok(out) if out.status.success() => {
            let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Path::new(&root).join("lib/rustlib").join(TARGET).exists()
        }
        _ => true, // cannot tell; let the nested build report
    };
    if !installed {
        panic!(
            "the {TARGET} target is not installed for this toolchain; run `rustup target add {TARGET}` (the README's commands do this)"
        );
    }
}
