//! Issued certificates (資格確認書) and the renewal and expiry lists.
