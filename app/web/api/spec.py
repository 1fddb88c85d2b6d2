"""The OpenAPI 3.1 document (GET /api/v1/openapi.json), generated from the routes and their
pydantic models, and the API's JSON errors.

Library: spectree (PyPI ``spectree``, 0b01001001/spectree). Of the maintained Flask options it
is the one that fits this app: it decorates plain Flask views on a plain Blueprint (flask-openapi3
needs its own OpenAPI app class in place of Flask's), takes the pydantic 2 models we already use
for validation as the single source of both request checking and the document (apispec would
leave the schemas and the request checking to us), emits OpenAPI 3.1.0, and validates responses
against their models, so the document cannot drift from what the code returns. Strict mode
documents only the views it decorates, never the HTML pages.
"""

from __future__ import annotations

from flask import jsonify
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData

from app.web.api import bp
from app.web.api.schemas import ApiError

DESCRIPTION = (
    "Meetday's JSON API. Masses are kilograms (fields ending `_kg`), times ISO 8601 in UTC. "
    "Everything but the calculators and this document needs a personal access token, made on "
    "your profile page, sent as `Authorization: Bearer md_...`; a read token can't write. "
    "Writes take an `Idempotency-Key` header: repeating a key with the same request returns "
    "the original result; a key reused for a different request gets a 422. A write's body is "
    "a JSON object (400 when it doesn't parse, 415 for another content type). "
    'Errors are JSON `{"error": ...}`; a 422 also names the `field`.'
)


def _field_name(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "body"


def explain_validation_error(request, response, error, instance, model_adapter) -> None:
    """spectree hook: rewrite its 422 (pydantic's error list) into our ApiError shape, naming
    the field. Inputs are not echoed back."""
    if error is None:
        return
    errors = [
        {"field": _field_name(item["loc"]), "message": item["msg"]}
        for item in error.errors(include_url=False, include_input=False, include_context=False)
    ]
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    body = ApiError(
        error=f"{first['field']}: {first['message']}", field=first["field"], errors=errors
    )
    response.set_data(body.model_dump_json(exclude_none=True))
    response.mimetype = "application/json"


spec = SpecTree(
    "flask",
    mode="strict",
    title="Meetday API",
    version="1.0.0",
    description=DESCRIPTION,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    validation_error_model=ApiError,
    before=explain_validation_error,
    security_schemes=[
        SecurityScheme(
            name="token",
            data=SecuritySchemeData(
                type="http",
                scheme="bearer",
                bearer_format="md_ followed by 43 URL-safe characters",
                description="A personal access token from your profile page",
            ),
        )
    ],
)


@bp.get("/openapi.json")
def show_openapi():
    """This API's OpenAPI 3.1 document (generated once per process from the routes)."""
    return jsonify(spec.spec)
