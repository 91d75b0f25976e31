use app::domain::{Health, HealthVendor};
use axum::Json;
use axum::extract::State;

use super::WebState;

/// `GET /healthz`: 200 with version and how each vendor is configured. No secrets, no
/// vendor calls (a load balancer polls this).
pub async fn healthz(State(state): State<WebState>) -> Json<Health> {
    let backend = &state.backend;
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        demo: backend.demo(),
        vendors: backend
            .vendor_modes()
            .into_iter()
            .map(|(vendor, mode)| HealthVendor { vendor, mode })
            .collect(),
    })
}
