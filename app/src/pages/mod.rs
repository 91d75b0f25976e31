pub mod admin;
pub mod clues;
pub mod customers;
pub mod guard;
pub mod home;
pub mod login;
pub mod not_found;
pub mod vendors;
