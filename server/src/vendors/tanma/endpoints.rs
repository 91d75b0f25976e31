//! Every Tanma endpoint the adapter calls. Only seed pages 000–002 are documented; the rest
//! come from public clients and may be missing at a given Tanma deployment.

use app::domain::{EndpointSpec, VendorFeature};

use super::client::paths;

const fn post(path: &'static str, feature: VendorFeature, documented: bool) -> EndpointSpec {
    EndpointSpec {
        path,
        method: "POST",
        feature,
        documented,
    }
}

pub const ENDPOINTS: &[EndpointSpec] = &[
    post(paths::QW_DETAILS, VendorFeature::CustomerProfile, true),
    post(paths::QW_FOLLOW_LIST, VendorFeature::Timeline, true),
    post(paths::CLUE_GET, VendorFeature::ClueDetail, true),
    post(paths::ECHO, VendorFeature::Authentication, false),
    post(paths::CUSTOMER_SEARCH, VendorFeature::CustomerList, false),
    post(paths::CLUE_LIST_ASC, VendorFeature::ClueList, false),
    post(paths::CLUE_FOLLOW_UPS, VendorFeature::Timeline, false),
    post(paths::TAGS_TREE, VendorFeature::TagLabels, false),
    post(paths::PROFILE_FIELDS, VendorFeature::FieldLabels, false),
];
