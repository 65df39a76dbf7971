"""The answers every operation may give, added to each operation of the OpenAPI document.

Django-ninja documents what a view returns; some answers come from before the view runs (an
unparseable body, a missing token, a body over the size limit, throttling) or from ninja's own
validation (422 with a list of problems), so without this the document would contradict what
clients actually receive."""

from ninja import NinjaAPI

MESSAGE = {"$ref": "#/components/schemas/Message"}
PROBLEMS = {"$ref": "#/components/schemas/ProblemList"}

#: status -> (description, schema) for answers any operation may give.
COMMON = {
    "400": ("The body is not valid JSON (or not valid multipart form data)", MESSAGE),
    "401": ("No token, or a token that is unknown, expired or revoked", MESSAGE),
    "409": ("The record was changed by someone else at the same moment; read it again", MESSAGE),
    "413": ("The body is over the size limit; it was not read", MESSAGE),
    "429": ("Too many failed attempts from this address; wait (see Retry-After)", MESSAGE),
    "503": ("The database stayed busy with another write; try again (see Retry-After)", MESSAGE),
}
REFUSAL = {"anyOf": [MESSAGE, PROBLEMS]}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_common_responses(document: dict) -> dict:
    """``document`` with the common answers on every operation, and 422 as either shape."""
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status, (description, schema) in COMMON.items():
                responses.setdefault(status, _json(description, schema))
            invalid = responses.get("422")
            if invalid is None:
                responses["422"] = _json("Invalid parameters or body", REFUSAL)
            else:
                for content in invalid.get("content", {}).values():
                    content["schema"] = REFUSAL
    return document


class IsmsApi(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the answers every operation may give."""

    def get_openapi_schema(self, *args, **kwargs):
        return add_common_responses(super().get_openapi_schema(*args, **kwargs))
