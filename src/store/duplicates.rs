//! Candidate duplicate pairs, dismissals and merges.
