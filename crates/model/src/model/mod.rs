//! The nouns' plain types, below the store and the domain modules: the store reads and writes
//! them without importing a domain module, and the domain modules re-export them.

pub mod application;
pub mod certificate;
pub mod facility;
pub mod household;
pub mod leaflet;
pub mod mailing;
pub mod outreach;
pub mod person;
pub mod policy;
pub mod referral;
pub mod staff;
pub mod touchpoint;
