//! Certificates (資格確認書): the stored record.
