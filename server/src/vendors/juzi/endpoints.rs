//! Every Juzibot endpoint the adapter calls: seed page 004 documents all four customer
//! endpoints; the tag list comes from Juzibot's wider docs.

use app::domain::{EndpointSpec, VendorFeature};

use super::client::{PATH_ADD_FOLLOW, PATH_CUSTOMER_DETAIL, PATH_CUSTOMER_LIST, PATH_SET_REMARK, PATH_TAG_LIST};

const fn spec(method: &'static str, path: &'static str, feature: VendorFeature, documented: bool) -> EndpointSpec {
    EndpointSpec {
        path,
        method,
        feature,
        documented,
    }
}

pub const ENDPOINTS: &[EndpointSpec] = &[
    spec("GET", PATH_CUSTOMER_LIST, VendorFeature::CustomerList, true),
    spec("GET", PATH_CUSTOMER_DETAIL, VendorFeature::CustomerProfile, true),
    spec("POST", PATH_SET_REMARK, VendorFeature::WriteRemark, true),
    spec("POST", PATH_ADD_FOLLOW, VendorFeature::WriteNote, true),
    spec("GET", PATH_TAG_LIST, VendorFeature::TagLabels, false),
];
