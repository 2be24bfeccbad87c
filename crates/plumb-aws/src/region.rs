//! One region's reader: its client, the bound on calls in flight, and the listings that several
//! types share, each fetched once however many types ask for it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_ec2::types::{
    Address, Filter, Instance, NetworkAcl, RouteTable, SecurityGroup, SecurityGroupRule, Volume,
};
use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};

use crate::client::{Stats, error_text};
use crate::ops::{self, Operation};

/// The most values EC2 takes in one filter.
const FILTER_VALUES: usize = 200;

/// A listing's result, shared by the types built from it. The error is already one line.
pub(crate) type Shared<T> = Result<Arc<Vec<T>>, String>;

/// A listing read once per region and shared by every type that reads it: the first asker
/// reads, the others wait for the same answer.
async fn shared<T, F>(cell: &OnceCell<Shared<T>>, read: impl FnOnce() -> F) -> Shared<T>
where
    F: std::future::Future<Output = Result<Vec<T>, String>>,
{
    cell.get_or_init(|| async { read().await.map(Arc::new) })
        .await
        .clone()
}

/// Calls one page after another of a paginated `Describe*`, each under a permit, counting
/// calls, and collects what `$items` takes out of each page.
macro_rules! paginate {
    ($reader:expr, $op:expr, $request:expr, |$page:ident| $items:expr) => {{
        let reader: &$crate::region::RegionReader = $reader;
        let mut pages = $request.into_paginator().send();
        let mut all = Vec::new();
        loop {
            let permit = reader.permit().await;
            let next = pages.next().await;
            drop(permit);
            match next {
                None => break,
                Some(Err(error)) => {
                    reader.count($op);
                    return Err($crate::region::failed($op, &error));
                }
                Some(Ok($page)) => {
                    reader.count($op);
                    all.extend($items);
                }
            }
        }
        all
    }};
}
pub(crate) use paginate;

/// [`paginate!`] over a listing that can ask by id: the whole listing, or in a managed-only
/// read the state's objects of `$type` through `$filter` filters of up to 200 ids a call.
macro_rules! listing {
    ($reader:expr, $op:expr, $type:expr, $filter:expr, $request:expr, |$page:ident| $items:expr) => {
        $crate::region::listing!($reader, $op, $type, $filter, $request, filters, |$page| {
            $items
        })
    };
    // `$method`: the request's filter setter, `filter` on the few operations that name it so.
    ($reader:expr, $op:expr, $type:expr, $filter:expr, $request:expr, $method:ident, |$page:ident| $items:expr) => {{
        let reader: &$crate::region::RegionReader = $reader;
        let mut all = Vec::new();
        match reader.id_filters($type, $filter) {
            None => all.extend($crate::region::paginate!(reader, $op, $request, |$page| {
                $items
            })),
            Some(filters) => {
                for filter in filters {
                    all.extend($crate::region::paginate!(
                        reader,
                        $op,
                        $request.clone().$method(filter),
                        |$page| $items
                    ));
                }
            }
        }
        all
    }};
}
pub(crate) use listing;

#[derive(Debug)]
pub(crate) struct RegionReader {
    pub(crate) ec2: aws_sdk_ec2::Client,
    pub(crate) region: String,
    /// The account the credentials act in, for the ARNs EC2 does not return.
    pub(crate) account: String,
    /// Read attributes that cost a call per resource for every resource.
    pub(crate) thorough: bool,
    /// Per type, the resources whose per-resource attributes are wanted anyway.
    details: BTreeMap<String, BTreeSet<String>>,
    /// In a managed-only read, the state's ids per type: listings that can ask by id do.
    managed: Option<BTreeMap<String, BTreeSet<String>>>,
    stats: Arc<Stats>,
    permits: Arc<Semaphore>,
    instances: OnceCell<Shared<(String, Instance)>>,
    volumes: OnceCell<Shared<Volume>>,
    security_groups: OnceCell<Shared<SecurityGroup>>,
    security_group_rules: OnceCell<Shared<SecurityGroupRule>>,
    route_tables: OnceCell<Shared<RouteTable>>,
    network_acls: OnceCell<Shared<NetworkAcl>>,
    addresses: OnceCell<Shared<Address>>,
}

impl RegionReader {
    pub(crate) fn new(
        ec2: aws_sdk_ec2::Client,
        region: String,
        account: String,
        stats: Arc<Stats>,
        permits: Arc<Semaphore>,
        thorough: bool,
        details: BTreeMap<String, BTreeSet<String>>,
    ) -> Self {
        RegionReader {
            ec2,
            region,
            account,
            thorough,
            details,
            managed: None,
            stats,
            permits,
            instances: OnceCell::new(),
            volumes: OnceCell::new(),
            security_groups: OnceCell::new(),
            security_group_rules: OnceCell::new(),
            route_tables: OnceCell::new(),
            network_acls: OnceCell::new(),
            addresses: OnceCell::new(),
        }
    }

    /// A managed-only read: the state's ids per type, which listings ask for by id.
    pub(crate) fn with_managed(
        mut self,
        managed: Option<BTreeMap<String, BTreeSet<String>>>,
    ) -> Self {
        self.managed = managed;
        self
    }

    /// In a managed-only read, the filters (`filter_name` with up to 200 ids each) that ask
    /// for the state's objects of `resource_type` only; `None` when everything is to be
    /// listed (unmanaged discovery).
    pub(crate) fn id_filters(&self, resource_type: &str, filter_name: &str) -> Option<Vec<Filter>> {
        let managed = self.managed.as_ref()?;
        let ids: Vec<String> = managed
            .get(resource_type)
            .map(|ids| ids.iter().cloned().collect())
            .unwrap_or_default();
        Some(
            ids.chunks(FILTER_VALUES)
                .map(|chunk| {
                    Filter::builder()
                        .name(filter_name)
                        .set_values(Some(chunk.to_vec()))
                        .build()
                })
                .collect(),
        )
    }

    /// Whether the per-resource attributes of this object are to be read.
    pub(crate) fn wants_details(&self, resource_type: &str, id: &str) -> bool {
        self.thorough
            || self
                .details
                .get(resource_type)
                .is_some_and(|ids| ids.contains(id))
    }

    pub(crate) async fn permit(&self) -> SemaphorePermit<'_> {
        // The semaphore is never closed, so acquiring cannot fail.
        self.permits
            .acquire()
            .await
            .unwrap_or_else(|_| unreachable!("the call semaphore is never closed"))
    }

    pub(crate) fn count(&self, op: Operation) {
        self.stats.call(op.name);
    }

    /// One non-paginated call under a permit, counted.
    pub(crate) async fn send<T, E, F>(&self, op: Operation, call: F) -> Result<T, String>
    where
        F: std::future::Future<Output = Result<T, E>>,
        E: std::error::Error + 'static,
    {
        let permit = self.permit().await;
        let result = call.await;
        drop(permit);
        self.count(op);
        result.map_err(|e| failed(op, &e))
    }

    /// `arn:PARTITION:ec2:REGION:ACCOUNT:KIND/ID`, for objects whose ARN EC2 does not return.
    pub(crate) fn arn(&self, kind: &str, id: &str) -> String {
        self.arn_in(&self.account, kind, id)
    }

    /// An EC2 ARN in this region naming `account` (empty for the images and snapshots whose
    /// ARNs name none): `arn:PARTITION:ec2:REGION:ACCOUNT:KIND/ID`.
    pub(crate) fn arn_in(&self, account: &str, kind: &str, id: &str) -> String {
        format!(
            "arn:{}:ec2:{}:{account}:{kind}/{id}",
            partition(&self.region),
            self.region
        )
    }

    /// Instances, with the owner of their reservation; terminated ones are gone, as Terraform
    /// sees them. In a managed-only read, only the state's, by `instance-id` filters.
    pub(crate) async fn instances(&self) -> Shared<(String, Instance)> {
        self.instances
            .get_or_init(|| async {
                let requests: Vec<_> = match self.id_filters("aws_instance", "instance-id") {
                    None => vec![self.ec2.describe_instances().max_results(1000)],
                    Some(filters) => filters
                        .into_iter()
                        .map(|f| self.ec2.describe_instances().filters(f).max_results(1000))
                        .collect(),
                };
                let mut all = Vec::new();
                for request in requests {
                    all.extend(self.instance_pages(request).await?);
                }
                Ok(Arc::new(all))
            })
            .await
            .clone()
    }

    async fn instance_pages(
        &self,
        request: aws_sdk_ec2::operation::describe_instances::builders::DescribeInstancesFluentBuilder,
    ) -> Result<Vec<(String, Instance)>, String> {
        let all = paginate!(self, ops::DESCRIBE_INSTANCES, request, |page| {
            page.reservations
                .unwrap_or_default()
                .into_iter()
                .flat_map(|reservation| {
                    let owner = reservation.owner_id.unwrap_or_default();
                    reservation
                        .instances
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |i| (owner.clone(), i))
                })
                .filter(|(_, i)| {
                    !matches!(
                        i.state()
                            .and_then(|s| s.name())
                            .map(aws_sdk_ec2::types::InstanceStateName::as_str),
                        Some("terminated" | "shutting-down")
                    )
                })
        });
        Ok(all)
    }

    pub(crate) async fn volumes(&self) -> Shared<Volume> {
        shared(&self.volumes, || async {
            let request = self.ec2.describe_volumes().max_results(500);
            Ok(paginate!(self, ops::DESCRIBE_VOLUMES, request, |page| {
                page.volumes.unwrap_or_default()
            }))
        })
        .await
    }

    pub(crate) async fn security_groups(&self) -> Shared<SecurityGroup> {
        shared(&self.security_groups, || async {
            let request = self.ec2.describe_security_groups().max_results(1000);
            Ok(paginate!(
                self,
                ops::DESCRIBE_SECURITY_GROUPS,
                request,
                |page| page.security_groups.unwrap_or_default()
            ))
        })
        .await
    }

    pub(crate) async fn security_group_rules(&self) -> Shared<SecurityGroupRule> {
        shared(&self.security_group_rules, || async {
            let request = self.ec2.describe_security_group_rules().max_results(1000);
            Ok(paginate!(
                self,
                ops::DESCRIBE_SECURITY_GROUP_RULES,
                request,
                |page| page.security_group_rules.unwrap_or_default()
            ))
        })
        .await
    }

    pub(crate) async fn route_tables(&self) -> Shared<RouteTable> {
        shared(&self.route_tables, || async {
            let request = self.ec2.describe_route_tables().max_results(100);
            Ok(paginate!(
                self,
                ops::DESCRIBE_ROUTE_TABLES,
                request,
                |page| page.route_tables.unwrap_or_default()
            ))
        })
        .await
    }

    pub(crate) async fn network_acls(&self) -> Shared<NetworkAcl> {
        shared(&self.network_acls, || async {
            let request = self.ec2.describe_network_acls().max_results(100);
            Ok(paginate!(
                self,
                ops::DESCRIBE_NETWORK_ACLS,
                request,
                |page| page.network_acls.unwrap_or_default()
            ))
        })
        .await
    }

    /// Elastic IPs (`DescribeAddresses` has no pages: one call answers all).
    pub(crate) async fn addresses(&self) -> Shared<Address> {
        self.addresses
            .get_or_init(|| async {
                let output = self
                    .send(
                        ops::DESCRIBE_ADDRESSES,
                        self.ec2.describe_addresses().send(),
                    )
                    .await?;
                Ok(Arc::new(output.addresses.unwrap_or_default()))
            })
            .await
            .clone()
    }
}

/// A failed call's error, naming the operation.
pub(crate) fn failed(op: Operation, error: &(dyn std::error::Error + 'static)) -> String {
    format!("{}: {}", op.name, error_text(error))
}

/// The ARN partition a region belongs to.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A reader for mapping tests: nothing is ever sent through its client.
    pub(crate) fn reader() -> RegionReader {
        let config = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("eu-west-1"))
            .build();
        RegionReader::new(
            aws_sdk_ec2::Client::from_conf(config),
            "eu-west-1".to_owned(),
            "123456789012".to_owned(),
            Arc::default(),
            Arc::new(Semaphore::new(1)),
            false,
            BTreeMap::new(),
        )
    }
}
