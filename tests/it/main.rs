//! The integration tests: one binary, one module per area. Each test opens a temp database
//! (an in-memory store or a file in a temp dir) and, where the CLI is tried, runs the real
//! `hairyo` binary on it; nothing touches the user's data. With `HAIRYO_TEST_PG` set to a
//! PostgreSQL server, the same tests run again with a fresh database per test on that server.

mod access;
mod cli;
mod common;
mod core_systems;
mod csv;
mod directory;
mod disclosure;
mod duplicates;
mod durability;
mod engines;
mod layers;
mod practice;
mod print;
mod props;
mod requirements;
mod retention;
mod search;
mod serve;
mod settings;
mod tenants;
mod trust;
mod upgrade;
mod workflow;
