//! Desk scopes and roles: who may do what, as one matrix that the core enforces everywhere and
//! docs/access.md shows (generated from it, so the two cannot drift).

use serde::Serialize;

use crate::coded_enum;
use crate::model::staff::{Actor, Desk, Role};

coded_enum! {
    /// One thing a staff member may or may not do.
    pub enum Permission ("権限") {
        ViewPerson = ("view_person", "対象者の記録を見る"),
        EditPerson = ("edit_person", "対象者を登録・更新する"),
        ViewProtectedAddress = ("view_protected_address", "支援措置対象者の住所を見る"),
        ViewChildCaseNotes = ("view_child_case_notes", "児童福祉の接点メモを見る"),
        ViewInsuranceDetails = ("view_insurance_details", "資格確認書の負担割合・限度区分・特定疾病・特別療養費を見る"),
        RecordTouchpoint = ("record_touchpoint", "接点を記録する"),
        SendReferral = ("send_referral", "連携依頼を送る"),
        ReviewReferral = ("review_referral", "連携依頼を受理・差戻し・完了する"),
        CommentReferral = ("comment_referral", "連携依頼にコメントする"),
        ReceiveApplication = ("receive_application", "交付申請を受け付ける"),
        DecideApplication = ("decide_application", "申請を審査・決定・交付する"),
        OverrideChecklist = ("override_checklist", "書類不足のまま決定する (理由を記録)"),
        IssueCertificate = ("issue_certificate", "職権・暫定の交付を記録する"),
        ManageCertificate = ("manage_certificate", "資格確認書の再交付・無効・返還・返戻を記録する"),
        PrintForms = ("print_forms", "申請書・委任状・連携票を印刷する"),
        PrintLeaflets = ("print_leaflets", "別添1～3を印刷する"),
        ImportData = ("import_data", "CSV を取り込む・重複を統合する"),
        ExportData = ("export_data", "CSV を出力する"),
        ChangeSettings = ("change_settings", "設定・職員・ルールを変更する"),
        ReadAudit = ("read_audit", "監査ログを見る・出力する"),
        DisposeRecords = ("dispose_records", "保存期間を過ぎた記録を廃棄する"),
    }
}

/// The matrix. Administrators may do everything. The insurer desks (国保, 後期) handle
/// applications and certificates and see what a certificate needs, including a protected
/// person's address; the welfare desks record touchpoints and send referrals. Child-welfare
/// case notes stay at the 児童 desk. Only supervisors override checklists, import and export;
/// only administrators change settings, staff and policy; the insurer desks' supervisors
/// approve the disposal of records past their retention period.
pub fn allows(desk: Desk, role: Role, p: Permission) -> bool {
    use Permission::*;
    if role == Role::Admin {
        return true;
    }
    let insurer = desk.is_insurer_desk();
    let supervisor = role == Role::Supervisor;
    let decides = insurer && matches!(role, Role::Clerk | Role::Supervisor);
    match p {
        ViewPerson | EditPerson | RecordTouchpoint | CommentReferral | PrintForms | PrintLeaflets => true,
        ViewProtectedAddress => insurer,
        // 限度区分 tells income, 特別療養費 arrears, 特定疾病 a diagnosis: the insurer's own
        // business, which the welfare desks do not need to guide anyone.
        ViewInsuranceDetails => insurer,
        ViewChildCaseNotes => desk == Desk::Jido,
        SendReferral => !insurer,
        ReviewReferral | ReceiveApplication | DecideApplication | IssueCertificate | ManageCertificate => decides,
        OverrideChecklist | ImportData => insurer && supervisor,
        ExportData | ReadAudit => supervisor,
        // The insurer desks hold the 資格 records the periods count from; their supervisors
        // approve what goes.
        DisposeRecords => insurer && supervisor,
        ChangeSettings => false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{desk}の{role}には「{what}」の権限がありません")]
pub struct AccessError {
    pub desk: &'static str,
    pub role: &'static str,
    pub what: &'static str,
}

impl AccessError {
    pub fn code(&self) -> &'static str {
        "access.denied"
    }
}

/// Refuses with a Japanese message naming the desk, role and permission.
pub fn require(actor: &Actor, p: Permission) -> Result<(), AccessError> {
    if can(actor, p) {
        Ok(())
    } else {
        Err(AccessError { desk: actor.desk.label(), role: actor.role.label(), what: p.label() })
    }
}

/// Whether `actor` may do `p`: at their own desk, or at a desk whose rights they hold besides
/// (a directory account in several desks' groups).
pub fn can(actor: &Actor, p: Permission) -> bool {
    allows(actor.desk, actor.role, p) || actor.grants.iter().any(|g| allows(g.desk, g.role, p))
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub desk: Desk,
    pub role: Role,
    pub allowed: Vec<Permission>,
}

/// docs/access.md, generated from [`allows`].
pub fn markdown() -> String {
    let mut out = String::from(
        "# Access matrix (権限表)\n\nGenerated from `crates/core/src/access.rs` (`hairyo::access::markdown`); a test keeps this file equal to it\nand walks every cell against the real core operations. ○ allowed, — refused (`access.denied`).\nAdministrators (管理者) may do everything at any desk. Object-level rules apply on top: a\nreferral is reviewed only by the desk it was sent to, and commented on only by its two desks.\n\n",
    );
    out.push_str("| 窓口 | 役割 |");
    for p in Permission::ALL {
        out.push_str(&format!(" {} |", p.label()));
    }
    out.push_str("\n|---|---|");
    for _ in Permission::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for d in Desk::ALL {
        for r in Role::ALL.iter().filter(|r| **r != Role::Admin) {
            out.push_str(&format!("| {} | {} |", d.label(), r.label()));
            for p in Permission::ALL {
                out.push_str(if allows(*d, *r, *p) { " ○ |" } else { " — |" });
            }
            out.push('\n');
        }
    }
    out
}
