//! Applications (交付申請): the stored record, its status and checklist.
