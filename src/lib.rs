//! knockoff finds marketplace listings that infringe a brand's trademarks,
//! copyrighted images and registered designs, and packs them into complaint
//! drafts that a filing system can submit.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! crawl ──Listing──► text ─┐
//!   (extract)             ├─► score ──Candidate──► batch ──Draft──► report
//!          └─────► image ─┘                          │
//!                                                  ledger
//! ```
//!
//! After a sweep, [`filing`] hands drafts to a filing system and
//! [`notices`] holds the rules of a complaint's life, which the ledger
//! applies as the platform's outcomes come in.
//!
//! [`pipeline`] wires the stages; [`config`] reads the registry of rights
//! and the site profiles; [`fixture`] is the built-in marketplace that the
//! tests and the default sweep crawl.

// Module docs say why a stage works as it does, for readers of the source,
// and so name its private parts; `cargo doc --document-private-items`
// renders those links.
#![allow(rustdoc::private_intra_doc_links)]

pub mod batch;
mod cache;
pub mod clock;
pub mod config;
pub mod crawl;
pub mod eval;
pub mod extract;
pub mod filing;
pub mod fixture;
pub mod image;
pub mod ledger;
pub mod model;
pub mod notices;
pub mod pipeline;
pub mod report;
pub mod rng;
pub mod score;
pub mod text;
