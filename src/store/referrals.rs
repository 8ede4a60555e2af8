//! Referrals (連携依頼) and their comment threads.
