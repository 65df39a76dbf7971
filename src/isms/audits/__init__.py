"""Internal audits, management reviews, nonconformities and external (certification) audits
(9.2, 9.3, 10.2)."""
