//! City settings and desk contacts.
