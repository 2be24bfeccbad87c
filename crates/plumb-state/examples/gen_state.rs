//! Writes a large, realistic tfstate v4 for benchmarks: a deterministic mix of `aws_instance`,
//! `aws_security_group` (with ingress rules), `aws_ebs_volume` and `aws_subnet`, spread over the
//! root module and keyed child modules, with `count` and `for_each` instances, tags, nested
//! blocks, dependencies and private blobs, pretty-printed as Terraform writes it.
//!
//! With `--small`, it writes the other shape real states take: many small resources, one instance
//! object each (security group rules, routes, route table associations, EIPs, VPC ingress rules),
//! where what costs memory is the per-resource overhead rather than the attribute values.
//!
//! `cargo run --release -p plumb-state --example gen_state -- [--small] --instances 50000 OUT.tfstate`

#![recursion_limit = "512"]

use std::fmt::Write as _;
use std::io::Write;

use serde_json::{Value as Json, json};

/// xorshift64*: deterministic across runs and platforms, no dependency.
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
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

/// Builds one instance's attributes and its `sensitive_attributes`.
type Builder = fn(&mut Rng, &str) -> (Json, Json);

const AZS: &[&str] = &["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];
const TYPES: &[&str] = &["t3.micro", "t3.small", "t3.large", "m5.large", "c6i.xlarge"];
const TEAMS: &[&str] = &["payments", "search", "platform", "data", "edge"];

fn tags(rng: &mut Rng, name: &str) -> Json {
    json!({
        "Name": name,
        "Team": rng.pick(TEAMS),
        "Environment": rng.pick(&["prod", "staging", "dev"]),
        "CostCenter": format!("cc-{}", rng.below(900) + 100),
        "ManagedBy": "terraform",
    })
}

fn instance(rng: &mut Rng, name: &str) -> (Json, Json) {
    let id = format!("i-0{}", rng.hex(16));
    let subnet = format!("subnet-0{}", rng.hex(16));
    let az = rng.pick(AZS);
    let t = tags(rng, name);
    let ip = format!(
        "10.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        rng.below(254) + 1
    );
    let attributes = json!({
        "ami": format!("ami-0{}", rng.hex(16)),
        "arn": format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}"),
        "associate_public_ip_address": false,
        "availability_zone": az,
        "capacity_reservation_specification": [{"capacity_reservation_preference": "open", "capacity_reservation_target": []}],
        "cpu_core_count": 1,
        "cpu_threads_per_core": 2,
        "credit_specification": [{"cpu_credits": "unlimited"}],
        "disable_api_stop": false,
        "disable_api_termination": false,
        "ebs_block_device": [],
        "ebs_optimized": false,
        "enclave_options": [{"enabled": false}],
        "ephemeral_block_device": [],
        "get_password_data": false,
        "hibernation": false,
        "host_id": "",
        "iam_instance_profile": format!("{name}-profile"),
        "id": id,
        "instance_initiated_shutdown_behavior": "stop",
        "instance_state": "running",
        "instance_type": rng.pick(TYPES),
        "ipv6_address_count": 0,
        "ipv6_addresses": [],
        "key_name": "deploy",
        "launch_template": [],
        "maintenance_options": [{"auto_recovery": "default"}],
        "metadata_options": [{"http_endpoint": "enabled", "http_put_response_hop_limit": 1, "http_tokens": rng.pick(&["required", "optional"]), "instance_metadata_tags": "disabled"}],
        "monitoring": false,
        "network_interface": [],
        "outpost_arn": "",
        "password_data": "",
        "placement_group": "",
        "placement_partition_number": 0,
        "primary_network_interface_id": format!("eni-0{}", rng.hex(16)),
        "private_dns": format!("ip-{}.ec2.internal", ip.replace('.', "-")),
        "private_dns_name_options": [{"enable_resource_name_dns_a_record": false, "enable_resource_name_dns_aaaa_record": false, "hostname_type": "ip-name"}],
        "private_ip": ip,
        "public_dns": "",
        "public_ip": "",
        "root_block_device": [{"delete_on_termination": true, "device_name": "/dev/xvda", "encrypted": true, "iops": 3000, "kms_key_id": format!("arn:aws:kms:us-east-1:123456789012:key/{}", rng.hex(32)), "tags": {}, "throughput": 125, "volume_id": format!("vol-0{}", rng.hex(16)), "volume_size": 8 * (rng.below(4) + 1), "volume_type": "gp3"}],
        "secondary_private_ips": [],
        "security_groups": [],
        "source_dest_check": true,
        "subnet_id": subnet,
        "tags": t.clone(),
        "tags_all": t,
        "tenancy": "default",
        "timeouts": null,
        "user_data": rng.hex(40),
        "user_data_base64": null,
        "user_data_replace_on_change": false,
        "volume_tags": null,
        "vpc_security_group_ids": [format!("sg-0{}", rng.hex(16)), format!("sg-0{}", rng.hex(16))],
    });
    (attributes, json!([]))
}

fn security_group(rng: &mut Rng, name: &str) -> (Json, Json) {
    let id = format!("sg-0{}", rng.hex(16));
    let rules: Vec<Json> = (0..=rng.below(6))
        .map(|_| {
            let port = *[22u64, 80, 443, 5432, 6379, 8080]
                .get(usize::try_from(rng.below(6)).unwrap_or(0))
                .unwrap_or(&443);
            json!({
                "cidr_blocks": [format!("10.{}.0.0/16", rng.below(256))],
                "description": format!("allow {port}"),
                "from_port": port,
                "ipv6_cidr_blocks": [],
                "prefix_list_ids": [],
                "protocol": "tcp",
                "security_groups": [],
                "self": false,
                "to_port": port,
            })
        })
        .collect();
    let t = tags(rng, name);
    let attributes = json!({
        "arn": format!("arn:aws:ec2:us-east-1:123456789012:security-group/{id}"),
        "description": format!("{name} security group"),
        "egress": [{"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 0, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "-1", "security_groups": [], "self": false, "to_port": 0}],
        "id": id,
        "ingress": rules,
        "name": name,
        "name_prefix": "",
        "owner_id": "123456789012",
        "revoke_rules_on_delete": false,
        "tags": t.clone(),
        "tags_all": t,
        "timeouts": null,
        "vpc_id": format!("vpc-0{}", rng.hex(16)),
    });
    (attributes, json!([]))
}

fn ebs_volume(rng: &mut Rng, name: &str) -> (Json, Json) {
    let id = format!("vol-0{}", rng.hex(16));
    let t = tags(rng, name);
    let attributes = json!({
        "arn": format!("arn:aws:ec2:us-east-1:123456789012:volume/{id}"),
        "availability_zone": rng.pick(AZS),
        "encrypted": true,
        "final_snapshot": false,
        "id": id,
        "iops": 3000,
        "kms_key_id": format!("arn:aws:kms:us-east-1:123456789012:key/{}", rng.hex(32)),
        "multi_attach_enabled": false,
        "outpost_arn": "",
        "size": 20 * (rng.below(10) + 1),
        "snapshot_id": "",
        "tags": t.clone(),
        "tags_all": t,
        "throughput": 125,
        "timeouts": null,
        "type": "gp3",
    });
    (attributes, json!([]))
}

fn subnet(rng: &mut Rng, name: &str) -> (Json, Json) {
    let id = format!("subnet-0{}", rng.hex(16));
    let t = tags(rng, name);
    let attributes = json!({
        "arn": format!("arn:aws:ec2:us-east-1:123456789012:subnet/{id}"),
        "assign_ipv6_address_on_creation": false,
        "availability_zone": rng.pick(AZS),
        "availability_zone_id": "use1-az1",
        "cidr_block": format!("10.{}.{}.0/24", rng.below(256), rng.below(256)),
        "customer_owned_ipv4_pool": "",
        "enable_dns64": false,
        "enable_lni_at_device_index": 0,
        "enable_resource_name_dns_a_record_on_launch": false,
        "enable_resource_name_dns_aaaa_record_on_launch": false,
        "id": id,
        "ipv6_cidr_block": "",
        "ipv6_cidr_block_association_id": "",
        "ipv6_native": false,
        "map_customer_owned_ip_on_launch": false,
        "map_public_ip_on_launch": false,
        "outpost_arn": "",
        "owner_id": "123456789012",
        "private_dns_hostname_type_on_launch": "ip-name",
        "tags": t.clone(),
        "tags_all": t,
        "timeouts": null,
        "vpc_id": format!("vpc-0{}", rng.hex(16)),
    });
    (attributes, json!([]))
}

fn security_group_rule(rng: &mut Rng, _name: &str) -> (Json, Json) {
    let port = [22u64, 80, 443, 5432, 6379, 8080][usize::try_from(rng.below(6)).unwrap_or(0)];
    let ingress = rng.below(4) != 0;
    let attributes = json!({
        "cidr_blocks": [format!("10.{}.{}.0/24", rng.below(256), rng.below(256))],
        "description": format!("allow {port} from the {} tier", rng.pick(TEAMS)),
        "from_port": port,
        "id": format!("sgrule-{}", rng.below(4_000_000_000)),
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": "tcp",
        "security_group_id": format!("sg-0{}", rng.hex(16)),
        "security_group_rule_id": format!("sgr-0{}", rng.hex(16)),
        "self": false,
        "source_security_group_id": null,
        "timeouts": null,
        "to_port": port,
        "type": if ingress { "ingress" } else { "egress" },
    });
    (attributes, json!([]))
}

fn route(rng: &mut Rng, _name: &str) -> (Json, Json) {
    let table = format!("rtb-0{}", rng.hex(16));
    let cidr = format!("10.{}.{}.0/24", rng.below(256), rng.below(256));
    let attributes = json!({
        "carrier_gateway_id": "",
        "core_network_arn": "",
        "destination_cidr_block": cidr,
        "destination_ipv6_cidr_block": "",
        "destination_prefix_list_id": "",
        "egress_only_gateway_id": "",
        "gateway_id": "",
        "id": format!("r-{table}{}", rng.below(4_000_000_000)),
        "instance_id": "",
        "instance_owner_id": "",
        "local_gateway_id": "",
        "nat_gateway_id": format!("nat-0{}", rng.hex(16)),
        "network_interface_id": "",
        "origin": "CreateRoute",
        "route_table_id": table,
        "state": "active",
        "timeouts": null,
        "transit_gateway_id": "",
        "vpc_endpoint_id": "",
        "vpc_peering_connection_id": "",
    });
    (attributes, json!([]))
}

fn route_table_association(rng: &mut Rng, _name: &str) -> (Json, Json) {
    let attributes = json!({
        "gateway_id": "",
        "id": format!("rtbassoc-0{}", rng.hex(16)),
        "route_table_id": format!("rtb-0{}", rng.hex(16)),
        "subnet_id": format!("subnet-0{}", rng.hex(16)),
        "timeouts": null,
    });
    (attributes, json!([]))
}

fn eip(rng: &mut Rng, name: &str) -> (Json, Json) {
    let id = format!("eipalloc-0{}", rng.hex(16));
    let ip = format!(
        "54.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        rng.below(254) + 1
    );
    let t = json!({"Name": name, "Team": rng.pick(TEAMS)});
    let attributes = json!({
        "address": null,
        "allocation_id": id,
        "arn": format!("arn:aws:ec2:us-east-1:123456789012:elastic-ip/{id}"),
        "associate_with_private_ip": null,
        "association_id": "",
        "carrier_ip": "",
        "customer_owned_ip": "",
        "customer_owned_ipv4_pool": "",
        "domain": "vpc",
        "id": id,
        "instance": "",
        "ipam_pool_id": null,
        "network_border_group": "us-east-1",
        "network_interface": "",
        "private_dns": null,
        "private_ip": "",
        "ptr_record": "",
        "public_dns": format!("ec2-{}.compute-1.amazonaws.com", ip.replace('.', "-")),
        "public_ip": ip,
        "public_ipv4_pool": "amazon",
        "tags": t.clone(),
        "tags_all": t,
        "timeouts": null,
    });
    (attributes, json!([]))
}

fn ingress_rule(rng: &mut Rng, name: &str) -> (Json, Json) {
    let id = format!("sgr-0{}", rng.hex(16));
    let port = [22u64, 80, 443, 5432, 6379, 8080][usize::try_from(rng.below(6)).unwrap_or(0)];
    let attributes = json!({
        "arn": format!("arn:aws:ec2:us-east-1:123456789012:security-group-rule/{id}"),
        "cidr_ipv4": format!("10.{}.0.0/16", rng.below(256)),
        "cidr_ipv6": null,
        "description": format!("allow {port}"),
        "from_port": port,
        "id": id,
        "ip_protocol": "tcp",
        "prefix_list_id": null,
        "referenced_security_group_id": null,
        "security_group_id": format!("sg-0{}", rng.hex(16)),
        "security_group_rule_id": id,
        "tags": {"Name": name},
        "tags_all": {"Name": name},
        "to_port": port,
    });
    (attributes, json!([]))
}

/// What an instance depends on: small resources in real states hang off a few other resources
/// each (the group, the table, the VPC, the subnets).
fn dependencies(rng: &mut Rng, block: u64, small: bool) -> Json {
    let mut list = vec![format!("aws_vpc.main_{}", block % 7)];
    if small {
        for _ in 0..rng.below(10) + 4 {
            list.push(format!(
                "module.network.aws_subnet.private[\"{}-{}\"]",
                rng.pick(AZS),
                rng.below(64)
            ));
        }
        list.sort();
        list.dedup();
    }
    Json::from(list)
}

/// Picks the next resource block: its type, builder and how many instances it has.
fn next_block(rng: &mut Rng, small: bool) -> (&'static str, Builder, u64) {
    if small {
        let (r#type, build): (&str, Builder) = match rng.below(10) {
            0..=3 => ("aws_security_group_rule", security_group_rule),
            4..=5 => ("aws_route", route),
            6..=7 => ("aws_route_table_association", route_table_association),
            8 => ("aws_eip", eip),
            _ => ("aws_vpc_security_group_ingress_rule", ingress_rule),
        };
        return (r#type, build, 1);
    }
    let (r#type, build): (&str, Builder) = match rng.below(10) {
        0..=3 => ("aws_instance", instance),
        4..=5 => ("aws_security_group", security_group),
        6..=7 => ("aws_ebs_volume", ebs_volume),
        _ => ("aws_subnet", subnet),
    };
    (r#type, build, rng.below(8) + 1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut instances: u64 = 50_000;
    let mut out = None;
    let mut small = false;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--small" {
            small = true;
            i += 1;
        } else if args[i] == "--instances" {
            instances = args
                .get(i + 1)
                .ok_or("--instances needs a number")?
                .parse()?;
            i += 2;
        } else {
            out = Some(args[i].clone());
            i += 1;
        }
    }
    let out = out.ok_or("usage: gen_state [--small] [--instances N] OUT.tfstate")?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let modules = [
        "",
        "module.network",
        "module.app[\"blue\"]",
        "module.app[\"green\"]",
        "module.app[\"blue\"].module.storage",
    ];
    let mut resources = Vec::new();
    let mut made = 0u64;
    let mut block = 0u64;
    while made < instances {
        block += 1;
        let module = modules[usize::try_from(block % modules.len() as u64).unwrap_or(0)];
        let (r#type, build, n) = next_block(&mut rng, small);
        let name = format!("{}_{block}", r#type.trim_start_matches("aws_"));
        let for_each = !small && rng.below(3) == 0;
        let n = n.min(instances - made);
        let provider = if module.is_empty() {
            "provider[\"registry.terraform.io/hashicorp/aws\"]".to_owned()
        } else {
            format!(
                "{}.provider[\"registry.terraform.io/hashicorp/aws\"]",
                module.split(".module.").next().unwrap_or(module)
            )
        };
        let mut objects = Vec::new();
        for k in 0..n {
            let (attributes, sensitive) = build(&mut rng, &format!("{name}-{k}"));
            let mut object = json!({
                "schema_version": 1,
                "attributes": attributes,
                "sensitive_attributes": sensitive,
                "private": format!("eyJ{}", rng.hex(120)),
                "dependencies": dependencies(&mut rng, block, small),
            });
            if for_each {
                object["index_key"] = json!(format!("{}-{k}", rng.pick(AZS)));
            } else if !small {
                object["index_key"] = json!(k);
            }
            if rng.below(200) == 0 {
                object["status"] = json!("tainted");
            }
            objects.push(object);
        }
        let mut resource = json!({
            "mode": "managed",
            "type": r#type,
            "name": name,
            "provider": provider,
            "instances": objects,
        });
        if !module.is_empty() {
            resource["module"] = json!(module);
        }
        if for_each {
            resource["each"] = json!("map");
        }
        made += n;
        resources.push(resource);
    }
    let state = json!({
        "version": 4,
        "terraform_version": "1.9.8",
        "serial": 1234,
        "lineage": "5c0a7f3e-bench-4000-8000-000000000000",
        "outputs": {"vpc_id": {"value": "vpc-0123", "type": "string"}},
        "resources": resources,
        "check_results": null,
    });
    let file = std::fs::File::create(&out)?;
    let mut writer = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut writer, &state)?;
    writer.write_all(b"\n")?;
    writer.flush()?;
    eprintln!(
        "wrote {out}: {made} instances in {} resources",
        resources.len()
    );
    Ok(())
}
