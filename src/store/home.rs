//! The home screen, reminders and forecast aggregates.
