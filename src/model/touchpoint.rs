//! Touchpoints (接点): the stored record.
