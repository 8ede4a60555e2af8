//! Policy rules (rules as data, with effective dates).
