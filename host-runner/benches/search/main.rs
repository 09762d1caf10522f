//! Search and export at scale (placeholder while the dataset is built).
mod dataset;
fn main() {
    let events = std::env::args()
        .skip_while(|a| a != "--events")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000usize);
    let path = dataset::open(events);
    println!("{}", path.display());
}
