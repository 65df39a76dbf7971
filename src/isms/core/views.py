from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


def health(request):
    """Liveness and database check for load balancers and `isms serve` smoke tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@csrf_exempt  # a POST to a wrong address is a 404, not a CSRF refusal (which is HTML)
def api_not_found(request, path: str = ""):
    """Any /api/ address no endpoint matches (a non-numeric id, a typo): JSON, like every
    other API answer, never Django's HTML page."""
    return JsonResponse({"detail": f"no such API endpoint: {request.path}"}, status=404)
