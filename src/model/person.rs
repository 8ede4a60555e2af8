//! Persons (対象者): the stored record and its coded enums.
