//! Writes the live side of the offline-scan benchmark: a plumb snapshot that matches a state
//! written by `plumb-state`'s `gen_state` example, with 1% of the resources drifted and a share
//! of the rest differing only by noise the normalizers must suppress.
//!
//! ```text
//! cargo run --release -p plumb-state --example gen_state -- --instances 70000 S.tfstate
//! cargo run --release -p plumb-drift --example gen_scan -- S.tfstate L.json
//! ```
//!
//! The state is left as `gen_state` wrote it: every drift is on the live side, so the pair stays
//! deterministic as long as both generators are. Of the managed instance objects:
//! - 0.2% are missing (left out of the snapshot);
//! - 0.6% are changed: instance type, `IMDSv2` turned off or on, a security group added to
//!   `vpc_security_group_ids` (a set element), an ingress rule open to the world (a set element
//!   of objects), a rule removed, a volume resized or unencrypted, public IPs on launch, a tag;
//! - 0.2% gain an unmanaged twin (a copy under a new id and Name);
//! - 25% carry noise only: set order reversed, `""`/`[]` written as null, null as `{}`.
//!
//! The snapshot says it scanned every type the state holds. Tainted objects are left out: the next apply replaces them, and the engine reports them as
//! tainted without claiming a live object.

use std::fmt::Write as _;
use std::io::Write;

use serde_json::{Map, Value as Json, json};

const AWS_PROVIDER: &str = "registry.terraform.io/hashicorp/aws";
const REGION: &str = "us-east-1";

/// xorshift64*, as in `gen_state`: deterministic across runs and platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(len);
        s
    }
}

#[derive(Default)]
struct Counts {
    objects: u64,
    in_snapshot: u64,
    missing: u64,
    changed: u64,
    unmanaged: u64,
    noisy: u64,
    tainted: u64,
}

/// Rewrites `attrs` so that it differs from state only in form: every change here is one the
/// normalizers judge to be noise.
fn add_noise(r#type: &str, attrs: &mut Map<String, Json>) {
    let reverse = |attrs: &mut Map<String, Json>, key: &str| {
        if let Some(Json::Array(items)) = attrs.get_mut(key) {
            items.reverse();
        }
    };
    let to_null = |attrs: &mut Map<String, Json>, key: &str| {
        if let Some(v) = attrs.get_mut(key) {
            *v = Json::Null;
        }
    };
    match r#type {
        "aws_instance" => {
            reverse(attrs, "vpc_security_group_ids");
            to_null(attrs, "ebs_block_device");
            to_null(attrs, "host_id");
            attrs.insert("volume_tags".to_owned(), json!({}));
        }
        "aws_security_group" => {
            reverse(attrs, "ingress");
            to_null(attrs, "name_prefix");
        }
        "aws_ebs_volume" => {
            to_null(attrs, "snapshot_id");
            to_null(attrs, "outpost_arn");
        }
        "aws_security_group_rule" => {
            to_null(attrs, "ipv6_cidr_blocks");
            to_null(attrs, "prefix_list_ids");
        }
        "aws_route" => {
            to_null(attrs, "gateway_id");
            to_null(attrs, "carrier_gateway_id");
        }
        "aws_route_table_association" => to_null(attrs, "gateway_id"),
        "aws_eip" => to_null(attrs, "customer_owned_ipv4_pool"),
        _ => {
            to_null(attrs, "ipv6_cidr_block");
            to_null(attrs, "customer_owned_ipv4_pool");
        }
    }
}

/// Makes one real change to `attrs`, chosen by `pick`.
fn add_drift(r#type: &str, attrs: &mut Map<String, Json>, pick: u64, rng: &mut Rng) {
    let set = |attrs: &mut Map<String, Json>, key: &str, value: Json| {
        attrs.insert(key.to_owned(), value);
    };
    match (r#type, pick % 3) {
        ("aws_instance", 0) => set(attrs, "instance_type", json!("m5.4xlarge")),
        ("aws_instance", 1) => {
            if let Some(Json::Array(ids)) = attrs.get_mut("vpc_security_group_ids") {
                ids.push(json!(format!("sg-0{}", rng.hex(16))));
            }
        }
        ("aws_instance", _) => {
            if let Some(options) = attrs
                .get_mut("metadata_options")
                .and_then(|m| m.get_mut(0))
                .and_then(Json::as_object_mut)
            {
                let flipped = match options.get("http_tokens").and_then(Json::as_str) {
                    Some("required") => "optional",
                    _ => "required",
                };
                options.insert("http_tokens".to_owned(), json!(flipped));
            }
        }
        ("aws_security_group", 0 | 1) => {
            if let Some(Json::Array(rules)) = attrs.get_mut("ingress") {
                if pick.is_multiple_of(3) || rules.len() < 2 {
                    rules.push(json!({
                        "cidr_blocks": ["0.0.0.0/0"], "description": "debug", "from_port": 22,
                        "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
                        "security_groups": [], "self": false, "to_port": 22,
                    }));
                } else {
                    rules.pop();
                }
            }
        }
        ("aws_ebs_volume", 0) => set(attrs, "encrypted", json!(false)),
        ("aws_ebs_volume", _) => set(attrs, "size", json!(500)),
        ("aws_subnet", 0) => set(attrs, "map_public_ip_on_launch", json!(true)),
        ("aws_security_group_rule" | "aws_vpc_security_group_ingress_rule", _) => {
            set(attrs, "description", json!("changed by hand"));
        }
        ("aws_route", _) => set(
            attrs,
            "nat_gateway_id",
            json!(format!("nat-0{}", rng.hex(16))),
        ),
        ("aws_route_table_association", _) => {
            set(
                attrs,
                "route_table_id",
                json!(format!("rtb-0{}", rng.hex(16))),
            );
        }
        _ => {
            for key in ["tags", "tags_all"] {
                if let Some(tags) = attrs.get_mut(key).and_then(Json::as_object_mut) {
                    tags.insert("CostCenter".to_owned(), json!("cc-drifted"));
                }
            }
        }
    }
}

/// An unmanaged twin of `attrs`: the same settings under a new id and Name (and, for the types
/// matched on their settings rather than their id, a new CIDR).
fn twin(r#type: &str, attrs: &Map<String, Json>, rng: &mut Rng) -> (String, Map<String, Json>) {
    let prefix = match r#type {
        "aws_instance" => "i",
        "aws_security_group" => "sg",
        "aws_ebs_volume" => "vol",
        "aws_security_group_rule" => "sgrule",
        "aws_route" => "r-rtb",
        "aws_route_table_association" => "rtbassoc",
        "aws_eip" => "eipalloc",
        "aws_vpc_security_group_ingress_rule" => "sgr",
        _ => "subnet",
    };
    let id = format!("{prefix}-0{}", rng.hex(16));
    let mut attrs = attrs.clone();
    attrs.insert("id".to_owned(), json!(id));
    let cidr = format!("172.16.{}.0/24", rng.below(256));
    match r#type {
        "aws_security_group_rule" => {
            attrs.insert("cidr_blocks".to_owned(), json!([cidr]));
        }
        "aws_route" => {
            attrs.insert("destination_cidr_block".to_owned(), json!(cidr));
        }
        _ => {}
    }
    for key in ["tags", "tags_all"] {
        if let Some(tags) = attrs.get_mut(key).and_then(Json::as_object_mut) {
            tags.insert("Name".to_owned(), json!(format!("hand-made-{id}")));
        }
    }
    (id, attrs)
}

fn observation(r#type: &str, id: &str, attributes: Map<String, Json>) -> Json {
    let mut o = Map::new();
    o.insert("provider".to_owned(), json!(AWS_PROVIDER));
    o.insert("region".to_owned(), json!(REGION));
    o.insert("type".to_owned(), json!(r#type));
    o.insert("id".to_owned(), json!(id));
    o.insert("attributes".to_owned(), Json::Object(attributes));
    Json::Object(o)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [state_path, out] = args.as_slice() else {
        return Err("usage: gen_scan STATE.tfstate OUT.json (the state from gen_state)".into());
    };
    let state: Json = serde_json::from_slice(&std::fs::read(state_path)?)?;
    let resources = state
        .get("resources")
        .and_then(Json::as_array)
        .ok_or_else(|| format!("{state_path}: no `resources` array"))?;
    let mut rng = Rng(0x5EED_0F5C_A4D2_1F00);
    let mut counts = Counts::default();
    let mut live = Vec::new();
    let mut types = std::collections::BTreeSet::new();
    for resource in resources {
        if resource.get("mode").and_then(Json::as_str) != Some("managed") {
            continue;
        }
        let Some(r#type) = resource.get("type").and_then(Json::as_str) else {
            continue;
        };
        types.insert(r#type);
        let objects = resource.get("instances").and_then(Json::as_array);
        for object in objects.into_iter().flatten() {
            counts.objects += 1;
            if object.get("status").and_then(Json::as_str) == Some("tainted") {
                counts.tainted += 1;
                continue;
            }
            let Some(mut attrs) = object.get("attributes").and_then(Json::as_object).cloned()
            else {
                continue;
            };
            attrs.remove("timeouts");
            let Some(id) = attrs.get("id").and_then(Json::as_str).map(str::to_owned) else {
                continue;
            };
            let roll = rng.below(1000);
            if roll < 2 {
                counts.missing += 1;
                continue;
            }
            if roll < 4 {
                let (twin_id, twin_attrs) = twin(r#type, &attrs, &mut rng);
                live.push(observation(r#type, &twin_id, twin_attrs));
                counts.unmanaged += 1;
            } else if roll < 10 {
                add_drift(r#type, &mut attrs, rng.next(), &mut rng);
                counts.changed += 1;
            } else if roll < 260 {
                add_noise(r#type, &mut attrs);
                counts.noisy += 1;
            }
            live.push(observation(r#type, &id, attrs));
            counts.in_snapshot += 1;
        }
    }
    let snapshot = json!({
        "format_version": "1",
        "scanned": {"regions": [REGION], "types": types},
        "resources": live,
    });
    let mut writer = std::io::BufWriter::new(std::fs::File::create(out)?);
    serde_json::to_writer_pretty(&mut writer, &snapshot)?;
    writer.write_all(b"\n")?;
    writer.flush()?;
    let Counts {
        objects,
        in_snapshot,
        missing,
        changed,
        unmanaged,
        noisy,
        tainted,
    } = counts;
    eprintln!(
        "wrote {out}: {in_snapshot} of {objects} state objects live ({missing} missing, {changed} changed, {unmanaged} with an unmanaged twin, {noisy} with noise only, {tainted} tainted left out)"
    );
    Ok(())
}
