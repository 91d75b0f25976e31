//! Every Weiling endpoint the adapter calls. Seed page 003 documents `customer/batch`, and the
//! token exchange is documented with it; the rest come from Weiling's wider API pages and
//! clients and may be missing or refused at a given tenant.

use app::domain::{EndpointSpec, VendorFeature};

use super::paths;

pub const ENDPOINTS: &[EndpointSpec] = &[
    EndpointSpec::new("GET", paths::TOKEN, VendorFeature::Authentication, true),
    EndpointSpec::new("POST", paths::CUSTOMER_BATCH, VendorFeature::CustomerProfile, true),
    EndpointSpec::new("GET", paths::CUSTOMER_LIST, VendorFeature::CustomerList, false),
    EndpointSpec::new("GET", paths::CUSTOMER_BY_EXTERNAL_USERID, VendorFeature::CustomerLookup, false),
    EndpointSpec::new("GET", paths::PROGRESS_LIST, VendorFeature::Timeline, false),
    EndpointSpec::new("POST", paths::CUSTOMER_EDIT, VendorFeature::WriteRemark, false),
    EndpointSpec::new("POST", paths::PROGRESS_CREATE, VendorFeature::WriteNote, false),
    EndpointSpec::new("GET", paths::CUSTOM_DETAIL, VendorFeature::FieldLabels, false),
    EndpointSpec::new("GET", paths::CLUE_LIST, VendorFeature::ClueList, false),
    EndpointSpec::new("POST", paths::CLUE_BATCH, VendorFeature::ClueDetail, false),
];
