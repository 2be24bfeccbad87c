//! Measures `read_state` against merely validating the same bytes with `serde_json`
//! (`IgnoredAny`), the floor any JSON reader has to pay.
//!
//! `cargo run --release -p plumb-state --example bench_read -- FILE [SCHEMA.json]`
//!
//! With `--validate-only FILE`, it reads the file and validates it once, nothing else: the
//! baseline process that `scripts/bench-parse.sh` times beside `plumb inspect`.

use std::time::Instant;

use plumb_schema::ProviderSchemas;
use serde::de::IgnoredAny;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--validate-only") {
        let path = args
            .nth(1)
            .ok_or("usage: bench_read --validate-only FILE")?;
        let bytes = std::fs::read(&path)?;
        let _: IgnoredAny = serde_json::from_slice(&bytes)?;
        return Ok(());
    }
    let path = args
        .next()
        .ok_or("usage: bench_read [--validate-only] FILE [SCHEMA.json]")?;
    let schemas = match args.next() {
        Some(schema) => ProviderSchemas::load(std::path::Path::new(&schema))?,
        None => ProviderSchemas::default(),
    };
    let bytes = std::fs::read(&path)?;
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes.len() as f64 / 1e6;
    let mut best_ignore = f64::MAX;
    let mut best_read = f64::MAX;
    let mut objects = 0;
    for _ in 0..7 {
        let start = Instant::now();
        let _: IgnoredAny = serde_json::from_slice(&bytes)?;
        best_ignore = best_ignore.min(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let doc = plumb_state::read_state(&bytes, &path, "default", &schemas)?;
        best_read = best_read.min(start.elapsed().as_secs_f64());
        objects = doc.resources.len();
        drop(doc);
    }
    println!(
        "{path}: {mb:.1} MB, {objects} instance objects\n  IgnoredAny: {best_ignore:.3} s ({:.0} MB/s)\n  read_state: {best_read:.3} s ({:.0} MB/s)\n  ratio: {:.2}x",
        mb / best_ignore,
        mb / best_read,
        best_read / best_ignore
    );
    Ok(())
}
