//! Every Juzibot endpoint the adapter calls: seed page 004 documents all four customer
//! endpoints; the tag list comes from Juzibot's wider docs.

use app::domain::{EndpointSpec, VendorFeature};

use super::client::{PATH_ADD_FOLLOW, PATH_CUSTOMER_DETAIL, PATH_CUSTOMER_LIST, PATH_SET_REMARK, PATH_TAG_LIST};

pub const ENDPOINTS: &[EndpointSpec] = &[
    EndpointSpec::new("GET", PATH_CUSTOMER_LIST, VendorFeature::CustomerList, true),
    EndpointSpec::new("GET", PATH_CUSTOMER_DETAIL, VendorFeature::CustomerProfile, true),
    EndpointSpec::new("POST", PATH_SET_REMARK, VendorFeature::WriteRemark, true),
    EndpointSpec::new("POST", PATH_ADD_FOLLOW, VendorFeature::WriteNote, true),
    EndpointSpec::new("GET", PATH_TAG_LIST, VendorFeature::TagLabels, false),
];
