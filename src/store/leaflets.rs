//! Leaflet editions and statement overrides.
