//! `salesdesk check`, per endpoint: each adapter calls every documented endpoint once with
//! harmless input (an id no customer has, an empty batch) and reports whether the vendor
//! accepted SalesDesk's credentials and answered, endpoint by endpoint.

use std::future::Future;
use std::time::{Duration, Instant};

use app::domain::{EndpointSpec, VendorErrorKind};

use super::VendorError;

/// The made-up id probes ask for: no vendor has a customer or user by this id.
pub const PROBE_ID: &str = "salesdesk-check-no-such-id";

/// What one probe found.
#[derive(Clone, Debug)]
pub enum ProbeOutcome {
    /// The call succeeded.
    Ok,
    /// The endpoint answered, refusing only the probe's made-up input (not found, invalid):
    /// credentials and endpoint work.
    Answered(VendorError),
    /// The vendor refused the call itself: credentials, a missing endpoint, throttling, an
    /// error code, or a reply SalesDesk cannot read.
    Refused(VendorError),
    /// No answer: connection failure or timeout.
    Unreachable(VendorError),
}

impl ProbeOutcome {
    pub fn from_result<T>(result: &Result<T, VendorError>) -> Self {
        match result {
            Ok(_) => ProbeOutcome::Ok,
            Err(e) => match e.kind {
                VendorErrorKind::NotFound | VendorErrorKind::InvalidInput => ProbeOutcome::Answered(e.clone()),
                VendorErrorKind::Timeout | VendorErrorKind::Transport => ProbeOutcome::Unreachable(e.clone()),
                _ => ProbeOutcome::Refused(e.clone()),
            },
        }
    }

    /// The endpoint works for SalesDesk.
    pub fn reachable(&self) -> bool {
        matches!(self, ProbeOutcome::Ok | ProbeOutcome::Answered(_))
    }

    /// The vendor rejected SalesDesk's credentials, signature or token.
    pub fn auth_rejected(&self) -> bool {
        matches!(self, ProbeOutcome::Refused(e) if e.kind == VendorErrorKind::AuthRejected)
    }

    pub fn error(&self) -> Option<&VendorError> {
        match self {
            ProbeOutcome::Ok => None,
            ProbeOutcome::Answered(e) | ProbeOutcome::Refused(e) | ProbeOutcome::Unreachable(e) => Some(e),
        }
    }
}

/// One line of the report: an endpoint of the vendor's catalogue, or its authentication.
#[derive(Clone, Debug)]
pub struct EndpointProbe {
    /// `None` for the authentication line.
    pub endpoint: Option<EndpointSpec>,
    pub outcome: ProbeOutcome,
    pub elapsed: Duration,
}

impl EndpointProbe {
    /// Times `call` and records what it found about `endpoint`.
    pub async fn run<T>(endpoint: EndpointSpec, call: impl Future<Output = Result<T, VendorError>>) -> Self {
        let started = Instant::now();
        let result = call.await;
        EndpointProbe {
            endpoint: Some(endpoint),
            outcome: ProbeOutcome::from_result(&result),
            elapsed: started.elapsed(),
        }
    }

    /// The authentication line, judged from the endpoint probes: accepted when any endpoint
    /// answered, rejected when any refused the credentials.
    pub fn authentication(probes: &[EndpointProbe]) -> Self {
        let elapsed = probes.first().map(|p| p.elapsed).unwrap_or_default();
        let outcome = if let Some(rejected) = probes.iter().find(|p| p.outcome.auth_rejected()) {
            rejected.outcome.clone()
        } else if probes.iter().any(|p| p.outcome.reachable()) {
            ProbeOutcome::Ok
        } else {
            probes.first().map(|p| p.outcome.clone()).unwrap_or(ProbeOutcome::Ok)
        };
        EndpointProbe {
            endpoint: None,
            outcome,
            elapsed,
        }
    }

    /// A documented endpoint (or the authentication) that does not work fails the check;
    /// an optional endpoint only reports.
    pub fn fails_check(&self) -> bool {
        let required = self.endpoint.is_none_or(|e| e.documented);
        required && !self.outcome.reachable()
    }
}

/// The probe of the catalogue entry for `path`.
pub fn spec(catalogue: &'static [EndpointSpec], path: &str) -> EndpointSpec {
    *catalogue
        .iter()
        .find(|e| e.path == path)
        .unwrap_or_else(|| panic!("endpoint {path} is not in the vendor's catalogue"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{VendorFeature, VendorId};

    fn err(kind: VendorErrorKind) -> Result<(), VendorError> {
        Err(VendorError::new(VendorId::Tanma, "/x", kind, "t"))
    }

    const DOC: EndpointSpec = EndpointSpec {
        path: "/doc",
        method: "POST",
        feature: VendorFeature::CustomerProfile,
        documented: true,
    };
    const OPT: EndpointSpec = EndpointSpec {
        path: "/opt",
        method: "POST",
        feature: VendorFeature::CustomerList,
        documented: false,
    };

    fn probe(endpoint: EndpointSpec, result: Result<(), VendorError>) -> EndpointProbe {
        EndpointProbe {
            endpoint: Some(endpoint),
            outcome: ProbeOutcome::from_result(&result),
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn a_refused_made_up_id_proves_the_endpoint_works() {
        assert!(ProbeOutcome::from_result(&err(VendorErrorKind::NotFound)).reachable());
        assert!(ProbeOutcome::from_result(&err(VendorErrorKind::InvalidInput)).reachable());
        assert!(!ProbeOutcome::from_result(&err(VendorErrorKind::EndpointMissing)).reachable());
        assert!(matches!(
            ProbeOutcome::from_result(&err(VendorErrorKind::Timeout)),
            ProbeOutcome::Unreachable(_)
        ));
    }

    #[test]
    fn only_documented_endpoints_and_auth_fail_the_check() {
        let missing_optional = probe(OPT, err(VendorErrorKind::EndpointMissing));
        let ok = probe(DOC, Ok(()));
        assert!(!missing_optional.fails_check());
        assert!(!ok.fails_check());
        assert!(probe(DOC, err(VendorErrorKind::EndpointMissing)).fails_check());
        let auth = EndpointProbe::authentication(&[ok.clone(), missing_optional.clone()]);
        assert!(matches!(auth.outcome, ProbeOutcome::Ok));
        let rejected = EndpointProbe::authentication(&[probe(DOC, err(VendorErrorKind::AuthRejected)), ok]);
        assert!(rejected.outcome.auth_rejected());
        assert!(rejected.fails_check());
    }
}
