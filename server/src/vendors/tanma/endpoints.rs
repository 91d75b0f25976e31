//! Every Tanma endpoint the adapter calls. Only seed pages 000–002 are documented; the rest
//! come from public clients and may be missing at a given Tanma deployment.

use app::domain::{EndpointSpec, VendorFeature};

use super::client::paths;

pub const ENDPOINTS: &[EndpointSpec] = &[
    EndpointSpec::new("POST", paths::QW_DETAILS, VendorFeature::CustomerProfile, true),
    EndpointSpec::new("POST", paths::QW_FOLLOW_LIST, VendorFeature::Timeline, true),
    EndpointSpec::new("POST", paths::CLUE_GET, VendorFeature::ClueDetail, true),
    EndpointSpec::new("POST", paths::ECHO, VendorFeature::Authentication, false),
    EndpointSpec::new("POST", paths::CUSTOMER_SEARCH, VendorFeature::CustomerList, false),
    EndpointSpec::new("POST", paths::CLUE_LIST_ASC, VendorFeature::ClueList, false),
    EndpointSpec::new("POST", paths::CLUE_FOLLOW_UPS, VendorFeature::Timeline, false),
    EndpointSpec::new("POST", paths::TAGS_TREE, VendorFeature::TagLabels, false),
    EndpointSpec::new("POST", paths::PROFILE_FIELDS, VendorFeature::FieldLabels, false),
];
