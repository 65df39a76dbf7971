"""Choice lists shared by several registers."""

from django.db import models


class Frequency(models.TextChoices):
    """How often something recurring is due (reviews, evidence, assessments)."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Every six months"
    ANNUAL = "annual", "Annually"
    BIENNIAL = "biennial", "Every two years"

    @property
    def months(self) -> int:
        return FREQUENCY_MONTHS[self]


FREQUENCY_MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.SEMIANNUAL: 6,
    Frequency.ANNUAL: 12,
    Frequency.BIENNIAL: 24,
}


class Level(models.TextChoices):
    """A four-step rating used for criticality, severity and supplier tier."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Classification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class InScope(models.TextChoices):
    """Whether the ISMS scope covers a site, system or interface; blank when nobody decided."""

    INCLUDED = "included", "Included in the scope"
    EXCLUDED = "excluded", "Excluded from the scope"
