pub mod avatar;
pub mod empty_state;
pub mod error_panel;
pub mod forms;
pub mod layout;
pub mod time;
pub mod vendor_badge;
pub mod vendor_chip;
