//! Codes at the boundaries: the coded enums' choices (the `coded_enum!` macro lives in
//! `hairyo-model`) and every error as `{code, message, fields}`.

pub use hairyo_model::codes::{choices, Choice, CodedEnum};

/// An error as it crosses every boundary (the CLI, the window's IPC, the HTTP API):
/// `{code, message, fields}`, so a client branches on the stable `code`, shows the Japanese
/// `message`, and puts each field's message next to its field. One type for every shell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub fields: Vec<crate::validate::FieldError>,
}

impl ErrorBody {
    /// A shell's own refusal (a bad command-line value, a file that cannot be written).
    pub fn new(code: &str, message: impl Into<String>) -> ErrorBody {
        ErrorBody { code: code.to_string(), message: message.into(), fields: vec![] }
    }
}

/// The message, as a client shows it; the code is for branching, not for reading.
impl std::fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// An error like any other, so a shell's framework can carry one as the source of its own (the
/// CLI's value parsers refuse a coded value through clap with the core's body) and give it back.
impl std::error::Error for ErrorBody {}

impl<E: Coded> From<E> for ErrorBody {
    fn from(e: E) -> Self {
        ErrorBody { code: e.code().to_string(), message: e.to_string(), fields: e.invalid().map(|i| i.0.clone()).unwrap_or_default() }
    }
}

/// An error that crosses a boundary (CLI, IPC) as `{code, message}`: the caller branches on the
/// stable `code`, and shows the Japanese `message` (Display). Form errors also carry per-field
/// messages so the UI can put each next to its field.
pub trait Coded: std::error::Error {
    fn code(&self) -> &'static str;
    fn invalid(&self) -> Option<&crate::validate::Invalid> {
        None
    }
}

/// Implements [`Coded`] from an error's inherent `code()` and, where it has one, its
/// `Invalid(..)` variant.
macro_rules! impl_coded {
    ($($ty:ty $({ $inv:path })?),+ $(,)?) => {
        $(impl Coded for $ty {
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
            $(fn invalid(&self) -> Option<&crate::validate::Invalid> {
                match self {
                    $inv(i) => Some(i),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            })?
        })+
    };
}

impl_coded!(
    crate::store::StoreError,
    crate::staff::StaffError { crate::staff::StaffError::Invalid },
    crate::session::SessionError,
    crate::settings::SettingsError { crate::settings::SettingsError::Invalid },
    crate::person::PersonError { crate::person::PersonError::Invalid },
    crate::facility::FacilityError { crate::facility::FacilityError::Invalid },
    crate::touchpoint::TouchpointError { crate::touchpoint::TouchpointError::Invalid },
    crate::referral::ReferralError { crate::referral::ReferralError::Invalid },
    crate::application::ApplicationError { crate::application::ApplicationError::Invalid },
    crate::certificate::CertificateError { crate::certificate::CertificateError::Invalid },
    crate::policy::PolicyError { crate::policy::PolicyError::Invalid },
    crate::record::RecordError,
    crate::demo::DemoError,
    crate::reminder::ReminderError { crate::reminder::ReminderError::Invalid },
    crate::forecast::ForecastError,
    crate::leaflet::LeafletError { crate::leaflet::LeafletError::Invalid },
    crate::search::SearchError,
    crate::import::ImportError { crate::import::ImportError::BadEncoding },
    crate::kouki::KoukiError,
    crate::export::ExportError,
    crate::duplicates::DuplicateError,
    crate::home::HomeError,
    crate::audit::AuditError { crate::audit::AuditError::Invalid },
    crate::backup::BackupError,
    crate::deployment::DeploymentError,
    crate::tenant::TenantError { crate::tenant::TenantError::Invalid },
    crate::config::ConfigError,
    crate::access::AccessError,
    crate::print::PrintError,
    crate::command::CommandError,
    crate::stats::StatsError,
    crate::frame::FrameError,
    crate::moving::MovingError { crate::moving::MovingError::Invalid },
    crate::renewal::RenewalError { crate::renewal::RenewalError::Invalid },
    crate::campaign::CampaignError { crate::campaign::CampaignError::Invalid },
    crate::mailing::MailingError { crate::mailing::MailingError::Invalid },
    crate::outreach::OutreachError { crate::outreach::OutreachError::Invalid },
    crate::feed::FeedError,
    crate::household::HouseholdError { crate::household::HouseholdError::Invalid },
    crate::delivery::DeliveryError,
    crate::directory::DirectoryError,
    crate::retention::RetentionError { crate::retention::RetentionError::Invalid },
);
