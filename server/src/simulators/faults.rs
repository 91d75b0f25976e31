//! Fault injection for the simulated vendors: latency, error replies in the vendor's own
//! envelope, HTTP errors, malformed bodies and hangs. Set from configuration at start-up
//! and changed at run time through `PUT /__sim/faults` (tests, end-to-end runs, benchmarks).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

/// What to do to requests. The default injects nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPlan {
    /// Added before every reply.
    pub latency_ms: u64,
    /// Reply with this error instead of the real answer.
    pub error: Option<InjectedError>,
    /// Share of requests that get `error`/`malformed`/`hang`, 0.0–1.0; `None` means all.
    pub rate: Option<f64>,
    /// Reply 200 with a body that is not JSON.
    pub malformed: bool,
    /// Never reply (the client's timeout must fire).
    pub hang: bool,
    /// Only requests whose path contains this are affected.
    pub path_contains: Option<String>,
    /// Play the strict vendor: serve only the endpoints in the seed documents (and the
    /// documented token exchange); every other path gets the vendor's own "endpoint does
    /// not exist" answer, as a deployment that implements only what is documented would.
    pub seed_endpoints_only: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum InjectedError {
    /// A business error in the vendor's envelope with HTTP 200, e.g. Weiling 1009.
    Code { code: i64, message: String },
    /// A bare HTTP error status, e.g. 502 from a gateway.
    Status(u16),
}

/// How a simulator writes an error in its vendor's envelope.
pub type EnvelopeFn = fn(i64, &str) -> serde_json::Value;

#[derive(Clone)]
pub struct Faults {
    plan: Arc<RwLock<FaultPlan>>,
    counter: Arc<AtomicU64>,
    envelope: EnvelopeFn,
}

impl Faults {
    pub fn new(initial: FaultPlan, envelope: EnvelopeFn) -> Self {
        Faults {
            plan: Arc::new(RwLock::new(initial)),
            counter: Arc::new(AtomicU64::new(0)),
            envelope,
        }
    }

    pub async fn set(&self, plan: FaultPlan) {
        *self.plan.write().await = plan;
    }

    pub async fn get(&self) -> FaultPlan {
        self.plan.read().await.clone()
    }

    /// Deterministic sampling: request n is hit when floor(n*rate) advances, so a rate of
    /// 0.25 hits exactly every fourth request.
    fn hit(&self, rate: Option<f64>) -> bool {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        match rate {
            None => true,
            Some(r) => {
                let r = r.clamp(0.0, 1.0);
                ((n + 1) as f64 * r).floor() > (n as f64 * r).floor()
            }
        }
    }
}

/// Middleware applying the current plan to one request.
pub async fn apply(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/__sim") {
        return next.run(request).await;
    }
    let plan = faults.get().await;
    if let Some(p) = &plan.path_contains
        && !request.uri().path().contains(p.as_str())
    {
        return next.run(request).await;
    }
    if plan.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(plan.latency_ms)).await;
    }
    let disruptive = plan.hang || plan.malformed || plan.error.is_some();
    if disruptive && faults.hit(plan.rate) {
        if plan.hang {
            // Long enough for any client timeout; bounded so test processes still end.
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
        if plan.malformed {
            return (
                [(header::CONTENT_TYPE, "application/json")],
                Body::from("{\"code\":0,\"data\":[{\"trunc"),
            )
                .into_response();
        }
        match &plan.error {
            Some(InjectedError::Code { code, message }) => return Json((faults.envelope)(*code, message)).into_response(),
            Some(InjectedError::Status(status)) => {
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
                return (status, "injected fault").into_response();
            }
            None => {}
        }
    }
    next.run(request).await
}

/// `PUT /__sim/faults` replaces the plan; `DELETE` clears it; `GET` shows it.
pub fn control_routes() -> axum::Router<Faults> {
    use axum::routing::put;
    axum::Router::new().route(
        "/__sim/faults",
        put(|State(f): State<Faults>, Json(plan): Json<FaultPlan>| async move {
            f.set(plan).await;
            StatusCode::NO_CONTENT
        })
        .delete(|State(f): State<Faults>| async move {
            f.set(FaultPlan::default()).await;
            StatusCode::NO_CONTENT
        })
        .get(|State(f): State<Faults>| async move { Json(f.get().await) }),
    )
}

/// What a simulator knows of its vendor's API surface: the paths its seed documents promise
/// (matched as path suffixes, so a base path may precede them) and how the vendor answers a
/// path it does not offer.
#[derive(Clone, Copy)]
pub struct ApiSurface {
    pub documented: &'static [&'static str],
    pub missing: fn() -> Response,
}

impl ApiSurface {
    fn documents(&self, path: &str) -> bool {
        self.documented.iter().any(|p| path.ends_with(p))
    }
}

/// Answers undocumented paths as missing while the plan says `seed_endpoints_only`.
async fn only_documented(State((faults, surface)): State<(Faults, ApiSurface)>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/__sim") && !surface.documents(path) && faults.get().await.seed_endpoints_only {
        return (surface.missing)();
    }
    next.run(request).await
}

/// Wraps a simulator's router with fault injection, the strict-vendor switch, the vendor's
/// answer for unknown paths, and the control endpoint.
pub fn with_faults(router: axum::Router, faults: Faults, surface: ApiSurface) -> axum::Router {
    router
        .fallback(move || async move { (surface.missing)() })
        .merge(control_routes().with_state(faults.clone()))
        .layer(axum::middleware::from_fn_with_state((faults.clone(), surface), only_documented))
        .layer(axum::middleware::from_fn_with_state(faults, apply))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(code: i64, msg: &str) -> serde_json::Value {
        serde_json::json!({ "code": code, "msg": msg })
    }

    #[test]
    fn rate_sampling_is_exact_and_deterministic() {
        let f = Faults::new(FaultPlan::default(), env);
        let hits = (0..100).filter(|_| f.hit(Some(0.25))).count();
        assert_eq!(hits, 25);
        let f = Faults::new(FaultPlan::default(), env);
        assert!((0..10).all(|_| f.hit(None)));
        assert!(!(0..10).any(|_| f.hit(Some(0.0))));
    }

    #[test]
    fn plan_parses_from_json() {
        let plan: FaultPlan =
            serde_json::from_str(r#"{"latency_ms":200,"error":{"code":{"code":1009,"message":"rate limit"}},"rate":0.5}"#).unwrap();
        assert_eq!(plan.latency_ms, 200);
        assert_eq!(
            plan.error,
            Some(InjectedError::Code {
                code: 1009,
                message: "rate limit".into()
            })
        );
        let plan: FaultPlan = serde_json::from_str(r#"{"error":{"status":503}}"#).unwrap();
        assert_eq!(plan.error, Some(InjectedError::Status(503)));
        assert!(serde_json::from_str::<FaultPlan>(r#"{"latncy_ms":1}"#).is_err());
    }
}
