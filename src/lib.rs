//! Incident Cockpit: a terminal cockpit for the Incident Commander.
//!
//! Imports flow one way: `cli` and `ui` use `app`; `app`, `journal` and `sync`
//! use `domain`; `domain` uses none of them and does no IO. ARCHITECTURE.md
//! has the layers; tests/architecture.rs checks them.

// No unsafe code (Cargo.toml [lints]); the unit tests may set an environment variable.
#![cfg_attr(not(test), forbid(unsafe_code))]

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod fault;
pub mod journal;
pub mod logging;
pub mod notify;
pub mod services;
pub mod sync;
pub mod ui;
