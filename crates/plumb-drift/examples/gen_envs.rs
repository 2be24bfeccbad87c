//! Derives three environments from one generated state (`plumb-state`'s `gen_state`), for the
//! parity benchmark: each environment's objects get their own ids, ARNs and `Environment` tag
//! (differences parity expects), and staging and prod a few chosen ones it must report: 1% of
//! instances of another instance family, 0.5% with `IMDSv2` off, 0.5% of resources absent.
//!
//! `cargo run --release -p plumb-drift --example gen_envs -- STATE.tfstate OUT_DIR`

use std::path::Path;

use serde_json::Value as Json;

/// xorshift64*: deterministic across runs and platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn per_mille(&mut self) -> u64 {
        self.next() % 1000
    }
}

/// Gives the object of `env` its own ids and ARNs: every string under an `id`/`arn`/`*_id`
/// name gets the environment's suffix.
fn own_identity(value: &mut Json, name: &str, env: &str) {
    match value {
        Json::String(s) if name == "id" || name == "arn" || name.ends_with("_id") => {
            s.push('-');
            s.push_str(env);
        }
        Json::Array(items) => items.iter_mut().for_each(|v| own_identity(v, name, env)),
        Json::Object(map) => {
            for (key, v) in map.iter_mut() {
                own_identity(v, key, env);
            }
        }
        _ => {}
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: gen_envs STATE.tfstate OUT_DIR".into());
    };
    let base: Json = serde_json::from_slice(&std::fs::read(&input)?)?;
    std::fs::create_dir_all(&out)?;
    let mut chosen = [0usize; 3];
    for (n, env) in ["dev", "staging", "prod"].iter().enumerate() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1));
        let mut state = base.clone();
        let resources = state["resources"]
            .as_array_mut()
            .ok_or("the state has no resources")?;
        for resource in resources.iter_mut() {
            let is_instance = resource["type"] == "aws_instance";
            let Some(instances) = resource["instances"].as_array_mut() else {
                continue;
            };
            instances.retain_mut(|instance| {
                let attributes = &mut instance["attributes"];
                own_identity(attributes, "", env);
                for tags in ["tags", "tags_all"] {
                    if attributes[tags].is_object() {
                        attributes[tags]["Environment"] = Json::from(*env);
                    }
                }
                if n == 0 {
                    return true;
                }
                let roll = rng.per_mille();
                if roll < 5 {
                    chosen[2] += 1;
                    return false;
                }
                if is_instance && roll < 15 {
                    chosen[0] += 1;
                    attributes["instance_type"] = Json::from("r7g.large");
                } else if is_instance && roll < 20 {
                    chosen[1] += 1;
                    attributes["metadata_options"][0]["http_tokens"] = Json::from("optional");
                }
                true
            });
        }
        let path = Path::new(&out).join(format!("{env}.tfstate"));
        std::fs::write(&path, serde_json::to_vec_pretty(&state)?)?;
        println!("{}", path.display());
    }
    eprintln!(
        "chosen differences: {} instance families, {} IMDSv2 off, {} absent",
        chosen[0], chosen[1], chosen[2]
    );
    Ok(())
}
