//! What the shipped schema costs: the first lookup (inflate and index), one type more, every
//! type parsed, and the resident memory each step adds. `scripts/bench-schema.sh` runs it in a
//! release build; the figures go into `provider-schemas/README.md`.

use std::time::Instant;

/// Resident set size in KiB, from `/proc/self/status` (0 where there is none).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let schemas = plumb_schema::shipped();
    let rss0 = rss_kib();
    let start = Instant::now();
    let first = schemas.resource("aws_instance").is_some();
    let first_lookup = start.elapsed();
    let rss1 = rss_kib();
    let start = Instant::now();
    let second = schemas.resource("aws_sqs_queue").is_some();
    let one_more = start.elapsed();
    let names: Vec<&str> = plumb_schema::shipped_types().collect();
    let start = Instant::now();
    let parsed = names
        .iter()
        .filter(|n| schemas.resource(n).is_some())
        .count();
    let all = start.elapsed();
    let rss2 = rss_kib();
    assert!(first && second && parsed == names.len());
    println!(
        "first lookup (inflate, index, parse aws_instance): {:.2} ms, +{} KiB resident",
        first_lookup.as_secs_f64() * 1e3,
        rss1.saturating_sub(rss0)
    );
    println!(
        "one more type (aws_sqs_queue): {:.3} ms",
        one_more.as_secs_f64() * 1e3
    );
    println!(
        "all {} types parsed: {:.1} ms, +{} KiB resident in all",
        names.len(),
        all.as_secs_f64() * 1e3,
        rss2.saturating_sub(rss0)
    );
}
