use audit_bench::native_store::Stepping;
fn main() {
    let n = 10_000;
    let inputs = audit_bench::data::Generator::new("acme", n).inputs(n);
    let mut store = audit_component::store::MemoryStore::default();
    let mut clock = Stepping::parse("2027-01-01T00:00:00Z").unwrap();
    let t = std::time::Instant::now();
    let mut events = Vec::new();
    for c in inputs.chunks(500) {
        events.extend(
            audit_component::append::append_batch(&mut store, &mut clock, c.to_vec()).unwrap(),
        );
    }
    let total = t.elapsed();
    let t = std::time::Instant::now();
    let mut len = 0;
    for e in &events {
        len += audit_component::append::body(e).unwrap().len();
    }
    let body = t.elapsed();
    let t = std::time::Instant::now();
    for e in &events {
        std::hint::black_box(audit_component::chain::hash(
            &audit_component::append::body(e).unwrap(),
        ));
    }
    let bh = t.elapsed();
    println!(
        "append {:?}, body {:?} ({:.0}%), body+hash {:?}, avg body {}",
        total,
        body,
        100.0 * body.as_secs_f64() / total.as_secs_f64(),
        bh,
        len / n
    );
}
