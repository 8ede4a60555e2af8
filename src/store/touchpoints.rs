//! Touchpoints (接点) and the leaflets handed out.
