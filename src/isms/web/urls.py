"""The web application's routes: each area's module in web/views/ lists its own."""

from isms.web.views import (
    account,
    auditor,
    audits,
    auth,
    awareness,
    certification,
    dashboard,
    evidence,
    imports,
    internal_audits,
    nonconformities,
    registers,
    reviews,
)

app_name = "web"

urlpatterns = [
    *auth.urlpatterns,
    *account.urlpatterns,
    *dashboard.urlpatterns,
    *registers.urlpatterns,
    *imports.urlpatterns,
    *audits.urlpatterns,
    *nonconformities.urlpatterns,
    *reviews.urlpatterns,
    *evidence.urlpatterns,
    *auditor.urlpatterns,
    *internal_audits.urlpatterns,
    *certification.urlpatterns,
    *awareness.urlpatterns,
]
