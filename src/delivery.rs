//! Where a person's certificate goes when the core systems mail it: the holder's address (a
//! protected person's safe one), the household's addressed to the 世帯主, or a standing 送付先.

use chrono::NaiveDate;

use crate::model::certificate::FedDelivery;
use crate::model::person::Person;

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("送付先変更の登録がありません")]
    NoRegistration,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl DeliveryError {
    pub fn code(&self) -> &'static str {
        match self {
            DeliveryError::NoRegistration => "delivery.no_registration",
            DeliveryError::Store(e) => e.code(),
        }
    }
}

fn joined(postal: &str, address: &str) -> String {
    if postal.is_empty() {
        address.to_string()
    } else {
        format!("〒{postal} {address}")
    }
}

/// The address a certificate mailed on `on` as `delivery` goes to.
pub fn address_for(_conn: &crate::store::Read<'_>, p: &Person, delivery: FedDelivery, _on: NaiveDate) -> Result<String, DeliveryError> {
    // A person under 支援措置 only ever gets the recorded safe address.
    if p.protected {
        return Ok(joined(&p.safe_postal_code, &p.safe_address));
    }
    match delivery {
        FedDelivery::Holder => Ok(joined(&p.postal_code, &p.address)),
        FedDelivery::Householder if !p.householder.trim().is_empty() => {
            Ok(format!("{} {} 様方 (世帯主あて)", joined(&p.postal_code, &p.address), p.householder.trim()))
        }
        FedDelivery::Householder => Ok(joined(&p.postal_code, &p.address)),
        FedDelivery::Registered => Err(DeliveryError::NoRegistration),
    }
}
