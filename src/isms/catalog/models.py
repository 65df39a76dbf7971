"""The reference catalogue. Shared by every organisation, read-only to users, loaded from the
CSV files in ``data/`` by :mod:`isms.catalog.loader`."""

from django.db import models


def sort_key(ref: str) -> str:
    """A key that sorts dotted ids numerically: 5.2 < 5.10 < 6.1, A.9.2.5 < A.10.1.1."""
    parts = ref.removeprefix("A.").split(".")
    return ".".join(part.zfill(3) for part in parts)


class Clause(models.Model):
    """A clause or sub-clause of ISO/IEC 27001:2022 (4-10), with what it asks to be documented."""

    class DocumentedInformation(models.TextChoices):
        NONE = "", "none required by the clause itself"
        MAINTAIN = "maintain", "maintain (a current document)"
        RETAIN = "retain", "retain (records as evidence)"
        AVAILABLE = "available", "available (evidence of results)"

    ref = models.CharField(max_length=10, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField()
    documented_information = models.CharField(
        max_length=10, choices=DocumentedInformation.choices, blank=True
    )
    documented_information_note = models.CharField(max_length=300, blank=True)
    sort_key = models.CharField(max_length=40, db_index=True)

    class Meta:
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Control(models.Model):
    """An ISO/IEC 27001:2022 Annex A control."""

    class Theme(models.TextChoices):
        ORGANIZATIONAL = "Organizational"
        PEOPLE = "People"
        PHYSICAL = "Physical"
        TECHNOLOGICAL = "Technological"

    ref = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=20, choices=Theme.choices)
    new_in_2022 = models.BooleanField(default=False)
    summary = models.TextField()
    sort_key = models.CharField(max_length=40, db_index=True)

    class Meta:
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class ControlAttribute(models.Model):
    """One ISO/IEC 27002:2022 attribute value of a control, e.g. control_type = Preventive."""

    class Kind(models.TextChoices):
        CONTROL_TYPE = "control_type", "Control type"
        SECURITY_PROPERTY = "security_properties", "Information security properties"
        CYBERSECURITY_CONCEPT = "cybersecurity_concepts", "Cybersecurity concepts"
        OPERATIONAL_CAPABILITY = "operational_capabilities", "Operational capabilities"
        SECURITY_DOMAIN = "security_domains", "Security domains"

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="attributes")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.CharField(max_length=60)

    class Meta:
        ordering = ["control__sort_key", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["control", "kind", "value"], name="catalog_control_attribute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.control.ref} {self.kind}={self.value}"


class LegacyControl(models.Model):
    """An ISO/IEC 27001:2013 Annex A control (114), kept for organisations migrating an old SoA."""

    ref = models.CharField(max_length=12, unique=True)
    title = models.CharField(max_length=200)
    domain_ref = models.CharField(max_length=6)
    domain_title = models.CharField(max_length=200)
    sort_key = models.CharField(max_length=40, db_index=True)
    controls = models.ManyToManyField(Control, related_name="legacy_controls")

    class Meta:
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Soc2Criterion(models.Model):
    """A SOC 2 Trust Services Criterion (2017), with a short title in our own words."""

    ref = models.CharField(max_length=10, unique=True)
    series = models.CharField(max_length=10)
    series_name = models.CharField(max_length=100)
    category = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Soc2Mapping(models.Model):
    """A link from a SOC 2 criterion to the ISO 27001:2022 clause or control that addresses it."""

    criterion = models.ForeignKey(Soc2Criterion, on_delete=models.CASCADE, related_name="links")
    clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.CASCADE, related_name="soc2_links"
    )
    control = models.ForeignKey(
        Control, null=True, blank=True, on_delete=models.CASCADE, related_name="soc2_links"
    )
    rationale = models.CharField(max_length=300)

    class Meta:
        ordering = ["criterion__position", "clause__sort_key", "control__sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(clause__isnull=False, control__isnull=True)
                    | models.Q(clause__isnull=True, control__isnull=False)
                ),
                name="catalog_soc2_mapping_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.ref} -> {self.target_type} {self.target.ref}"

    @property
    def target_type(self) -> str:
        return "clause" if self.clause_id else "control"

    @property
    def target(self):
        return self.clause or self.control
