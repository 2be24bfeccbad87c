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
    AttributeBooleanValue, Filter, FlowLogsResourceType, HttpTokensState, IcmpTypeCode,
    InstanceMetadataOptionsRequest, InstanceType, IpPermission, IpRange,
    LaunchTemplateBlockDeviceMappingRequest, LaunchTemplateEbsBlockDeviceRequest,
    LaunchTemplateHttpTokensState, LaunchTemplateInstanceMetadataEndpointState,
    LaunchTemplateInstanceMetadataOptionsRequest, LogDestinationType, NewDhcpConfiguration,
    PortRange, RequestLaunchTemplateData, ResourceType, RuleAction, Tag, TagSpecification,
    TrafficType,
};
use plumb_adapter::{Adapter, FetchRequest, Fetched};
use plumb_aws::{AwsAdapter, AwsOptions, SUPPORTED_TYPES};
use plumb_model::{Exposed, Kind, Observation, Severity, Value};

/// The one object a describe call names, as EC2 returns it.
macro_rules! describe_one {
    ($rt:expr, $call:expr, $list:ident) => {
        $rt.block_on($call.send()).unwrap().$list()[0].clone()
    };
}

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
    gateway: String,
    table: String,
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
        gateway,
        table,
        group,
        instances,
        volume,
    }
}

/// What [`seed_the_rest`] built on top of [`seed`], by id.
struct SeededRest {
    base: Seeded,
    acl: String,
    nat: String,
    nat_allocation: String,
    egress_only: String,
    endpoint: String,
    dhcp: String,
    flow_log: String,
    template: String,
    snapshot: String,
    image: String,
    interface: String,
    kube_interface: String,
}

/// Every other type the adapter reads, one object each at least, made as a user would (on top
/// of [`seed`]). Placement groups are left out: moto implements no `DescribePlacementGroups`
/// (it answers an HTML 500), so there is nothing to read back.
async fn seed_the_rest(ec2: &Client, region: &str) -> SeededRest {
    let base = seed(ec2).await;
    // An IPv6 block for the VPC, so that the IPv6 routes and ACL entries are ones EC2 takes.
    ec2.associate_vpc_cidr_block()
        .vpc_id(&base.vpc)
        .amazon_provided_ipv6_cidr_block(true)
        .send()
        .await
        .unwrap();

    // A network ACL with entries of every kind, replacing the default ACL on the subnet.
    let acl = ec2
        .create_network_acl()
        .vpc_id(&base.vpc)
        .tag_specifications(tagged(ResourceType::NetworkAcl, "private"))
        .send()
        .await
        .unwrap()
        .network_acl
        .unwrap()
        .network_acl_id
        .unwrap();
    let entry = |rule: i32, egress: bool, protocol: &str, action: RuleAction| {
        ec2.create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(rule)
            .egress(egress)
            .protocol(protocol)
            .rule_action(action)
    };
    entry(100, false, "6", RuleAction::Allow)
        .cidr_block("10.0.0.0/8")
        .port_range(PortRange::builder().from(443).to(443).build())
        .send()
        .await
        .unwrap();
    entry(110, false, "1", RuleAction::Deny)
        .cidr_block("0.0.0.0/0")
        .icmp_type_code(IcmpTypeCode::builder().r#type(8).code(-1).build())
        .send()
        .await
        .unwrap();
    entry(100, true, "-1", RuleAction::Allow)
        .cidr_block("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    entry(120, true, "17", RuleAction::Allow)
        .ipv6_cidr_block("::/0")
        .port_range(PortRange::builder().from(53).to(53).build())
        .send()
        .await
        .unwrap();
    let current = ec2
        .describe_network_acls()
        .filters(
            Filter::builder()
                .name("association.subnet-id")
                .values(&base.subnet)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let association = current
        .network_acls()
        .iter()
        .flat_map(aws_sdk_ec2::types::NetworkAcl::associations)
        .find(|a| a.subnet_id() == Some(base.subnet.as_str()))
        .and_then(|a| a.network_acl_association_id())
        .expect("the subnet is on the default ACL")
        .to_owned();
    ec2.replace_network_acl_association()
        .association_id(association)
        .network_acl_id(&acl)
        .send()
        .await
        .unwrap();

    // A public NAT gateway on its own address, an egress-only gateway, and routes through both.
    let nat_allocation = ec2
        .allocate_address()
        .domain(aws_sdk_ec2::types::DomainType::Vpc)
        .send()
        .await
        .unwrap()
        .allocation_id
        .unwrap();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&base.subnet)
        .allocation_id(&nat_allocation)
        .tag_specifications(tagged(ResourceType::Natgateway, "egress"))
        .send()
        .await
        .unwrap()
        .nat_gateway
        .unwrap()
        .nat_gateway_id
        .unwrap();
    let egress_only = ec2
        .create_egress_only_internet_gateway()
        .vpc_id(&base.vpc)
        .tag_specifications(tagged(ResourceType::EgressOnlyInternetGateway, "v6-out"))
        .send()
        .await
        .unwrap()
        .egress_only_internet_gateway
        .unwrap()
        .egress_only_internet_gateway_id
        .unwrap();
    ec2.create_route()
        .route_table_id(&base.table)
        .destination_ipv6_cidr_block("::/0")
        .egress_only_internet_gateway_id(&egress_only)
        .send()
        .await
        .unwrap();
    ec2.create_route()
        .route_table_id(&base.table)
        .destination_cidr_block("192.168.0.0/16")
        .nat_gateway_id(&nat)
        .send()
        .await
        .unwrap();

    // A gateway endpoint for S3 on the route table (EC2 adds its prefix-list route).
    let endpoint = ec2
        .create_vpc_endpoint()
        .vpc_id(&base.vpc)
        .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Gateway)
        .service_name(format!("com.amazonaws.{region}.s3"))
        .route_table_ids(&base.table)
        .tag_specifications(tagged(ResourceType::VpcEndpoint, "s3"))
        .send()
        .await
        .unwrap()
        .vpc_endpoint
        .unwrap()
        .vpc_endpoint_id
        .unwrap();

    // DHCP options of our own, associated with the VPC.
    let option = |key: &str, values: &[&str]| {
        values
            .iter()
            .fold(NewDhcpConfiguration::builder().key(key), |c, v| {
                c.values(*v)
            })
            .build()
    };
    let dhcp = ec2
        .create_dhcp_options()
        .dhcp_configurations(option("domain-name", &["corp.example"]))
        .dhcp_configurations(option(
            "domain-name-servers",
            &["10.10.0.2", "AmazonProvidedDNS"],
        ))
        .dhcp_configurations(option("ntp-servers", &["169.254.169.123"]))
        .send()
        .await
        .unwrap()
        .dhcp_options
        .unwrap()
        .dhcp_options_id
        .unwrap();
    // Tagged afterwards: moto ignores TagSpecifications in CreateDhcpOptions.
    ec2.create_tags()
        .resources(&dhcp)
        .tags(tag("Name", "corp"))
        .send()
        .await
        .unwrap();
    ec2.associate_dhcp_options()
        .dhcp_options_id(&dhcp)
        .vpc_id(&base.vpc)
        .send()
        .await
        .unwrap();

    // A flow log of the VPC to CloudWatch Logs.
    let flow_log = ec2
        .create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&base.vpc)
        .traffic_type(TrafficType::Reject)
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_destination(format!(
            "arn:aws:logs:{region}:123456789012:log-group:vpc-flow"
        ))
        .deliver_logs_permission_arn("arn:aws:iam::123456789012:role/flow-logs")
        .max_aggregation_interval(60)
        .tag_specifications(tagged(ResourceType::VpcFlowLog, "rejects"))
        .send()
        .await
        .unwrap()
        .flow_log_ids()
        .first()
        .cloned()
        .expect("the flow log was made");

    // A launch template with metadata options and a block device, then a second version.
    let image_id = ec2
        .describe_instances()
        .instance_ids(&base.instances[0])
        .send()
        .await
        .unwrap()
        .reservations()[0]
        .instances()[0]
        .image_id()
        .unwrap()
        .to_owned();
    let data = |instance_type: InstanceType| {
        RequestLaunchTemplateData::builder()
            .image_id(&image_id)
            .instance_type(instance_type)
            .key_name("deploy")
            .security_group_ids(&base.group)
            .metadata_options(
                LaunchTemplateInstanceMetadataOptionsRequest::builder()
                    .http_tokens(LaunchTemplateHttpTokensState::Required)
                    .http_put_response_hop_limit(2)
                    .http_endpoint(LaunchTemplateInstanceMetadataEndpointState::Enabled)
                    .build(),
            )
            .block_device_mappings(
                LaunchTemplateBlockDeviceMappingRequest::builder()
                    .device_name("/dev/xvdb")
                    .ebs(
                        LaunchTemplateEbsBlockDeviceRequest::builder()
                            .volume_size(30)
                            .volume_type(aws_sdk_ec2::types::VolumeType::Gp3)
                            .encrypted(true)
                            .delete_on_termination(true)
                            .build(),
                    )
                    .build(),
            )
            .build()
    };
    let template = ec2
        .create_launch_template()
        // Named after the VPC, so that a rerun against the same server does not collide.
        .launch_template_name(format!("web-{}", base.vpc))
        .version_description("first")
        .launch_template_data(data(InstanceType::T3Micro))
        .tag_specifications(tagged(ResourceType::LaunchTemplate, "web"))
        .send()
        .await
        .unwrap()
        .launch_template
        .unwrap()
        .launch_template_id
        .unwrap();
    ec2.create_launch_template_version()
        .launch_template_id(&template)
        .version_description("bigger")
        .launch_template_data(data(InstanceType::T3Small))
        .send()
        .await
        .unwrap();

    // A snapshot of the data volume, and an image of the first instance.
    let snapshot = ec2
        .create_snapshot()
        .volume_id(&base.volume)
        .description("nightly")
        .tag_specifications(tagged(ResourceType::Snapshot, "nightly"))
        .send()
        .await
        .unwrap()
        .snapshot_id
        .unwrap();
    let image = ec2
        .create_image()
        .instance_id(&base.instances[0])
        .name("web-image")
        .description("web, baked")
        .tag_specifications(tagged(ResourceType::Image, "web-image"))
        .send()
        .await
        .unwrap()
        .image_id
        .unwrap();

    // A standalone interface with a secondary address, and one a Kubernetes cluster owns.
    let interface = ec2
        .create_network_interface()
        .subnet_id(&base.subnet)
        .description("standalone")
        .groups(&base.group)
        .private_ip_address("10.10.1.50")
        .secondary_private_ip_address_count(1)
        .tag_specifications(tagged(ResourceType::NetworkInterface, "standalone"))
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap()
        .network_interface_id
        .unwrap();
    let kube_interface = ec2
        .create_network_interface()
        .subnet_id(&base.subnet)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::NetworkInterface)
                .tags(tag("kubernetes.io/cluster/demo", "owned"))
                .build(),
        )
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap()
        .network_interface_id
        .unwrap();

    SeededRest {
        base,
        acl,
        nat,
        nat_allocation,
        egress_only,
        endpoint,
        dhcp,
        flow_log,
        template,
        snapshot,
        image,
        interface,
        kube_interface,
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

/// The report's finding of `kind` for the object `id`, which must be there.
fn finding<'a>(
    report: &'a plumb_drift::ScanOutput,
    kind: Kind,
    id: &str,
) -> &'a plumb_model::Finding {
    report
        .findings
        .iter()
        .find(|f| f.kind == kind && f.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no {kind:?} finding for {id}: {:#?}", report.findings))
}

/// The attribute `key` of an observation, which must be there.
fn get<'a>(o: &'a Observation, key: &str) -> &'a Value {
    o.attributes
        .get(key)
        .unwrap_or_else(|| panic!("{} {}: no `{key}` in {:?}", o.r#type, o.id, o.attributes))
}

fn text(value: Option<&str>) -> Value {
    Value::string(value.unwrap_or_default())
}

/// An SDK enum's text, or `""` as the provider writes a missing one.
fn enum_text<E: AsRef<str>>(value: Option<&E>) -> Value {
    text(value.map(AsRef::as_ref))
}

fn name_tag(o: &Observation) -> Option<&str> {
    get(o, "tags").get("Name").and_then(Value::as_str)
}

/// A list attribute's elements as texts, sorted: for sets, whose order means nothing.
fn sorted_texts(value: &Value) -> Vec<String> {
    let mut texts: Vec<String> = value
        .as_list()
        .unwrap_or_else(|| panic!("not a list: {value:?}"))
        .iter()
        .map(|v| v.as_str().expect("a text").to_owned())
        .collect();
    texts.sort();
    texts
}

fn sorted(values: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    let mut texts: Vec<String> = values.into_iter().map(Into::into).collect();
    texts.sort();
    texts
}

fn is_default(o: &Observation) -> bool {
    o.meta.get("default").map(String::as_str) == Some("true")
}

#[test]
fn every_other_type_is_read_as_ec2_returned_it() {
    let region = "eu-central-1";
    let ec2 = client(region);
    let rt = runtime();
    let seeded = rt.block_on(seed_the_rest(&ec2, region));
    let base = &seeded.base;
    let fetched = fetch(region, false);

    // Every supported type was read, but placement groups: moto has no
    // DescribePlacementGroups, and that one type fails alone.
    let failed: Vec<&str> = fetched.failures.iter().map(|f| f.r#type.as_str()).collect();
    assert!(
        failed.iter().all(|t| *t == "aws_placement_group"),
        "{:?}",
        fetched.failures
    );
    for t in SUPPORTED_TYPES
        .iter()
        .filter(|t| **t != "aws_placement_group")
    {
        assert!(
            fetched.scanned.iter().any(|s| s.r#type == *t),
            "{t} was not read"
        );
    }
    let calls = &fetched.stats.calls;
    for shared in [
        "DescribeRouteTables",
        "DescribeNetworkAcls",
        "DescribeAddresses",
    ] {
        assert_eq!(calls.get(shared), Some(&1), "{shared}: {calls:?}");
    }

    // The network ACL: its entries (AWS's deny-all ones left out) split into ingress and
    // egress, as DescribeNetworkAcls returned them.
    let raw_acl = describe_one!(
        rt,
        ec2.describe_network_acls().network_acl_ids(&seeded.acl),
        network_acls
    );
    let acl = find(&fetched, "aws_network_acl", &seeded.acl);
    assert!(!is_default(acl), "{:?}", acl.meta);
    assert_eq!(get(acl, "vpc_id"), &Value::string(&base.vpc));
    assert_eq!(get(acl, "owner_id"), &text(raw_acl.owner_id()));
    assert_eq!(sorted_texts(get(acl, "subnet_ids")), [base.subnet.as_str()]);
    assert_eq!(name_tag(acl), Some("private"));
    assert_eq!(
        get(acl, "arn"),
        &Value::string(format!(
            "arn:aws:ec2:{region}:{}:network-acl/{}",
            raw_acl.owner_id().unwrap(),
            seeded.acl
        ))
    );
    let user_entries: Vec<_> = raw_acl
        .entries()
        .iter()
        .filter(|e| e.rule_number().is_some_and(|n| n < 32767))
        .collect();
    assert_eq!(user_entries.len(), 4, "{:?}", raw_acl.entries());
    for (key, egress) in [("ingress", false), ("egress", true)] {
        let observed = get(acl, key).as_list().unwrap();
        let expected: Vec<_> = user_entries
            .iter()
            .filter(|e| e.egress() == Some(egress))
            .collect();
        assert_eq!(observed.len(), expected.len(), "{key}: {observed:?}");
        for e in expected {
            let element = observed
                .iter()
                .find(|o| {
                    o.get("rule_no") == Some(&Value::int(i64::from(e.rule_number().unwrap())))
                })
                .unwrap_or_else(|| panic!("{key}: no rule {:?} in {observed:?}", e.rule_number()));
            let ports = e.port_range();
            let icmp = e.icmp_type_code();
            let int = |v: Option<i32>| Value::int(i64::from(v.unwrap_or(0)));
            let expected = [
                ("action", text(e.rule_action().map(RuleAction::as_str))),
                ("cidr_block", text(e.cidr_block())),
                ("ipv6_cidr_block", text(e.ipv6_cidr_block())),
                ("protocol", text(e.protocol())),
                ("from_port", int(ports.and_then(PortRange::from))),
                ("to_port", int(ports.and_then(PortRange::to))),
                ("icmp_type", int(icmp.and_then(IcmpTypeCode::r#type))),
                ("icmp_code", int(icmp.and_then(IcmpTypeCode::code))),
            ];
            for (field, value) in expected {
                assert_eq!(
                    element.get(field),
                    Some(&value),
                    "{key} {field}: {element:?}"
                );
            }
        }
    }
    let https = get(acl, "ingress")
        .as_list()
        .unwrap()
        .iter()
        .find(|e| e.get("rule_no") == Some(&Value::int(100)))
        .unwrap();
    assert_eq!(https.get("protocol"), Some(&Value::string("6")));
    assert_eq!(https.get("from_port"), Some(&Value::int(443)));
    // The VPC's default ACL is AWS's, and the subnet has left it.
    let default_acl = fetched
        .observations
        .iter()
        .find(|o| {
            o.r#type == "aws_network_acl"
                && o.attributes.get("vpc_id") == Some(&Value::string(&base.vpc))
                && o.id != seeded.acl
        })
        .expect("the VPC's default ACL");
    assert!(is_default(default_acl), "{:?}", default_acl.meta);
    assert!(
        !sorted_texts(get(default_acl, "subnet_ids")).contains(&base.subnet),
        "{:?}",
        default_acl.attributes
    );

    // The ACL's entries as aws_network_acl_rule, each going with its ACL, under the provider's
    // id `nacl-` + crc32("{acl}-{rule}-{egress}-{protocol}-").
    let rules: Vec<&Observation> = fetched
        .observations
        .iter()
        .filter(|o| {
            o.r#type == "aws_network_acl_rule"
                && o.attributes.get("network_acl_id") == Some(&Value::string(&seeded.acl))
        })
        .collect();
    assert_eq!(rules.len(), 4, "{rules:#?}");
    for e in &user_entries {
        let (rule, egress) = (e.rule_number().unwrap(), e.egress().unwrap());
        let id = format!(
            "nacl-{}",
            crc32fast::hash(
                format!("{}-{rule}-{egress}-{}-", seeded.acl, e.protocol().unwrap()).as_bytes()
            )
        );
        let o = find(&fetched, "aws_network_acl_rule", &id);
        assert_eq!(
            o.meta.get("owner").map(String::as_str),
            Some(format!("aws_network_acl:{}", seeded.acl).as_str())
        );
        assert_eq!(get(o, "rule_number"), &Value::int(i64::from(rule)));
        assert_eq!(get(o, "egress"), &Value::Bool(egress));
        assert_eq!(get(o, "protocol"), &text(e.protocol()));
        assert_eq!(
            get(o, "rule_action"),
            &text(e.rule_action().map(RuleAction::as_str))
        );
        assert_eq!(get(o, "cidr_block"), &text(e.cidr_block()));
        assert_eq!(get(o, "ipv6_cidr_block"), &text(e.ipv6_cidr_block()));
        let unread: Vec<String> = o.unread.iter().map(ToString::to_string).collect();
        match e.port_range() {
            Some(ports) => {
                assert_eq!(
                    get(o, "from_port"),
                    &Value::int(i64::from(ports.from().unwrap()))
                );
                assert_eq!(
                    get(o, "to_port"),
                    &Value::int(i64::from(ports.to().unwrap()))
                );
            }
            None => assert!(unread.contains(&"from_port".to_owned()), "{unread:?}"),
        }
        match e.icmp_type_code() {
            Some(icmp) => {
                assert_eq!(
                    get(o, "icmp_type"),
                    &Value::int(i64::from(icmp.r#type().unwrap()))
                );
                assert_eq!(
                    get(o, "icmp_code"),
                    &Value::int(i64::from(icmp.code().unwrap()))
                );
            }
            None => assert!(unread.contains(&"icmp_type".to_owned()), "{unread:?}"),
        }
    }

    // The route table's `route` set: every route made with CreateRoute but the endpoint's
    // prefix-list route (the VPC's local routes are AWS's), each with its one target.
    let raw_table = describe_one!(
        rt,
        ec2.describe_route_tables().route_table_ids(&base.table),
        route_tables
    );
    let table = find(&fetched, "aws_route_table", &base.table);
    assert!(!is_default(table), "{:?}", table.meta);
    assert_eq!(get(table, "vpc_id"), &Value::string(&base.vpc));
    assert_eq!(get(table, "owner_id"), &text(raw_table.owner_id()));
    let routes = get(table, "route").as_list().unwrap();
    let route_to = |key: &str, destination: &str| {
        routes
            .iter()
            .find(|r| r.get(key) == Some(&Value::string(destination)))
            .unwrap_or_else(|| panic!("no route to {destination}: {routes:?}"))
    };
    assert_eq!(
        route_to("cidr_block", "0.0.0.0/0").get("gateway_id"),
        Some(&Value::string(&base.gateway))
    );
    let to_nat = route_to("cidr_block", "192.168.0.0/16");
    assert_eq!(
        to_nat.get("nat_gateway_id"),
        Some(&Value::string(&seeded.nat))
    );
    assert_eq!(to_nat.get("gateway_id"), Some(&Value::string("")));
    assert_eq!(
        route_to("ipv6_cidr_block", "::/0").get("egress_only_gateway_id"),
        Some(&Value::string(&seeded.egress_only))
    );
    let endpoint_routes: Vec<_> = raw_table
        .routes()
        .iter()
        .filter(|r| r.gateway_id().is_some_and(|g| g.starts_with("vpce-")))
        .collect();
    assert_eq!(endpoint_routes.len(), 1, "{:?}", raw_table.routes());
    let made: Vec<_> = raw_table
        .routes()
        .iter()
        .filter(|r| r.gateway_id() != Some("local"))
        .collect();
    assert_eq!(routes.len(), made.len() - 1, "{routes:?} from {made:?}");

    // Those routes as aws_route, under the provider's id `r-{table}` + crc32(destination).
    for r in &made {
        let destination = r
            .destination_cidr_block()
            .or(r.destination_ipv6_cidr_block())
            .or(r.destination_prefix_list_id())
            .unwrap();
        let id = format!(
            "r-{}{}",
            base.table,
            crc32fast::hash(destination.as_bytes())
        );
        let o = find(&fetched, "aws_route", &id);
        assert_eq!(get(o, "route_table_id"), &Value::string(&base.table));
        assert_eq!(
            get(o, "destination_cidr_block"),
            &text(r.destination_cidr_block())
        );
        assert_eq!(
            get(o, "destination_ipv6_cidr_block"),
            &text(r.destination_ipv6_cidr_block())
        );
        assert_eq!(
            get(o, "destination_prefix_list_id"),
            &text(r.destination_prefix_list_id())
        );
        assert_eq!(get(o, "nat_gateway_id"), &text(r.nat_gateway_id()));
        assert_eq!(
            get(o, "egress_only_gateway_id"),
            &text(r.egress_only_internet_gateway_id())
        );
        assert_eq!(get(o, "origin"), &enum_text(r.origin()));
        assert_eq!(get(o, "state"), &enum_text(r.state()));
        let endpoint = r.gateway_id().filter(|g| g.starts_with("vpce-"));
        if let Some(vpce) = endpoint {
            assert_eq!(vpce, seeded.endpoint);
            assert_eq!(get(o, "vpc_endpoint_id"), &Value::string(vpce));
            assert_eq!(get(o, "gateway_id"), &Value::string(""));
            assert_eq!(
                o.meta.get("owner").map(String::as_str),
                Some(format!("aws_vpc_endpoint:{vpce}").as_str())
            );
        } else {
            assert_eq!(get(o, "gateway_id"), &text(r.gateway_id()));
            assert_eq!(
                o.meta.get("owner").map(String::as_str),
                Some(format!("aws_route_table:{}", base.table).as_str())
            );
        }
    }

    // The subnet's association, and the VPC's main table with its main association: AWS's.
    let raw_association = raw_table
        .associations()
        .iter()
        .find(|a| a.subnet_id() == Some(base.subnet.as_str()))
        .unwrap();
    let association = find(
        &fetched,
        "aws_route_table_association",
        raw_association.route_table_association_id().unwrap(),
    );
    assert_eq!(get(association, "subnet_id"), &Value::string(&base.subnet));
    assert_eq!(
        get(association, "route_table_id"),
        &Value::string(&base.table)
    );
    assert_eq!(get(association, "gateway_id"), &Value::string(""));
    assert!(association.meta.is_empty(), "{:?}", association.meta);
    let raw_main = describe_one!(
        rt,
        ec2.describe_route_tables()
            .filters(Filter::builder().name("vpc-id").values(&base.vpc).build())
            .filters(
                Filter::builder()
                    .name("association.main")
                    .values("true")
                    .build(),
            ),
        route_tables
    );
    let main_id = raw_main.route_table_id().unwrap();
    assert!(is_default(find(&fetched, "aws_route_table", main_id)));
    let main_association = raw_main
        .associations()
        .iter()
        .find(|a| a.main() == Some(true))
        .and_then(|a| a.route_table_association_id())
        .unwrap();
    let main = find(
        &fetched,
        "aws_main_route_table_association",
        main_association,
    );
    assert!(is_default(main), "{:?}", main.meta);
    assert_eq!(get(main, "vpc_id"), &Value::string(&base.vpc));
    assert_eq!(get(main, "route_table_id"), &Value::string(main_id));

    // The NAT gateway, its address and interface as DescribeNatGateways gave them.
    let raw_nat = describe_one!(
        rt,
        ec2.describe_nat_gateways().nat_gateway_ids(&seeded.nat),
        nat_gateways
    );
    let raw_nat_address = &raw_nat.nat_gateway_addresses()[0];
    let nat = find(&fetched, "aws_nat_gateway", &seeded.nat);
    assert_eq!(get(nat, "subnet_id"), &Value::string(&base.subnet));
    assert_eq!(
        get(nat, "allocation_id"),
        &Value::string(&seeded.nat_allocation)
    );
    // Real EC2 answers `public`; moto leaves connectivityType out of DescribeNatGateways.
    assert_eq!(
        get(nat, "connectivity_type"),
        &enum_text(raw_nat.connectivity_type())
    );
    assert_eq!(get(nat, "public_ip"), &text(raw_nat_address.public_ip()));
    assert_eq!(get(nat, "private_ip"), &text(raw_nat_address.private_ip()));
    assert_eq!(
        get(nat, "network_interface_id"),
        &text(raw_nat_address.network_interface_id())
    );
    assert_eq!(
        get(nat, "secondary_private_ip_addresses"),
        &Value::List(vec![])
    );
    assert_eq!(name_tag(nat), Some("egress"));
    // Its interface is the NAT gateway's: real EC2 lists it requester-managed, of type
    // `nat_gateway`, and the adapter marks it managed_by. moto makes it a plain user interface
    // (`interface`, not requester-managed), so the mark follows what the API said.
    let nat_eni_id = raw_nat_address.network_interface_id().unwrap();
    let raw_nat_eni = describe_one!(
        rt,
        ec2.describe_network_interfaces()
            .network_interface_ids(nat_eni_id),
        network_interfaces
    );
    let nat_eni = find(&fetched, "aws_network_interface", nat_eni_id);
    let service_owned = raw_nat_eni.requester_managed() == Some(true)
        || raw_nat_eni
            .interface_type()
            .is_some_and(|t| t.as_str() == "nat_gateway");
    assert_eq!(
        nat_eni.meta.contains_key("managed_by"),
        service_owned,
        "{:?} for {raw_nat_eni:?}",
        nat_eni.meta
    );
    // The gateway's address, associated with that interface.
    let nat_eip = find(&fetched, "aws_eip", &seeded.nat_allocation);
    assert_eq!(
        get(nat_eip, "network_interface"),
        &Value::string(nat_eni_id)
    );
    assert_eq!(
        get(nat_eip, "public_ip"),
        &text(raw_nat_address.public_ip())
    );

    // The egress-only gateway names its VPC.
    let egress_only = find(
        &fetched,
        "aws_egress_only_internet_gateway",
        &seeded.egress_only,
    );
    assert_eq!(get(egress_only, "vpc_id"), &Value::string(&base.vpc));
    assert_eq!(name_tag(egress_only), Some("v6-out"));

    // The S3 gateway endpoint.
    let raw_endpoint = describe_one!(
        rt,
        ec2.describe_vpc_endpoints()
            .vpc_endpoint_ids(&seeded.endpoint),
        vpc_endpoints
    );
    let endpoint = find(&fetched, "aws_vpc_endpoint", &seeded.endpoint);
    assert_eq!(get(endpoint, "vpc_id"), &Value::string(&base.vpc));
    assert_eq!(
        get(endpoint, "service_name"),
        &Value::string(format!("com.amazonaws.{region}.s3"))
    );
    assert_eq!(
        get(endpoint, "vpc_endpoint_type"),
        &Value::string("Gateway")
    );
    assert_eq!(
        sorted_texts(get(endpoint, "route_table_ids")),
        [base.table.as_str()]
    );
    assert_eq!(get(endpoint, "subnet_ids"), &Value::List(vec![]));
    assert_eq!(get(endpoint, "state"), &enum_text(raw_endpoint.state()));
    assert_eq!(
        get(endpoint, "policy"),
        &text(raw_endpoint.policy_document())
    );
    assert_eq!(get(endpoint, "owner_id"), &text(raw_endpoint.owner_id()));
    assert_eq!(name_tag(endpoint), Some("s3"));
    assert!(endpoint.meta.is_empty(), "{:?}", endpoint.meta);

    // The DHCP options, which the VPC now uses; the region's default set is AWS's.
    let dhcp = find(&fetched, "aws_vpc_dhcp_options", &seeded.dhcp);
    assert!(!is_default(dhcp), "{:?}", dhcp.meta);
    assert_eq!(get(dhcp, "domain_name"), &Value::string("corp.example"));
    assert_eq!(
        get(dhcp, "domain_name_servers"),
        &Value::List(vec![
            Value::string("10.10.0.2"),
            Value::string("AmazonProvidedDNS")
        ])
    );
    assert_eq!(
        get(dhcp, "ntp_servers"),
        &Value::List(vec![Value::string("169.254.169.123")])
    );
    assert_eq!(get(dhcp, "netbios_name_servers"), &Value::List(vec![]));
    assert_eq!(name_tag(dhcp), Some("corp"));
    let vpc = find(&fetched, "aws_vpc", &base.vpc);
    assert_eq!(get(vpc, "dhcp_options_id"), &Value::string(&seeded.dhcp));

    // The flow log, as DescribeFlowLogs gave it.
    let raw_log = describe_one!(
        rt,
        ec2.describe_flow_logs().flow_log_ids(&seeded.flow_log),
        flow_logs
    );
    let log = find(&fetched, "aws_flow_log", &seeded.flow_log);
    assert_eq!(get(log, "vpc_id"), &Value::string(&base.vpc));
    assert_eq!(get(log, "subnet_id"), &Value::string(""));
    assert_eq!(get(log, "traffic_type"), &Value::string("REJECT"));
    assert_eq!(
        get(log, "log_destination_type"),
        &Value::string("cloud-watch-logs")
    );
    assert_eq!(
        get(log, "log_destination"),
        &text(raw_log.log_destination())
    );
    assert_eq!(
        get(log, "iam_role_arn"),
        &Value::string("arn:aws:iam::123456789012:role/flow-logs")
    );
    assert_eq!(get(log, "log_format"), &text(raw_log.log_format()));
    assert_eq!(get(log, "max_aggregation_interval"), &Value::int(60));
    assert_eq!(name_tag(log), Some("rejects"));

    // The launch template: the latest version's data, the default version still the first.
    let template = find(&fetched, "aws_launch_template", &seeded.template);
    assert_eq!(
        get(template, "name"),
        &Value::string(format!("web-{}", base.vpc))
    );
    assert_eq!(get(template, "latest_version"), &Value::int(2));
    assert_eq!(get(template, "default_version"), &Value::int(1));
    assert_eq!(get(template, "description"), &Value::string("bigger"));
    assert_eq!(get(template, "instance_type"), &Value::string("t3.small"));
    assert_eq!(get(template, "key_name"), &Value::string("deploy"));
    assert_eq!(
        sorted_texts(get(template, "vpc_security_group_ids")),
        [base.group.as_str()]
    );
    let metadata = &get(template, "metadata_options").as_list().unwrap()[0];
    assert_eq!(
        metadata.get("http_tokens"),
        Some(&Value::string("required"))
    );
    assert_eq!(
        metadata.get("http_endpoint"),
        Some(&Value::string("enabled"))
    );
    assert_eq!(
        metadata.get("http_put_response_hop_limit"),
        Some(&Value::int(2))
    );
    let devices = get(template, "block_device_mappings").as_list().unwrap();
    assert_eq!(devices.len(), 1, "{devices:?}");
    assert_eq!(
        devices[0].get("device_name"),
        Some(&Value::string("/dev/xvdb"))
    );
    let ebs = &devices[0].get("ebs").unwrap().as_list().unwrap()[0];
    assert_eq!(ebs.get("volume_size"), Some(&Value::int(30)));
    assert_eq!(ebs.get("volume_type"), Some(&Value::string("gp3")));
    assert_eq!(ebs.get("encrypted"), Some(&Value::string("true")));
    assert_eq!(
        ebs.get("delete_on_termination"),
        Some(&Value::string("true"))
    );
    assert_eq!(name_tag(template), Some("web"));

    // The snapshot of the data volume.
    let raw_snapshot = describe_one!(
        rt,
        ec2.describe_snapshots().snapshot_ids(&seeded.snapshot),
        snapshots
    );
    let snapshot = find(&fetched, "aws_ebs_snapshot", &seeded.snapshot);
    assert_eq!(get(snapshot, "volume_id"), &Value::string(&base.volume));
    assert_eq!(get(snapshot, "volume_size"), &Value::int(20));
    assert_eq!(get(snapshot, "description"), &Value::string("nightly"));
    assert_eq!(
        get(snapshot, "encrypted"),
        &Value::Bool(raw_snapshot.encrypted().unwrap_or(false))
    );
    assert_eq!(get(snapshot, "owner_id"), &text(raw_snapshot.owner_id()));
    assert_eq!(
        get(snapshot, "arn"),
        &Value::string(format!(
            "arn:aws:ec2:{region}::snapshot/{}",
            seeded.snapshot
        ))
    );
    assert_eq!(name_tag(snapshot), Some("nightly"));
    assert!(snapshot.meta.is_empty(), "{:?}", snapshot.meta);

    // The image of the first instance, with its block devices.
    let raw_image = describe_one!(rt, ec2.describe_images().image_ids(&seeded.image), images);
    let image = find(&fetched, "aws_ami", &seeded.image);
    assert_eq!(get(image, "name"), &Value::string("web-image"));
    assert_eq!(get(image, "description"), &Value::string("web, baked"));
    assert_eq!(get(image, "owner_id"), &text(raw_image.owner_id()));
    assert_eq!(
        get(image, "architecture"),
        &enum_text(raw_image.architecture())
    );
    assert_eq!(
        get(image, "root_device_name"),
        &text(raw_image.root_device_name())
    );
    assert_eq!(
        get(image, "virtualization_type"),
        &enum_text(raw_image.virtualization_type())
    );
    let raw_root_snapshot = raw_image
        .block_device_mappings()
        .iter()
        .find(|m| m.device_name() == raw_image.root_device_name())
        .and_then(|m| m.ebs())
        .and_then(|e| e.snapshot_id());
    assert_eq!(get(image, "root_snapshot_id"), &text(raw_root_snapshot));
    let observed_devices: Vec<String> = get(image, "ebs_block_device")
        .as_list()
        .unwrap()
        .iter()
        .map(|d| {
            d.get("device_name")
                .and_then(Value::as_str)
                .unwrap()
                .to_owned()
        })
        .collect();
    let raw_devices = raw_image
        .block_device_mappings()
        .iter()
        .filter(|m| m.ebs().is_some())
        .filter_map(|m| m.device_name());
    assert_eq!(sorted(observed_devices), sorted(raw_devices));
    assert_eq!(name_tag(image), Some("web-image"));

    // The standalone interface, its secondary address counted; the cluster's is Kubernetes';
    // an instance's primary interface goes with the instance.
    let raw_eni = describe_one!(
        rt,
        ec2.describe_network_interfaces()
            .network_interface_ids(&seeded.interface),
        network_interfaces
    );
    let eni = find(&fetched, "aws_network_interface", &seeded.interface);
    assert_eq!(get(eni, "subnet_id"), &Value::string(&base.subnet));
    assert_eq!(get(eni, "description"), &Value::string("standalone"));
    assert_eq!(get(eni, "private_ip"), &Value::string("10.10.1.50"));
    assert_eq!(get(eni, "mac_address"), &text(raw_eni.mac_address()));
    assert_eq!(
        sorted_texts(get(eni, "private_ips")),
        sorted(
            raw_eni
                .private_ip_addresses()
                .iter()
                .filter_map(|a| a.private_ip_address())
        )
    );
    assert_eq!(get(eni, "private_ips_count"), &Value::int(1));
    assert_eq!(
        sorted_texts(get(eni, "security_groups")),
        [base.group.as_str()]
    );
    assert_eq!(get(eni, "attachment"), &Value::List(vec![]));
    assert_eq!(name_tag(eni), Some("standalone"));
    assert!(eni.meta.is_empty(), "{:?}", eni.meta);
    let kube = find(&fetched, "aws_network_interface", &seeded.kube_interface);
    assert_eq!(
        kube.meta.get("managed_by").map(String::as_str),
        Some("kubernetes")
    );
    let primary = fetched
        .observations
        .iter()
        .find(|o| {
            o.r#type == "aws_network_interface"
                && o.meta.get("owner").map(String::as_str)
                    == Some(format!("aws_instance:{}", base.instances[0]).as_str())
        })
        .expect("the instance's primary interface goes with it");
    let attachment = &get(primary, "attachment").as_list().unwrap()[0];
    assert_eq!(attachment.get("device_index"), Some(&Value::int(0)));

    // The key pair, as DescribeKeyPairs gave it.
    let raw_key = describe_one!(rt, ec2.describe_key_pairs().key_names("deploy"), key_pairs);
    let key = find(&fetched, "aws_key_pair", "deploy");
    assert_eq!(get(key, "fingerprint"), &text(raw_key.key_fingerprint()));
    assert_eq!(get(key, "key_pair_id"), &text(raw_key.key_pair_id()));

    // EBS encryption by default: the region's one setting, AWS's own.
    let setting = find(&fetched, "aws_ebs_encryption_by_default", region);
    assert!(is_default(setting), "{:?}", setting.meta);
    assert_eq!(get(setting, "enabled"), &Value::Bool(false));
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
    let mut managed: Vec<&Observation> = before
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
    // The group's HTTPS rule is also held by an `aws_security_group_rule` resource.
    let https_rule = before
        .observations
        .iter()
        .find(|o| {
            o.r#type == "aws_security_group_rule"
                && o.attributes.get("security_group_id") == Some(&Value::string(&seeded.group))
                && o.attributes.get("from_port") == Some(&Value::int(443))
        })
        .expect("the HTTPS rule is read as an aws_security_group_rule");
    managed.push(https_rule);
    let states = vec![state_of(&managed)];
    let in_sync = scan(&states, &before);
    assert_eq!(in_sync.summary.drifted, 0, "{:#?}", in_sync.findings);
    assert_eq!(in_sync.summary.missing, 0, "{:#?}", in_sync.findings);

    // By hand: SSH opened to the world, IMDSv2 turned off, a retag, a volume deleted, an
    // instance resized, another launched outside Terraform.
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
        ec2.stop_instances()
            .instance_ids(&seeded.instances[1])
            .send()
            .await
            .unwrap();
        ec2.modify_instance_attribute()
            .instance_id(&seeded.instances[1])
            .instance_type(
                aws_sdk_ec2::types::AttributeValue::builder()
                    .value("t3.large")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        ec2.start_instances()
            .instance_ids(&seeded.instances[1])
            .send()
            .await
            .unwrap();
    });
    let rogue = rt
        .block_on(
            ec2.run_instances()
                .image_id(
                    before
                        .observations
                        .iter()
                        .find(|o| o.id == seeded.instances[0])
                        .and_then(|o| o.attributes.get("ami"))
                        .and_then(Value::as_str)
                        .unwrap(),
                )
                .instance_type(InstanceType::T3Micro)
                .min_count(1)
                .max_count(1)
                .subnet_id(&seeded.subnet)
                .tag_specifications(tagged(ResourceType::Instance, "rogue"))
                .send(),
        )
        .unwrap()
        .instances
        .unwrap_or_default()
        .into_iter()
        .find_map(|i| i.instance_id)
        .unwrap();
    let after = fetch(region, false);
    let report = scan(&states, &after);
    let finding = |kind: Kind, id: &str| finding(&report, kind, id);
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
    let resized = finding(Kind::Changed, &seeded.instances[1]);
    assert_eq!(resized.severity, Some(Severity::Medium), "{resized:#?}");
    assert!(
        resized
            .attributes
            .iter()
            .any(|d| d.path.to_string() == "instance_type"),
        "{resized:#?}"
    );
    let unmanaged = finding(Kind::Unmanaged, &rogue);
    assert_eq!(unmanaged.r#type, "aws_instance");
    // Nothing else moved: the rule resource still finds its rule.
    assert_eq!(report.summary.drifted, 4, "{:#?}", report.findings);
    assert_eq!(report.summary.missing, 1, "{:#?}", report.findings);
    // (The seeded objects left out of the state, such as the route table, are unmanaged too.)
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

/// A managed-only read asks for the state's objects by id (`vpc-id`, `instance-id`, ...
/// filters) and finds exactly what the whole listing finds of them; types the state does not
/// hold are not read at all.
#[test]
fn a_managed_only_read_asks_by_id_and_finds_the_same() {
    let region = "eu-south-1";
    let rt = runtime();
    let seeded = rt.block_on(seed(&client(region)));
    let full = fetch(region, false);
    let pick = |resource_type: &str, id: &str| {
        full.observations
            .iter()
            .find(|o| o.r#type == resource_type && o.id == id)
            .cloned()
            .unwrap_or_else(|| panic!("{resource_type} {id} in the whole listing"))
    };
    let key_pair = full
        .observations
        .iter()
        .find(|o| o.r#type == "aws_key_pair")
        .expect("the key pair")
        .id
        .clone();
    let wanted = [
        pick("aws_vpc", &seeded.vpc),
        pick("aws_subnet", &seeded.subnet),
        pick("aws_instance", &seeded.instances[0]),
        pick("aws_security_group", &seeded.group),
        pick("aws_key_pair", &key_pair),
    ];
    let mut ids: std::collections::BTreeMap<plumb_model::Scope, BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for o in &wanted {
        ids.entry(plumb_model::Scope::new(region, &o.r#type))
            .or_default()
            .insert(o.id.clone());
    }
    let managed = adapter()
        .fetch(&FetchRequest {
            regions: vec![region.to_owned()],
            types: SUPPORTED_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            ids: Some(ids),
            ..FetchRequest::default()
        })
        .unwrap();
    let calls = &managed.stats.calls;
    for op in [
        "DescribeVpcs",
        "DescribeSubnets",
        "DescribeInstances",
        "DescribeKeyPairs",
    ] {
        assert_eq!(calls.get(op), Some(&1), "{op}: {calls:?}");
    }
    assert!(!calls.contains_key("DescribeNatGateways"), "{calls:?}");
    assert!(!calls.contains_key("DescribeFlowLogs"), "{calls:?}");
    let mut got: Vec<Observation> = managed
        .observations
        .iter()
        .filter(|o| wanted.iter().any(|w| w.r#type == o.r#type))
        .cloned()
        .collect();
    let mut expected = wanted.to_vec();
    let order = |a: &Observation, b: &Observation| (&a.r#type, &a.id).cmp(&(&b.r#type, &b.id));
    got.sort_by(order);
    expected.sort_by(order);
    assert_eq!(got, expected);
}

/// A new VPC, tagged `name`.
async fn vpc_in(ec2: &Client, cidr: &str, name: &str) -> String {
    ec2.create_vpc()
        .cidr_block(cidr)
        .tag_specifications(tagged(ResourceType::Vpc, name))
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap()
}

/// A peering connection requested from `vpc` to `peer_vpc` (in `peer_region` when given).
async fn request_peering(
    ec2: &Client,
    vpc: &str,
    peer_vpc: &str,
    peer_region: Option<&str>,
    name: &str,
) -> String {
    ec2.create_vpc_peering_connection()
        .vpc_id(vpc)
        .peer_vpc_id(peer_vpc)
        .set_peer_region(peer_region.map(str::to_owned))
        .tag_specifications(tagged(ResourceType::VpcPeeringConnection, name))
        .send()
        .await
        .unwrap()
        .vpc_peering_connection
        .unwrap()
        .vpc_peering_connection_id
        .unwrap()
}

/// Peering connections: a connection within a region (`aws_vpc_peering_connection`) and one
/// across regions whose accepting region adopts it (`aws_vpc_peering_connection_accepter`,
/// matched with the connection that region lists). One deleted before the scan is not listed;
/// an option flipped by hand is drift, a connection deleted by hand is missing.
///
/// moto returns what the provider reads (status, both sides' owner, VPC, region and options,
/// tags) except that it gives each side's options before the connection is accepted, which
/// EC2 does not; it takes no filters and no page size.
#[test]
fn peering_connections_are_read_from_either_side_and_changes_by_hand_found() {
    let (here, there) = ("ap-northeast-1", "ap-northeast-2");
    let (ec2, remote) = (client(here), client(there));
    let rt = runtime();
    let (local, cross, deleted, hub, spoke, far) = rt.block_on(async {
        let hub = vpc_in(&ec2, "10.20.0.0/16", "hub").await;
        let spoke = vpc_in(&ec2, "10.21.0.0/16", "spoke").await;
        let far = vpc_in(&remote, "10.22.0.0/16", "far").await;
        let local = request_peering(&ec2, &hub, &spoke, None, "hub-spoke").await;
        ec2.accept_vpc_peering_connection()
            .vpc_peering_connection_id(&local)
            .send()
            .await
            .unwrap();
        let cross = request_peering(&ec2, &hub, &far, Some(there), "hub-far").await;
        // A cross-region connection is accepted in the accepter's region.
        remote
            .accept_vpc_peering_connection()
            .vpc_peering_connection_id(&cross)
            .send()
            .await
            .unwrap();
        let deleted = request_peering(&ec2, &hub, &spoke, None, "gone").await;
        ec2.delete_vpc_peering_connection()
            .vpc_peering_connection_id(&deleted)
            .send()
            .await
            .unwrap();
        (local, cross, deleted, hub, spoke, far)
    });
    let fetch_both = || {
        adapter()
            .fetch(&FetchRequest {
                regions: vec![here.to_owned(), there.to_owned()],
                types: vec!["aws_vpc_peering_connection".to_owned()],
                ..FetchRequest::default()
            })
            .unwrap()
    };
    let before = fetch_both();
    assert!(before.failures.is_empty(), "{:?}", before.failures);
    // One listing per region.
    assert_eq!(
        before.stats.calls.get("DescribeVpcPeeringConnections"),
        Some(&2),
        "{:?}",
        before.stats.calls
    );
    let in_region = |fetched: &Fetched, region: &str, id: &str| -> Option<Observation> {
        fetched
            .observations
            .iter()
            .find(|o| o.region == region && o.r#type == "aws_vpc_peering_connection" && o.id == id)
            .cloned()
    };
    assert!(
        before.observations.iter().all(|o| o.id != deleted),
        "a deleted connection is gone"
    );
    let account = "123456789012";
    let connection = in_region(&before, here, &local).expect("the local connection");
    let expected: Value = serde_json::from_value(serde_json::json!({
        "id": local,
        "region": here,
        "accept_status": "active",
        "vpc_id": hub,
        "peer_vpc_id": spoke,
        "peer_owner_id": account,
        "peer_region": here,
        "accepter": [{"allow_remote_vpc_dns_resolution": false}],
        "requester": [{"allow_remote_vpc_dns_resolution": false}],
        "tags": {"Name": "hub-spoke"},
        "tags_all": {"Name": "hub-spoke"},
    }))
    .unwrap();
    assert_eq!(connection.attributes, expected);
    let unread: Vec<String> = connection.unread.iter().map(ToString::to_string).collect();
    assert_eq!(unread, ["auto_accept"]);
    // The cross-region connection, from the accepting region: the same account requested it,
    // so `vpc_id` is still the requester's VPC, as the provider reads it.
    let adopted =
        in_region(&before, there, &cross).expect("the connection in the accepter's region");
    assert_eq!(get(&adopted, "region"), &Value::string(there));
    assert_eq!(get(&adopted, "vpc_id"), &Value::string(&hub));
    assert_eq!(get(&adopted, "peer_vpc_id"), &Value::string(&far));
    assert_eq!(get(&adopted, "peer_region"), &Value::string(there));
    assert_eq!(get(&adopted, "accept_status"), &Value::string("active"));

    // A managed-only read of the local connection finds it alone in its region (moto ignores
    // the `vpc-peering-connection-id` filter: the adapter narrows what comes back too).
    let managed = adapter()
        .fetch(&FetchRequest {
            regions: vec![here.to_owned()],
            types: vec!["aws_vpc_peering_connection".to_owned()],
            ids: Some(std::collections::BTreeMap::from([(
                plumb_model::Scope::new(here, "aws_vpc_peering_connection"),
                BTreeSet::from([local.clone()]),
            )])),
            ..FetchRequest::default()
        })
        .unwrap();
    assert_eq!(managed.observations, std::slice::from_ref(&connection));

    // The state: the local connection, and the cross-region one's accepter in its region.
    let mut accepter = adopted.clone();
    accepter.r#type = "aws_vpc_peering_connection_accepter".to_owned();
    if let Some(map) = accepter.attributes.as_map_mut() {
        map.insert("vpc_peering_connection_id", Value::string(&cross));
        map.insert("auto_accept", Value::Bool(true));
    }
    let states = vec![state_of(&[&connection, &accepter])];
    let in_sync = scan(&states, &before);
    assert_eq!(in_sync.summary.drifted, 0, "{:#?}", in_sync.findings);
    assert_eq!(in_sync.summary.missing, 0, "{:#?}", in_sync.findings);

    // By hand: DNS resolution allowed on the requester's side, the cross-region connection
    // deleted.
    rt.block_on(async {
        ec2.modify_vpc_peering_connection_options()
            .vpc_peering_connection_id(&local)
            .requester_peering_connection_options(
                aws_sdk_ec2::types::PeeringConnectionOptionsRequest::builder()
                    .allow_dns_resolution_from_remote_vpc(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        ec2.delete_vpc_peering_connection()
            .vpc_peering_connection_id(&cross)
            .send()
            .await
            .unwrap();
    });
    let after = fetch_both();
    assert!(in_region(&after, there, &cross).is_none());
    let report = scan(&states, &after);
    let finding = |kind: Kind, id: &str| finding(&report, kind, id);
    let changed = finding(Kind::Changed, &local);
    let paths: Vec<String> = changed
        .attributes
        .iter()
        .map(|d| d.path.to_string())
        .collect();
    assert_eq!(
        paths,
        ["requester[0].allow_remote_vpc_dns_resolution"],
        "{changed:#?}"
    );
    let missing = finding(Kind::Missing, &cross);
    assert_eq!(missing.r#type, "aws_vpc_peering_connection_accepter");
    assert_eq!(report.summary.drifted, 1, "{:#?}", report.findings);
    assert_eq!(report.summary.missing, 1, "{:#?}", report.findings);
}
