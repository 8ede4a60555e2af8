//! Where a person's certificate goes when the core systems mail it: the holder's address (a
//! protected person's safe one), the household's addressed to the 世帯主, or a standing 送付先.

use chrono::NaiveDate;

use crate::model::certificate::FedDelivery;
use crate::model::person::Person;

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("{}に有効な送付先変更の登録がありません。記録の画面で送付先変更を登録してから取り込んでください", crate::text::wareki::format(*.0))]
    NoRegistration(NaiveDate),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl DeliveryError {
    pub fn code(&self) -> &'static str {
        match self {
            DeliveryError::NoRegistration(_) => "delivery.no_registration",
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
pub fn address_for(conn: &crate::store::Read<'_>, p: &Person, delivery: FedDelivery, on: NaiveDate) -> Result<String, DeliveryError> {
    // A person under 支援措置 only ever gets the recorded safe address.
    if p.protected {
        return Ok(joined(&p.safe_postal_code, &p.safe_address));
    }
    let householder = crate::household::householder_name(conn, p)?;
    match delivery {
        FedDelivery::Holder => Ok(joined(&p.postal_code, &p.address)),
        FedDelivery::Householder if !householder.is_empty() => Ok(format!("{} {householder} 様 (世帯主あて)", joined(&p.postal_code, &p.address))),
        FedDelivery::Householder => Ok(joined(&p.postal_code, &p.address)),
        FedDelivery::Registered => match crate::household::standing(conn, p.id, on)? {
            Some(r) => Ok(crate::household::registered_address(conn, &r)?),
            None => Err(DeliveryError::NoRegistration(on)),
        },
    }
}
