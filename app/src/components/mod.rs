pub mod error_panel;
pub mod layout;
pub mod vendor_badge;
