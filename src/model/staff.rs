//! Desks, roles, staff and the acting staff member (Actor).
