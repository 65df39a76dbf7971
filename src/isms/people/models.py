"""People and their training: the evidence of competence (7.2) and awareness (7.3)."""

from django.core.exceptions import ValidationError
from django.db import models

from isms.core.models import OrganisationScopedModel, person_field, unique_key


class ScreeningLevel(models.TextChoices):
    """Levels of background verification, from least to most thorough."""

    BASIC = "basic", "Basic (identity, right to work)"
    STANDARD = "standard", "Standard (plus references, employment history)"
    ENHANCED = "enhanced", "Enhanced (plus criminal record and credit checks)"


#: The levels in order of thoroughness, for comparing a person's check with what is required.
SCREENING_ORDER = [ScreeningLevel.BASIC, ScreeningLevel.STANDARD, ScreeningLevel.ENHANCED]


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
    screened_on = models.DateField(
        null=True, blank=True, help_text="Date the background verification check was completed."
    )
    screening_level = models.CharField(
        max_length=10,
        choices=ScreeningLevel.choices,
        blank=True,
        help_text="Level of the background check done: basic, standard or enhanced.",
    )
    terms_signed_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date the contract terms stating their information security responsibilities "
        "were signed.",
    )
    confidentiality_signed_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date the confidentiality or non-disclosure agreement was signed.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [unique_key("email")]

    def __str__(self) -> str:
        return self.name


class ScreeningRequirement(OrganisationScopedModel):
    """One line of the organisation's screening policy (A.6.1): who needs which level of check.

    A line applies to a person when every criterion it sets matches (department, job title
    containing the words, ISMS role held, privileged account held); a line with no criterion
    applies to everyone. A person needs the highest level of the lines that apply."""

    name = models.CharField(max_length=200, help_text="Name of the policy line, unique.")
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        help_text="Department it applies to; empty for every department.",
    )
    job_title_contains = models.CharField(
        max_length=200,
        blank=True,
        help_text="Applies to job titles containing this text (any case); empty for any title.",
    )
    isms_role = models.CharField(
        max_length=30,
        blank=True,
        help_text="Applies to holders of this ISMS role (e.g. ciso, isms_manager); empty for "
        "anyone.",
    )
    privileged_access = models.BooleanField(
        default=False, help_text="Applies only to people holding an active privileged account."
    )
    required_level = models.CharField(
        max_length=10, choices=ScreeningLevel.choices, help_text="Screening level required."
    )

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

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


class AwarenessCampaign(OrganisationScopedModel):
    """A round of awareness checks: one audience's questions, sent as personal links.

    The questions drawn from the bank are kept with the campaign (``questions``), so editing
    the bank later never changes a campaign already sent. See :mod:`isms.people.awareness`."""

    class Audience(models.TextChoices):
        ALL_STAFF = "all_staff", "All staff"
        MANAGERS = "managers", "Managers"
        EXECUTIVES = "executives", "Executives"
        IT = "it", "IT and engineering"

    name = models.CharField(max_length=200, help_text="Campaign name, unique.")
    audience = models.CharField(
        max_length=20,
        choices=Audience.choices,
        default=Audience.ALL_STAFF,
        help_text="Whose question bank it uses.",
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        help_text="Department it was limited to; empty for every department.",
    )
    opened_on = models.DateField(help_text="Date the campaign started.")
    expires_on = models.DateField(help_text="Last day its links can be answered.")
    questions = models.JSONField(
        default=list, blank=True, editable=False, help_text="The questions drawn, as asked."
    )

    class Meta:
        ordering = ["-opened_on", "name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opened_on and self.expires_on and self.expires_on < self.opened_on:
            raise ValidationError(
                {
                    "expires_on": f"expires on {self.expires_on}, before it opened on "
                    f"{self.opened_on}"
                }
            )


class AwarenessInvitation(OrganisationScopedModel):
    """One person's personal, single-use link to a campaign's check, and their answers.

    Only the SHA-256 hash of the link's token is stored; the token itself is shown once, when
    the links are issued (``isms awareness links``)."""

    campaign = models.ForeignKey(
        AwarenessCampaign,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="Campaign name.",
    )
    person = person_field("Who is invited (email).", required=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    link_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_on = models.DateField(
        null=True, blank=True, help_text="Date the answers were submitted; empty while open."
    )
    score = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="Score in percent."
    )
    answers = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["campaign", "person"]
        constraints = [unique_key("campaign", "person")]

    def __str__(self) -> str:
        return f"{self.person} in {self.campaign}"
