"""``isms demo``: the main job on the embedded database."""

from isms.cli.database import ensure_database
from isms.cli.output import console
from isms.core.models import Organisation

DEMO_SLUG = "acme"
DEMO_NAME = "Acme Components Ltd"


def demo() -> None:
    """Set up the embedded database with the catalogue and the demo organisation `acme`."""
    from isms.catalog.models import Clause, Control, LegacyControl, Soc2Criterion

    did = ensure_database(verbose=True)
    console.print(
        f"Catalogue: {Clause.objects.count()} clauses, {Control.objects.count()} Annex A "
        f"controls, {LegacyControl.objects.count()} ISO 27001:2013 controls mapped, "
        f"{Soc2Criterion.objects.count()} SOC 2 criteria"
        + (" (loaded now)" if did["catalog_loaded"] else "")
    )
    organisation, created = Organisation.objects.get_or_create(
        slug=DEMO_SLUG, defaults={"name": DEMO_NAME}
    )
    console.print(
        f"Demo organisation: [bold]{organisation.slug}[/] ({organisation.name})"
        + (" created" if created else " already present")
    )
    console.print(
        "The registers and the mock audit arrive with the next issues; "
        "try [bold]isms catalog controls[/] meanwhile."
    )
