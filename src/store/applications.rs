//! Applications (交付申請) and their document checklists.
