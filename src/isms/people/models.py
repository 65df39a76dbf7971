"""People and their training: the evidence of competence (7.2) and awareness (7.3)."""

from django.db import models

from isms.core.models import OrganisationScopedModel, person_field, unique_key


class Department(OrganisationScopedModel):
    name = models.CharField(max_length=120, help_text="Department name, unique.")
    manager = person_field("Head of the department (email of a person).")

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class Person(OrganisationScopedModel):
    """Anyone who works for the organisation: employee or contractor, current or a leaver."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", "Employee"
        CONTRACTOR = "contractor", "Contractor"

    email = models.EmailField(help_text="Work email; identifies the person in every sheet.")
    name = models.CharField(max_length=200, help_text="Full name.")
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="people",
        help_text="Department name.",
    )
    job_title = models.CharField(max_length=200, blank=True, help_text="Job title.")
    manager = person_field("Line manager (email).")
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.EMPLOYEE, help_text="Employment type."
    )
    start_date = models.DateField(null=True, blank=True, help_text="First day of work.")
    leave_date = models.DateField(
        null=True, blank=True, help_text="Last day of work; empty while employed."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [unique_key("email")]

    def __str__(self) -> str:
        return self.name


class TrainingCourse(OrganisationScopedModel):
    class Audience(models.TextChoices):
        ALL_STAFF = "all_staff", "All staff"
        MANAGERS = "managers", "Managers"
        EXECUTIVES = "executives", "Executives"
        IT = "it", "IT and engineering"
        SPECIALISTS = "specialists", "Security specialists"

    name = models.CharField(max_length=200, help_text="Course name, unique.")
    topic = models.CharField(max_length=200, blank=True, help_text="What the course covers.")
    audience = models.CharField(
        max_length=20,
        choices=Audience.choices,
        default=Audience.ALL_STAFF,
        help_text="Who must take it.",
    )
    mandatory = models.BooleanField(default=False, help_text="Required for its audience.")
    refresher_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Months after which it must be retaken; empty means once.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class TrainingCompletion(OrganisationScopedModel):
    person = person_field("Who completed it (email).", required=True)
    course = models.ForeignKey(
        TrainingCourse,
        on_delete=models.RESTRICT,
        related_name="completions",
        help_text="Course name.",
    )
    completed_on = models.DateField(help_text="Date completed.")
    score = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="Score in percent."
    )
    passed = models.BooleanField(default=True, help_text="Whether the person passed.")

    class Meta:
        ordering = ["-completed_on"]
        constraints = [unique_key("person", "course", "completed_on")]

    def __str__(self) -> str:
        return f"{self.person} completed {self.course} on {self.completed_on}"


class AwarenessCheck(OrganisationScopedModel):
    """A short interview-style check that a person knows what an auditor will ask them."""

    class Topic(models.TextChoices):
        INCIDENT_REPORTING = "incident_reporting", "How to report an incident"
        PHISHING = "phishing", "Recognising phishing"
        CLEAN_DESK = "clean_desk", "Clean desk and clear screen"
        POLICY_LOCATION = "policy_location", "Where to find the policies"
        OBJECTIVES = "objectives", "The security objectives"
        PASSWORDS = "passwords", "Passwords and authentication"
        DATA_HANDLING = "data_handling", "Handling classified information"

    person = person_field("Who was checked (email).", required=True)
    checked_on = models.DateField(help_text="Date of the check.")
    topic = models.CharField(max_length=30, choices=Topic.choices, help_text="What was asked.")
    passed = models.BooleanField(help_text="Whether the answer was satisfactory.")
    score = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="Score in percent."
    )

    class Meta:
        ordering = ["-checked_on"]
        constraints = [unique_key("person", "topic", "checked_on")]

    def __str__(self) -> str:
        return f"{self.person}: {self.topic} on {self.checked_on}"
