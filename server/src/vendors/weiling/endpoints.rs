//! Every Weiling endpoint the adapter calls. Seed page 003 documents `customer/batch`, and the
//! token exchange is documented with it; the rest come from Weiling's wider API pages and
//! clients and may be missing or refused at a given tenant.

use app::domain::{EndpointSpec, VendorFeature};

use super::paths;

const fn spec(method: &'static str, path: &'static str, feature: VendorFeature, documented: bool) -> EndpointSpec {
    EndpointSpec {
        path,
        method,
        feature,
        documented,
    }
}

pub const ENDPOINTS: &[EndpointSpec] = &[
    spec("GET", paths::TOKEN, VendorFeature::Authentication, true),
    spec("POST", paths::CUSTOMER_BATCH, VendorFeature::CustomerProfile, true),
    spec("GET", paths::CUSTOMER_LIST, VendorFeature::CustomerList, false),
    spec("GET", paths::CUSTOMER_BY_EXTERNAL_USERID, VendorFeature::CustomerLookup, false),
    spec("GET", paths::PROGRESS_LIST, VendorFeature::Timeline, false),
    spec("POST", paths::CUSTOMER_EDIT, VendorFeature::WriteRemark, false),
    spec("POST", paths::PROGRESS_CREATE, VendorFeature::WriteNote, false),
    spec("GET", paths::CUSTOM_DETAIL, VendorFeature::FieldLabels, false),
    spec("GET", paths::CLUE_LIST, VendorFeature::ClueList, false),
    spec("POST", paths::CLUE_BATCH, VendorFeature::ClueDetail, false),
];
