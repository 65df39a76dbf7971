"""Outsourced processes (OUT001, 8.1)."""

import pytest

from isms.readiness.finding import Population, Subject

pytestmark = pytest.mark.django_db

SUPPLIERS = """
Suppliers:
  - {name: VaultEdge Backup, service: Offsite backup, tier: high, data_access: confidential,
     owner: fin@acme.example, outsourced_process: Offsite backup of the file server,
     outsourcing_controls: "Monthly restore test report|annual audit"}
  - {name: Peak Pensions, service: Pensions administration, tier: medium, data_access: personal,
     owner: fin@acme.example, outsourced_process: Pensions administration}
  - {name: Sheaf Plastics, service: Enclosures, tier: medium, data_access: internal}
"""


def test_out001_fires_for_an_outsourced_process_without_controls(load, findings):
    load(SUPPLIERS)
    (finding,) = findings("OUT001")
    assert finding.subject == Subject("Suppliers", "Peak Pensions")
    assert finding.population == Population("suppliers running outsourced processes", 2)
    assert "Pensions administration" in finding.detail and finding.department == "Finance"


def test_out001_passes_when_controls_are_recorded(load, findings):
    load(
        SUPPLIERS.replace(
            "outsourced_process: Pensions administration}",
            "outsourced_process: Pensions administration,\n"
            "     outsourcing_controls: Quarterly SLA review}",
        )
    )
    assert findings("OUT001") == []
