//! Referrals (連携依頼): the stored record and its status.
