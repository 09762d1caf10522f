//! `audit-bench`: the benchmark suite's command. See `BENCHMARKS.md`.

use anyhow::{Result, bail};
use audit_bench::{Config, Mode, Path, report};
use clap::Parser;
use std::path::PathBuf;

/// Measures every hot path of the audit log three ways in one run (the
/// component through wasmtime, the same engine natively, the tool a host
/// would use instead) and prints the ratios.
#[derive(Parser, Debug)]
#[command(name = "audit-bench", version)]
struct Args {
    /// About a minute: smaller sizes, fewer repetitions (the default).
    #[arg(long, conflicts_with = "full")]
    quick: bool,
    /// The full sizes: logs of 10 thousand, 100 thousand and a million
    /// events (generated once into the data directory, a few minutes).
    #[arg(long)]
    full: bool,
    /// Only these hot paths, comma-separated: append, diff, query, export,
    /// verify, boundary, serve, polyglot, postgres.
    #[arg(long, value_delimiter = ',', value_name = "PATHS")]
    only: Vec<String>,
    /// Print the results as the Markdown tables of BENCHMARKS.md instead of
    /// plain tables.
    #[arg(long, conflicts_with = "json")]
    markdown: bool,
    /// Print the results as one JSON document (every row's columns, units
    /// and ratios, and the run's mode and machine), for scripts comparing
    /// runs.
    #[arg(long)]
    json: bool,
    /// Measure this build of the component (a `.wasm` file) instead of the
    /// embedded one, e.g. to compare a change before and after.
    #[arg(long, value_name = "FILE")]
    component: Option<PathBuf>,
    /// Where generated logs are kept between runs.
    #[arg(long, value_name = "DIR", default_value_os_t = Config::default_data_dir())]
    data_dir: PathBuf,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("audit-bench: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let argv: Vec<String> = std::env::args().collect();
    // Measurements made in a fresh process: this binary again.
    if argv.get(1).map(String::as_str) == Some("--child") {
        return match argv.get(2).map(String::as_str) {
            Some("export") => audit_bench::export::child_main(&argv[3..]),
            Some("start") => audit_bench::boundary::child_main(&argv[3..]),
            other => bail!("unknown child {other:?}"),
        };
    }
    let args = Args::parse();
    let mode_name = if args.full { "full" } else { "quick" };
    let mut config = Config::new(
        if args.full { Mode::Full } else { Mode::Quick },
        args.data_dir,
    );
    config.component = args.component;
    config.only = args
        .only
        .iter()
        .map(|p| Path::parse(p))
        .collect::<Result<_>>()?;
    let exe = std::env::current_exe()?;
    let context = run_context(mode_name, &config);
    let sections = audit_bench::run(&config, &exe)?;
    if args.json {
        print!("{}", report::json(&sections, context));
    } else if args.markdown {
        print!("{}", report::markdown(&sections));
    } else {
        print!("{}", report::text(&sections));
    }
    Ok(())
}

/// What a JSON report says about its run, so that two documents can be told
/// apart and compared fairly.
fn run_context(mode: &str, config: &Config) -> serde_json::Value {
    let load = std::fs::read_to_string("/proc/loadavg").ok().and_then(|l| {
        l.split_whitespace()
            .next()
            .and_then(|v| v.parse::<f64>().ok())
    });
    serde_json::json!({
        "mode": mode,
        "paths": config.paths().iter().map(|p| p.name()).collect::<Vec<_>>(),
        "component": config.component.as_ref().map(|p| p.display().to_string()),
        "started_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "cpus": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "load_average_1m": load,
        "audit_bench": env!("CARGO_PKG_VERSION"),
    })
}
