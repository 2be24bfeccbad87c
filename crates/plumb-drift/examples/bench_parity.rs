//! Times `plumb parity`'s two stages over three states: reading them (`plumb-state`, in
//! parallel as the command does) and comparing them (`plumb_drift::parity`), against
//! `serde_json` merely validating the same bytes. Prints the figures; `scripts/bench-parity.sh`
//! runs it.
//!
//! `cargo run --release -p plumb-drift --example bench_parity -- DEV PROD STAGING`

use std::time::Instant;

use plumb_drift::Policy;
use plumb_drift::parity::{ParityInput, environment_from_states, mark_sensitive, parity};
use serde::de::IgnoredAny;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.len() < 2 {
        return Err("usage: bench_parity STATE STATE [STATE...]".into());
    }
    let schemas = plumb_schema::shipped();
    let bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()))
        .sum::<Result<u64, _>>()?;

    let start = Instant::now();
    for path in &paths {
        let _: IgnoredAny = serde_json::from_slice(&std::fs::read(path)?)?;
    }
    let validate = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let mut no_stdin = std::io::empty();
    let states = plumb_state::load_states(&paths, &schemas, &mut no_stdin)?;
    let mut environments: Vec<_> = paths
        .iter()
        .zip(states)
        .map(|(path, state)| {
            let name = std::path::Path::new(path)
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            environment_from_states(&name, std::iter::once(state))
        })
        .collect();
    let read = start.elapsed().as_secs_f64();

    let start = Instant::now();
    mark_sensitive(&mut environments, &Policy::default(), &schemas);
    let output = parity(&ParityInput {
        environments: &environments,
        schemas: &schemas,
        policy: &Policy::default(),
    });
    let compare = start.elapsed().as_secs_f64();

    let resources: usize = environments.iter().map(|e| e.resources.len()).sum();
    let s = &output.summary;
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1e6;
    println!(
        "{} states, {resources} resource instances, {mb:.1} MB",
        paths.len()
    );
    println!("serde_json validation of the states: {validate:.2} s");
    println!("read the states (plumb-state):       {read:.2} s");
    println!("compare them (parity):               {compare:.2} s");
    println!(
        "findings: {} differing attributes, {} absent ({} critical, {} high, {} medium, {} low); {} expected differences; {} addresses, {} equal",
        s.differs,
        s.absent,
        s.by_severity.critical,
        s.by_severity.high,
        s.by_severity.medium,
        s.by_severity.low,
        s.expected,
        s.resources,
        s.equal
    );
    Ok(())
}
