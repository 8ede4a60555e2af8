//! Intentionally empty: this package exists for its end-to-end test, `tests/window.rs`.
