//! Timing helpers: medians of repeated runs, with the columns' runs
//! interleaved so that a busy spell of a shared machine hits them alike.

use std::time::{Duration, Instant};

/// The median of a list of durations, in seconds.
pub fn median(samples: &[Duration]) -> f64 {
    let mut v = samples.to_vec();
    v.sort();
    v.get(v.len() / 2).map_or(0.0, Duration::as_secs_f64)
}

/// Times `f`.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Seconds per call of `op`: after `per_sample` warm-up calls, the median
/// of `samples` samples of `per_sample` calls each.
pub fn per_call(
    samples: usize,
    per_sample: usize,
    mut op: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<f64> {
    let per_sample = per_sample.max(1);
    for _ in 0..per_sample {
        op()?;
    }
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let start = Instant::now();
        for _ in 0..per_sample {
            op()?;
        }
        times.push(start.elapsed() / per_sample as u32);
    }
    Ok(median(&times))
}
