//! Staff accounts, desks and sign-in state.
