//! Which public cloud, from the DMI strings alone: no metadata service, no network.
//! The strings are the ones the providers document and cloud-init checks.

use super::dmi::Dmi;

/// A public cloud ctop recognises from its firmware strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cloud {
    Aws,
    Gcp,
    Azure,
    Oracle,
    Alibaba,
    DigitalOcean,
    Hetzner,
    Linode,
    Vultr,
    Scaleway,
    Upcloud,
    Exoscale,
    Cloudsigma,
    OpenStack,
    Huawei,
    Otc,
}

impl Cloud {
    pub const ALL: [Cloud; 16] = [
        Cloud::Aws,
        Cloud::Gcp,
        Cloud::Azure,
        Cloud::Oracle,
        Cloud::Alibaba,
        Cloud::DigitalOcean,
        Cloud::Hetzner,
        Cloud::Linode,
        Cloud::Vultr,
        Cloud::Scaleway,
        Cloud::Upcloud,
        Cloud::Exoscale,
        Cloud::Cloudsigma,
        Cloud::OpenStack,
        Cloud::Huawei,
        Cloud::Otc,
    ];

    /// The stable id used in `--json`.
    pub fn id(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Gcp => "gcp",
            Cloud::Azure => "azure",
            Cloud::Oracle => "oracle",
            Cloud::Alibaba => "alibaba",
            Cloud::DigitalOcean => "digitalocean",
            Cloud::Hetzner => "hetzner",
            Cloud::Linode => "linode",
            Cloud::Vultr => "vultr",
            Cloud::Scaleway => "scaleway",
            Cloud::Upcloud => "upcloud",
            Cloud::Exoscale => "exoscale",
            Cloud::Cloudsigma => "cloudsigma",
            Cloud::OpenStack => "openstack",
            Cloud::Huawei => "huawei",
            Cloud::Otc => "otc",
        }
    }

    /// What the provider calls one of its machines.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Aws => "AWS EC2",
            Cloud::Gcp => "Google Compute Engine",
            Cloud::Azure => "Azure VM",
            Cloud::Oracle => "Oracle Cloud",
            Cloud::Alibaba => "Alibaba Cloud ECS",
            Cloud::DigitalOcean => "DigitalOcean Droplet",
            Cloud::Hetzner => "Hetzner Cloud",
            Cloud::Linode => "Akamai/Linode",
            Cloud::Vultr => "Vultr",
            Cloud::Scaleway => "Scaleway",
            Cloud::Upcloud => "UpCloud",
            Cloud::Exoscale => "Exoscale",
            Cloud::Cloudsigma => "CloudSigma",
            Cloud::OpenStack => "OpenStack",
            Cloud::Huawei => "Huawei Cloud",
            Cloud::Otc => "Open Telekom Cloud",
        }
    }

    pub fn from_id(id: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Every virtual machine this provider sells is a KVM guest, so where its DMI names
    /// the provider but not the hypervisor and there is no CPUID to ask (arm), the
    /// hypervisor is still known.
    pub fn sells_only_kvm_guests(self) -> bool {
        matches!(
            self,
            Cloud::Alibaba
                | Cloud::DigitalOcean
                | Cloud::Hetzner
                | Cloud::Linode
                | Cloud::Vultr
                | Cloud::Scaleway
                | Cloud::Upcloud
                | Cloud::Exoscale
                | Cloud::Cloudsigma
                | Cloud::OpenStack
                | Cloud::Huawei
                | Cloud::Otc
        )
    }
}

#[derive(Clone, Copy)]
enum Field {
    SysVendor,
    ProductName,
    BiosVendor,
    BiosVersion,
    ChassisAssetTag,
}

#[derive(Clone, Copy)]
enum Match {
    Exact,
    Prefix,
    Suffix,
}

/// One recognisable string. Asset tags come first: Huawei and Open Telekom Cloud
/// machines also call themselves "OpenStack Nova".
const RULES: &[(Cloud, Field, Match, &str)] = &[
    (Cloud::Azure, Field::ChassisAssetTag, Match::Exact, "7783-7084-3265-9085-8269-3286-77"),
    (Cloud::Oracle, Field::ChassisAssetTag, Match::Exact, "OracleCloud.com"),
    (Cloud::Huawei, Field::ChassisAssetTag, Match::Exact, "HUAWEICLOUD"),
    (Cloud::Otc, Field::ChassisAssetTag, Match::Exact, "OpenTelekomCloud"),
    (Cloud::Aws, Field::SysVendor, Match::Exact, "Amazon EC2"),
    (Cloud::Aws, Field::BiosVendor, Match::Exact, "Amazon EC2"),
    // The Xen generation of EC2: the firmware version reads "4.2.amazon".
    (Cloud::Aws, Field::BiosVersion, Match::Suffix, ".amazon"),
    (Cloud::Gcp, Field::ProductName, Match::Exact, "Google Compute Engine"),
    (Cloud::Gcp, Field::SysVendor, Match::Exact, "Google"),
    (Cloud::Alibaba, Field::SysVendor, Match::Prefix, "Alibaba Cloud"),
    (Cloud::Alibaba, Field::ProductName, Match::Prefix, "Alibaba Cloud ECS"),
    (Cloud::DigitalOcean, Field::SysVendor, Match::Exact, "DigitalOcean"),
    (Cloud::Hetzner, Field::SysVendor, Match::Exact, "Hetzner"),
    (Cloud::Linode, Field::SysVendor, Match::Exact, "Linode"),
    (Cloud::Linode, Field::SysVendor, Match::Prefix, "Akamai"),
    (Cloud::Vultr, Field::SysVendor, Match::Exact, "Vultr"),
    (Cloud::Scaleway, Field::SysVendor, Match::Exact, "Scaleway"),
    (Cloud::Upcloud, Field::SysVendor, Match::Exact, "UpCloud"),
    (Cloud::Exoscale, Field::SysVendor, Match::Exact, "Exoscale"),
    (Cloud::Exoscale, Field::ProductName, Match::Prefix, "Exoscale"),
    (Cloud::Cloudsigma, Field::ProductName, Match::Prefix, "CloudSigma"),
    (Cloud::OpenStack, Field::ProductName, Match::Exact, "OpenStack Nova"),
    (Cloud::OpenStack, Field::ProductName, Match::Exact, "OpenStack Compute"),
    (Cloud::OpenStack, Field::ChassisAssetTag, Match::Exact, "OpenStack Nova"),
    (Cloud::OpenStack, Field::ChassisAssetTag, Match::Exact, "OpenStack Compute"),
    (Cloud::OpenStack, Field::SysVendor, Match::Exact, "OpenStack Foundation"),
];

/// The cloud the DMI strings name, noting the string that said so.
pub(super) fn detect(dmi: &Dmi, evidence: &mut Vec<String>) -> Option<Cloud> {
    RULES.iter().find_map(|&(cloud, field, how, text)| {
        let (name, value) = match field {
            Field::SysVendor => ("sys_vendor", dmi.sys_vendor.as_deref()),
            Field::ProductName => ("product_name", dmi.product_name.as_deref()),
            Field::BiosVendor => ("bios_vendor", dmi.bios_vendor.as_deref()),
            Field::BiosVersion => ("bios_version", dmi.bios_version.as_deref()),
            Field::ChassisAssetTag => ("chassis_asset_tag", dmi.chassis_asset_tag.as_deref()),
        };
        let value = value?;
        // Providers have changed capitalisation over the years ("Openstack Nova").
        let (v, t) = (value.to_ascii_lowercase(), text.to_ascii_lowercase());
        let hit = match how {
            Match::Exact => v == t,
            Match::Prefix => v.starts_with(&t),
            Match::Suffix => v.ends_with(&t),
        };
        hit.then(|| {
            evidence.push(format!("DMI {name} \"{value}\""));
            cloud
        })
    })
}

/// The instance type, where the firmware carries it: EC2 puts it in the product name
/// (`c5.large`, `m6g.metal`); the Xen generation says "HVM domU" there instead.
pub(super) fn instance_type(cloud: Option<Cloud>, dmi: &Dmi) -> Option<String> {
    if cloud != Some(Cloud::Aws) {
        return None;
    }
    let name = dmi.product_name.as_deref()?;
    let looks_like_type = name.contains('.') && !name.contains(char::is_whitespace);
    looks_like_type.then(|| name.to_string())
}

/// EC2 bare-metal instance types end in `.metal` or `.metal-<size>`.
pub(super) fn is_aws_metal(instance_type: &str) -> bool {
    instance_type.split_once(".metal").is_some_and(|(_, rest)| rest.is_empty() || rest.starts_with('-'))
}
