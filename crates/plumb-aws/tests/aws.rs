//! The adapter against a real implementation of the EC2 API: moto's server, which
//! `scripts/test.sh` starts on a loopback port and names in `PLUMB_MOTO_ENDPOINT`.
//!
//! Each test works in a region of its own, so the tests share one server without seeing each
//! other's resources. Resources are created through the SDK, read back through the adapter,
//! then changed by hand and scanned, as a person at the console would change them.

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};

use aws_sdk_ec2::Client;
use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, HttpTokensState, InstanceMetadataOptionsRequest, InstanceType,
    IpPermission, IpRange, ResourceType, Tag, TagSpecification,
};
use plumb_adapter::{Adapter, FetchRequest, Fetched};
use plumb_aws::{AwsAdapter, AwsOptions, SUPPORTED_TYPES};
use plumb_model::{Exposed, Kind, Observation, Severity, Value};

fn endpoint() -> String {
    let endpoint = std::env::var("PLUMB_MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "PLUMB_MOTO_ENDPOINT is not set: run the tests through scripts/test.sh, which starts moto's EC2 server on a loopback port"
        )
    });
    assert!(
        endpoint.starts_with("http://127.0.0.1:"),
        "PLUMB_MOTO_ENDPOINT must be a loopback address, not {endpoint}"
    );
    endpoint
}

/// A client for seeding and changing resources by hand.
fn client(region: &str) -> Client {
    let config = aws_sdk_ec2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint())
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .build();
    Client::from_conf(config)
}

/// Repeatable ids from moto (`POST /moto-api/seed`), through a plain socket.
fn seed_moto() {
    let url = endpoint();
    let host = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("moto is reachable");
    write!(
        stream,
        "POST /moto-api/seed?a=42 HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
}

fn adapter() -> AwsAdapter {
    // The adapter takes credentials from the standard chain; scripts/test.sh exports dummy
    // ones, and the endpoint is named here so nothing can reach AWS itself.
    AwsAdapter::new(AwsOptions {
        endpoint_url: Some(endpoint()),
        max_attempts: 2,
        initial_backoff: std::time::Duration::from_millis(10),
        ..AwsOptions::default()
    })
    .unwrap()
}

fn fetch(region: &str, thorough: bool) -> Fetched {
    adapter()
        .fetch(&FetchRequest {
            regions: vec![region.to_owned()],
            types: SUPPORTED_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            thorough,
            ..FetchRequest::default()
        })
        .unwrap()
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

fn tagged(resource: ResourceType, name: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource)
        .tags(tag("Name", name))
        .build()
}

/// What a test built, by id.
struct Seeded {
    vpc: String,
    subnet: String,
    group: String,
    instances: Vec<String>,
    volume: String,
}

async fn seed(ec2: &Client) -> Seeded {
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.10.0.0/16")
        .tag_specifications(tagged(ResourceType::Vpc, "main"))
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.10.1.0/24")
        .tag_specifications(tagged(ResourceType::Subnet, "app"))
        .send()
        .await
        .unwrap()
        .subnet
        .unwrap()
        .subnet_id
        .unwrap();
    let gateway = ec2
        .create_internet_gateway()
        .send()
        .await
        .unwrap()
        .internet_gateway
        .unwrap()
        .internet_gateway_id
        .unwrap();
    ec2.attach_internet_gateway()
        .vpc_id(&vpc)
        .internet_gateway_id(&gateway)
        .send()
        .await
        .unwrap();
    let table = ec2
        .create_route_table()
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .route_table
        .unwrap()
        .route_table_id
        .unwrap();
    ec2.create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&gateway)
        .send()
        .await
        .unwrap();
    ec2.associate_route_table()
        .route_table_id(&table)
        .subnet_id(&subnet)
        .send()
        .await
        .unwrap();
    let group = ec2
        .create_security_group()
        .group_name("web")
        .description("web servers")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&group)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/8").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Already there when a server is reused between runs; run_instances below needs it.
    let _ = ec2.create_key_pair().key_name("deploy").send().await;
    let image = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .unwrap()
        .images
        .unwrap_or_default()
        .into_iter()
        .find_map(|i| i.image_id)
        .expect("moto ships AMIs");
    let instances: Vec<String> = ec2
        .run_instances()
        .image_id(image)
        .instance_type(InstanceType::T3Micro)
        .min_count(2)
        .max_count(2)
        .subnet_id(&subnet)
        .security_group_ids(&group)
        .key_name("deploy")
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Required)
                .build(),
        )
        .tag_specifications(tagged(ResourceType::Instance, "web"))
        .send()
        .await
        .unwrap()
        .instances
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.instance_id)
        .collect();
    let zone = ec2
        .describe_subnets()
        .subnet_ids(&subnet)
        .send()
        .await
        .unwrap()
        .subnets
        .unwrap()[0]
        .availability_zone
        .clone()
        .unwrap();
    let volume = ec2
        .create_volume()
        .availability_zone(zone)
        .size(20)
        .volume_type(aws_sdk_ec2::types::VolumeType::Gp3)
        .encrypted(true)
        .tag_specifications(tagged(ResourceType::Volume, "data"))
        .send()
        .await
        .unwrap()
        .volume_id
        .unwrap();
    ec2.attach_volume()
        .volume_id(&volume)
        .instance_id(&instances[0])
        .device("/dev/sdf")
        .send()
        .await
        .unwrap();
    let allocation = ec2
        .allocate_address()
        .domain(aws_sdk_ec2::types::DomainType::Vpc)
        .send()
        .await
        .unwrap()
        .allocation_id
        .unwrap();
    ec2.associate_address()
        .allocation_id(allocation)
        .instance_id(&instances[1])
        .send()
        .await
        .unwrap();
    Seeded {
        vpc,
        subnet,
        group,
        instances,
        volume,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn find<'a>(fetched: &'a Fetched, resource_type: &str, id: &str) -> &'a Observation {
    fetched
        .observations
        .iter()
        .find(|o| o.r#type == resource_type && o.id == id)
        .unwrap_or_else(|| panic!("no {resource_type} {id} observed"))
}

/// A v4 state holding `observations` as Terraform would after applying them.
fn state_of(observations: &[&Observation]) -> plumb_model::StateDoc {
    let resources: Vec<serde_json::Value> = observations
        .iter()
        .enumerate()
        .map(|(i, o)| {
            serde_json::json!({
                "mode": "managed",
                "type": o.r#type,
                "name": format!("r{i}"),
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": [{
                    "schema_version": 0,
                    "attributes": serde_json::to_value(Exposed(&o.attributes)).unwrap(),
                }],
            })
        })
        .collect();
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "plumb-test",
        "outputs": {}, "resources": resources,
    });
    plumb_state::read_state(
        state.to_string().as_bytes(),
        "test.tfstate",
        "default",
        plumb_schema::shipped_ref(),
    )
    .unwrap()
}

fn scan(states: &[plumb_model::StateDoc], live: &Fetched) -> plumb_drift::ScanOutput {
    let failed: Vec<(plumb_model::Scope, String)> = live
        .failures
        .iter()
        .map(|f| {
            (
                plumb_model::Scope::new(&f.region, &f.r#type),
                f.error.clone(),
            )
        })
        .collect();
    plumb_drift::scan(&plumb_drift::ScanInput {
        workspace: "default",
        states,
        config: None,
        live: plumb_drift::LiveView {
            observations: &live.observations,
            scanned: &live.scanned,
            failed: &failed,
            unsupported_types: &live.unsupported_types,
            enumerated: true,
        },
        schemas: plumb_schema::shipped_ref(),
        policy: &plumb_drift::Policy::default(),
        default_region: None,
    })
}

#[test]
fn every_type_is_read_in_one_listing_per_region_and_as_ec2_returned_it() {
    let region = "eu-west-3";
    seed_moto();
    let ec2 = client(region);
    let rt = runtime();
    let seeded = rt.block_on(seed(&ec2));
    let fetched = fetch(region, false);

    // Every supported type was read or says why not; the core ones were read.
    let answered: BTreeSet<&str> = fetched
        .scanned
        .iter()
        .map(|s| s.r#type.as_str())
        .chain(fetched.failures.iter().map(|f| f.r#type.as_str()))
        .collect();
    assert_eq!(answered.len(), SUPPORTED_TYPES.len(), "{answered:?}");
    for core in [
        "aws_instance",
        "aws_ebs_volume",
        "aws_volume_attachment",
        "aws_vpc",
        "aws_subnet",
        "aws_security_group",
        "aws_internet_gateway",
    ] {
        assert!(
            fetched.scanned.iter().any(|s| s.r#type == core),
            "{core} was not read: {:?}",
            fetched.failures
        );
    }
    // Shared listings are read once for all the types they serve, and the whole scan costs a
    // call per listing, not per resource.
    let calls = &fetched.stats.calls;
    assert_eq!(calls.get("DescribeInstances"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("DescribeVolumes"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("DescribeSecurityGroups"), Some(&1), "{calls:?}");
    assert!(
        !calls.contains_key("DescribeInstanceAttribute"),
        "{calls:?}"
    );
    let total: u64 = calls.values().sum();
    assert!(total <= 30, "{total} calls: {calls:?}");

    // The instance, as DescribeInstances returned it.
    let described = rt
        .block_on(
            ec2.describe_instances()
                .instance_ids(&seeded.instances[0])
                .send(),
        )
        .unwrap();
    let raw = &described.reservations()[0].instances()[0];
    let instance = find(&fetched, "aws_instance", &seeded.instances[0]);
    let a = &instance.attributes;
    assert_eq!(a.get("instance_type"), Some(&Value::string("t3.micro")));
    assert_eq!(a.get("ami"), Some(&Value::string(raw.image_id().unwrap())));
    assert_eq!(a.get("subnet_id"), Some(&Value::string(&seeded.subnet)));
    assert_eq!(
        a.get("private_ip"),
        Some(&Value::string(raw.private_ip_address().unwrap()))
    );
    assert_eq!(a.get("key_name"), Some(&Value::string("deploy")));
    assert_eq!(
        a.get("vpc_security_group_ids"),
        Some(&Value::List(vec![Value::string(&seeded.group)]))
    );
    let metadata = &a.get("metadata_options").unwrap().as_list().unwrap()[0];
    assert_eq!(
        metadata.get("http_tokens"),
        Some(&Value::string("required"))
    );
    let root = &a.get("root_block_device").unwrap().as_list().unwrap()[0];
    let root_volume = root.get("volume_id").and_then(Value::as_str).unwrap();
    assert_eq!(
        a.get("tags").unwrap().get("Name"),
        Some(&Value::string("web"))
    );
    let unread: Vec<String> = instance.unread.iter().map(ToString::to_string).collect();
    assert!(unread.contains(&"user_data".to_owned()), "{unread:?}");

    // The root volume and the primary interface go with the instance; the data volume and
    // its attachment are the user's.
    let root = find(&fetched, "aws_ebs_volume", root_volume);
    assert_eq!(
        root.meta.get("owner").map(String::as_str),
        Some(format!("aws_instance:{}", seeded.instances[0]).as_str())
    );
    let data = find(&fetched, "aws_ebs_volume", &seeded.volume);
    assert!(data.meta.is_empty(), "{:?}", data.meta);
    assert_eq!(data.attributes.get("size"), Some(&Value::int(20)));
    assert_eq!(data.attributes.get("encrypted"), Some(&Value::Bool(true)));
    assert!(fetched.observations.iter().any(|o| {
        o.r#type == "aws_volume_attachment"
            && o.attributes.get("volume_id") == Some(&Value::string(&seeded.volume))
            && o.attributes.get("device_name") == Some(&Value::string("/dev/sdf"))
    }));

    // The group's inline rule; the VPC knows its default companions.
    let group = find(&fetched, "aws_security_group", &seeded.group);
    let ingress = group.attributes.get("ingress").unwrap().as_list().unwrap();
    assert!(ingress.iter().any(|r| {
        r.get("from_port") == Some(&Value::int(443))
            && r.get("cidr_blocks") == Some(&Value::List(vec![Value::string("10.0.0.0/8")]))
    }));
    let vpc = find(&fetched, "aws_vpc", &seeded.vpc);
    assert!(
        vpc.attributes
            .get("default_security_group_id")
            .and_then(Value::as_str)
            .is_some_and(|id| id.starts_with("sg-"))
    );
    assert!(
        fetched
            .observations
            .iter()
            .any(|o| o.r#type == "aws_vpc"
                && o.meta.get("default").map(String::as_str) == Some("true")),
        "the default VPC is marked as AWS's"
    );
}

#[test]
fn thorough_reads_the_per_resource_attributes() {
    let region = "ap-south-1";
    let ec2 = client(region);
    let rt = runtime();
    let seeded = rt.block_on(seed(&ec2));
    rt.block_on(
        ec2.modify_instance_attribute()
            .instance_id(&seeded.instances[0])
            .disable_api_termination(AttributeBooleanValue::builder().value(true).build())
            .send(),
    )
    .unwrap();
    let fetched = fetch(region, true);
    let instance = find(&fetched, "aws_instance", &seeded.instances[0]);
    assert_eq!(
        instance.attributes.get("disable_api_termination"),
        Some(&Value::Bool(true))
    );
    assert!(
        instance
            .unread
            .iter()
            .all(|p| p.to_string() != "disable_api_termination")
    );
    assert!(
        fetched
            .stats
            .calls
            .get("DescribeInstanceAttribute")
            .copied()
            .unwrap_or(0)
            >= 4
    );
}

#[test]
fn changes_made_by_hand_are_found_and_classified() {
    let region = "sa-east-1";
    let ec2 = client(region);
    let rt = runtime();
    let seeded = rt.block_on(seed(&ec2));
    let before = fetch(region, false);

    // The state: what Terraform would hold for the seeded objects.
    let managed: Vec<&Observation> = before
        .observations
        .iter()
        .filter(|o| o.meta.is_empty())
        .filter(|o| {
            [
                seeded.instances[0].as_str(),
                seeded.instances[1].as_str(),
                seeded.group.as_str(),
                seeded.volume.as_str(),
                seeded.subnet.as_str(),
                seeded.vpc.as_str(),
            ]
            .contains(&o.id.as_str())
        })
        .collect();
    assert_eq!(
        managed.len(),
        6,
        "{:?}",
        managed.iter().map(|o| &o.id).collect::<Vec<_>>()
    );
    let states = vec![state_of(&managed)];
    let in_sync = scan(&states, &before);
    assert_eq!(in_sync.summary.drifted, 0, "{:#?}", in_sync.findings);
    assert_eq!(in_sync.summary.missing, 0, "{:#?}", in_sync.findings);

    // By hand: SSH opened to the world, IMDSv2 turned off, a retag, a volume deleted, an
    // instance launched outside Terraform.
    rt.block_on(async {
        ec2.authorize_security_group_ingress()
            .group_id(&seeded.group)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
        ec2.modify_instance_metadata_options()
            .instance_id(&seeded.instances[0])
            .http_tokens(HttpTokensState::Optional)
            .send()
            .await
            .unwrap();
        ec2.create_tags()
            .resources(&seeded.subnet)
            .tags(tag("CostCenter", "1234"))
            .send()
            .await
            .unwrap();
        // moto wants the instance named (EC2 itself does not).
        ec2.detach_volume()
            .volume_id(&seeded.volume)
            .instance_id(&seeded.instances[0])
            .device("/dev/sdf")
            .send()
            .await
            .unwrap();
        ec2.delete_volume()
            .volume_id(&seeded.volume)
            .send()
            .await
            .unwrap();
    });
    let after = fetch(region, false);
    let report = scan(&states, &after);
    let finding = |kind: Kind, id: &str| {
        report
            .findings
            .iter()
            .find(|f| f.kind == kind && f.id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no {kind:?} finding for {id}: {:#?}", report.findings))
    };
    let group = finding(Kind::Changed, &seeded.group);
    assert_eq!(group.severity, Some(Severity::Critical), "{group:#?}");
    assert!(
        group.rules.iter().any(|r| r == "aws-sg-ingress-open-world"),
        "{:?}",
        group.rules
    );
    let instance = finding(Kind::Changed, &seeded.instances[0]);
    assert_eq!(instance.severity, Some(Severity::Critical), "{instance:#?}");
    assert!(
        instance.rules.iter().any(|r| r.contains("imdsv2")),
        "{:?}",
        instance.rules
    );
    let subnet = finding(Kind::Changed, &seeded.subnet);
    assert_eq!(subnet.severity, Some(Severity::Low), "{subnet:#?}");
    finding(Kind::Missing, &seeded.volume);
    // Nothing else moved.
    assert_eq!(report.summary.drifted, 3, "{:#?}", report.findings);
}

#[test]
fn an_unreachable_endpoint_leaves_everything_not_checked() {
    // A loopback port nothing listens on: connection refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _ = endpoint();
    let adapter = AwsAdapter::new(AwsOptions {
        endpoint_url: Some(format!("http://127.0.0.1:{port}")),
        max_attempts: 2,
        initial_backoff: std::time::Duration::from_millis(10),
        ..AwsOptions::default()
    })
    .unwrap();
    let fetched = adapter
        .fetch(&FetchRequest {
            regions: vec!["eu-north-1".to_owned()],
            types: vec!["aws_instance".to_owned(), "aws_vpc".to_owned()],
            ..FetchRequest::default()
        })
        .unwrap();
    assert!(fetched.scanned.is_empty());
    assert!(fetched.observations.is_empty());
    assert_eq!(fetched.failures.len(), 2, "{:?}", fetched.failures);
    assert!(fetched.failures.iter().all(|f| !f.error.contains('\n')));
}

/// A proxy between the adapter and moto that answers the first `failures` requests with an
/// error EC2 gives under load (HTTP 503 `RequestLimitExceeded`, or a 500 `InternalError`), then
/// forwards the rest: what the adapter's retries must absorb.
struct FaultProxy {
    url: String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn fault_proxy(failures: usize, status: u16) -> FaultProxy {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = endpoint().trim_start_matches("http://").to_owned();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let counter = Arc::clone(&counter);
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                let _ = serve(client, &upstream, &counter, failures, status);
            });
        }
    });

    FaultProxy { url, requests }
}

/// One client connection: requests answered in turn until one is forwarded (the upstream
/// answer closes the connection) or the client goes away.
fn serve(
    mut client: std::net::TcpStream,
    upstream: &str,
    counter: &std::sync::atomic::AtomicUsize,
    failures: usize,
    status: u16,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    loop {
        let Some(request) = read_request(&mut client)? else {
            return Ok(());
        };
        if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < failures {
            let (code, reason) = if status == 503 {
                ("RequestLimitExceeded", "Service Unavailable")
            } else {
                ("InternalError", "Internal Server Error")
            };
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>injected by the test</Message></Error></Errors><RequestID>fault</RequestID></Response>"
            );
            write!(
                client,
                "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
            continue;
        }
        let mut server = std::net::TcpStream::connect(upstream)?;
        server.write_all(&request)?;
        std::io::copy(&mut server, &mut client)?;
        return Ok(());
    }
}

/// A whole request (head and body), its keep-alive turned into `Connection: close` so the
/// upstream answer ends at end of stream.
fn read_request(client: &mut std::net::TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte)? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let length: usize = text
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    client.read_exact(&mut body)?;
    let mut request: Vec<u8> = text
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .take_while(|l| !l.is_empty())
        .flat_map(|l| format!("{l}\r\n").into_bytes())
        .collect();
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request.extend_from_slice(&body);
    Ok(Some(request))
}

fn fetch_through(url: &str, region: &str, max_attempts: u32) -> Fetched {
    AwsAdapter::new(AwsOptions {
        endpoint_url: Some(url.to_owned()),
        max_attempts,
        initial_backoff: std::time::Duration::from_millis(5),
        concurrency: 2,
        ..AwsOptions::default()
    })
    .unwrap()
    .fetch(&FetchRequest {
        regions: vec![region.to_owned()],
        types: [
            "aws_instance",
            "aws_ebs_volume",
            "aws_security_group",
            "aws_vpc",
            "aws_subnet",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect(),
        ..FetchRequest::default()
    })
    .unwrap()
}

#[test]
fn throttling_and_server_errors_are_retried_and_change_nothing() {
    let region = "ca-central-1";
    let rt = runtime();
    rt.block_on(seed(&client(region)));
    let direct = fetch_through(&endpoint(), region, 2);
    assert!(direct.failures.is_empty(), "{:?}", direct.failures);
    for status in [503, 500] {
        let proxy = fault_proxy(3, status);
        let through = fetch_through(&proxy.url, region, 5);
        assert!(
            through.failures.is_empty(),
            "{status}: {:?}",
            through.failures
        );
        assert_eq!(through.observations, direct.observations, "{status}");
        assert_eq!(through.scanned, direct.scanned);
        assert!(through.stats.retries >= 3, "{status}: {:?}", through.stats);
        assert_eq!(
            through.stats.calls, direct.stats.calls,
            "retries are not calls"
        );
        assert!(proxy.requests.load(std::sync::atomic::Ordering::SeqCst) > 3);
    }
}

#[test]
fn a_scope_whose_retries_run_out_is_not_checked_never_missing() {
    let region = "ca-central-1";
    let proxy = fault_proxy(usize::MAX, 503);
    let started = std::time::Instant::now();
    let fetched = fetch_through(&proxy.url, region, 3);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the retry budget is bounded"
    );
    assert!(fetched.scanned.is_empty());
    assert!(fetched.observations.is_empty());
    assert_eq!(fetched.failures.len(), 5, "{:?}", fetched.failures);
    assert!(
        fetched
            .failures
            .iter()
            .all(|f| f.error.contains("RequestLimitExceeded")
                || f.error.contains("GetCallerIdentity")),
        "{:?}",
        fetched.failures
    );
}
