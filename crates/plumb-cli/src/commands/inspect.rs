//! `plumb inspect`: show what was read, before anything is compared.

use anyhow::Result;
use plumb_report::inspect::Inspection;

use crate::cli::InspectArgs;
use crate::formats::{self, Report};
use crate::{exit, inputs, output};

pub fn run(args: &InspectArgs) -> Result<u8> {
    let targets = output::targets(&formats::INSPECT, args.output.format, &args.output.output)?;
    let (config_dir, state_paths) = inputs::resolve(&args.inputs)?;
    let schemas = inputs::schemas(&args.inputs.schema)?;
    let states = inputs::states(&state_paths, &schemas)?;
    let config = config_dir
        .map(|dir| inputs::config(&dir, &args.inputs))
        .transpose()?;
    let inspection = Inspection {
        states: &states,
        config: config.as_ref(),
    };
    output::emit(&targets, &Report::Inspect(&inspection))?;
    Ok(exit::OK)
}
