//! The fetch benchmark's EC2 side (`scripts/bench-fetch.sh` runs it against moto's server):
//!
//! - `bench_fetch seed ENDPOINT REGION STATE_OUT`: creates 300 instances in 30 reservations,
//!   100 volumes and 20 security groups, reads them back through the adapter and writes the
//!   state Terraform would hold for them (a v4 tfstate);
//! - `bench_fetch refresh ENDPOINT REGION STATE`: reads every resource of that state the way
//!   `terraform plan -refresh-only` does, one `Describe*` per resource, 10 at a time (the
//!   default `-parallelism`), and prints the calls and the wall time.
//!
//! Development only: it creates resources, so it is never part of the adapter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ec2::types::{InstanceType, ResourceType, Tag, TagSpecification, VolumeType};
use plumb_adapter::{Adapter, FetchRequest};
use plumb_aws::{AwsAdapter, AwsOptions};
use plumb_model::Exposed;

const RESERVATIONS: usize = 30;
const PER_RESERVATION: i32 = 10;
const VOLUMES: usize = 100;
const GROUPS: usize = 20;
const REFRESH_PARALLELISM: usize = 10;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let result = match args.as_slice() {
        [command, endpoint, region, path] if command == "seed" => runtime
            .block_on(seed(endpoint, region))
            .and_then(|seeded| write_state(endpoint, region, path, &seeded)),
        [command, endpoint, region, path] if command == "refresh" => {
            runtime.block_on(refresh(endpoint, region, path))
        }
        _ => Err("usage: bench_fetch seed|refresh ENDPOINT REGION STATE".to_owned()),
    };
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn client(endpoint: &str, region: &str) -> Client {
    assert!(
        endpoint.starts_with("http://127.0.0.1:"),
        "the benchmark only talks to a loopback test server"
    );
    Client::from_conf(
        aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "bench"))
            .build(),
    )
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn tagged(resource: ResourceType, name: String) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource)
        .tags(Tag::builder().key("Name").value(name).build())
        .build()
}

/// What `seed` created, by id.
struct Seeded {
    instances: Vec<String>,
    volumes: Vec<String>,
    groups: Vec<String>,
}

async fn seed(endpoint: &str, region: &str) -> Result<Seeded, String> {
    let ec2 = client(endpoint, region);
    let image = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .map_err(err)?
        .images
        .unwrap_or_default()
        .into_iter()
        .find_map(|i| i.image_id)
        .ok_or("no AMI to launch")?;
    let mut groups = Vec::new();
    for i in 0..GROUPS {
        let id = ec2
            .create_security_group()
            .group_name(format!("bench-{i}"))
            .description("benchmark")
            .send()
            .await
            .map_err(err)?
            .group_id
            .ok_or("no group id")?;
        groups.push(id);
    }
    let mut instances = Vec::new();
    for r in 0..RESERVATIONS {
        let launched = ec2
            .run_instances()
            .image_id(&image)
            .instance_type(InstanceType::T3Micro)
            .min_count(PER_RESERVATION)
            .max_count(PER_RESERVATION)
            .security_group_ids(&groups[r % GROUPS])
            .tag_specifications(tagged(ResourceType::Instance, format!("bench-{r}")))
            .send()
            .await
            .map_err(err)?;
        instances.extend(
            launched
                .instances
                .unwrap_or_default()
                .into_iter()
                .filter_map(|i| i.instance_id),
        );
    }
    let zone = format!("{region}a");
    let mut volumes = Vec::new();
    for i in 0..VOLUMES {
        let id = ec2
            .create_volume()
            .availability_zone(&zone)
            .size(10)
            .volume_type(VolumeType::Gp3)
            .tag_specifications(tagged(ResourceType::Volume, format!("bench-{i}")))
            .send()
            .await
            .map_err(err)?
            .volume_id
            .ok_or("no volume id")?;
        volumes.push(id);
    }
    Ok(Seeded {
        instances,
        volumes,
        groups,
    })
}

/// The state: what the adapter reads of exactly the seeded objects. (The adapter runs its own
/// runtime, so this is called outside any.)
fn write_state(endpoint: &str, region: &str, path: &str, seeded: &Seeded) -> Result<(), String> {
    let Seeded {
        instances,
        volumes,
        groups,
    } = seeded;
    let adapter = AwsAdapter::new(AwsOptions {
        endpoint_url: Some(endpoint.to_owned()),
        ..AwsOptions::default()
    })
    .map_err(err)?;
    let fetched = adapter
        .fetch(&FetchRequest {
            regions: vec![region.to_owned()],
            types: vec![
                "aws_instance".into(),
                "aws_ebs_volume".into(),
                "aws_security_group".into(),
            ],
            ..FetchRequest::default()
        })
        .map_err(err)?;
    let wanted: std::collections::BTreeSet<&str> = instances
        .iter()
        .chain(volumes)
        .chain(groups)
        .map(String::as_str)
        .collect();
    let resources: Vec<serde_json::Value> = fetched
        .observations
        .iter()
        .filter(|o| wanted.contains(o.id.as_str()))
        .enumerate()
        .map(|(i, o)| {
            serde_json::json!({
                "mode": "managed", "type": o.r#type, "name": format!("r{i}"),
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": [{"schema_version": 0,
                               "attributes": serde_json::to_value(Exposed(&o.attributes)).unwrap()}],
            })
        })
        .collect();
    let count = resources.len();
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "bench-fetch",
        "outputs": {}, "resources": resources,
    });
    std::fs::write(path, state.to_string()).map_err(err)?;
    eprintln!(
        "seeded {} instances in {RESERVATIONS} reservations, {} volumes, {} groups; {path}: {count} resources",
        instances.len(),
        volumes.len(),
        groups.len()
    );
    Ok(())
}

/// One `Describe*` per resource, `REFRESH_PARALLELISM` in flight, as Terraform's refresh does.
async fn refresh(endpoint: &str, region: &str, path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(err)?;
    let state: serde_json::Value = serde_json::from_str(&text).map_err(err)?;
    let objects: Vec<(String, String)> = state["resources"]
        .as_array()
        .ok_or("no resources")?
        .iter()
        .filter_map(|r| {
            Some((
                r["type"].as_str()?.to_owned(),
                r["instances"][0]["attributes"]["id"].as_str()?.to_owned(),
            ))
        })
        .collect();
    let ec2 = client(endpoint, region);
    let calls = Arc::new(AtomicU64::new(0));
    let permits = Arc::new(tokio::sync::Semaphore::new(REFRESH_PARALLELISM));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (resource_type, id) in objects {
        let ec2 = ec2.clone();
        let calls = Arc::clone(&calls);
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire().await.expect("open semaphore");
            calls.fetch_add(1, Ordering::Relaxed);
            match resource_type.as_str() {
                "aws_instance" => ec2
                    .describe_instances()
                    .instance_ids(id)
                    .send()
                    .await
                    .is_ok(),
                "aws_ebs_volume" => ec2.describe_volumes().volume_ids(id).send().await.is_ok(),
                _ => ec2
                    .describe_security_groups()
                    .group_ids(id)
                    .send()
                    .await
                    .is_ok(),
            }
        });
    }
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        if !matches!(done, Ok(true)) {
            failed += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "refresh_calls={} refresh_seconds={seconds:.2} refresh_failed={failed}",
        calls.load(Ordering::Relaxed)
    );
    Ok(())
}
