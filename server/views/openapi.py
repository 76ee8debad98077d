"""``/openapi.json``: the HTTP API described from the app's own routes (apispec, OpenAPI 3.1).

Each route becomes a path; each method an operation whose summary and description are the view's
docstring, grouped by blueprint; path parameters come from the URL converters; an operation whose
view guarded by ``auth.needs("<role>")`` carries the bearer security requirement and names
the role. Errors share one JSON shape.
"""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version
from typing import Any

from apispec import APISpec
from flask import Blueprint, Flask, Response, current_app, jsonify
from werkzeug.routing import Rule

openapi = Blueprint("openapi", __name__)
PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>")
TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}}
ERROR = {
    "type": "object",
    "required": ["ok", "status", "error"],
    "properties": {
        "ok": {"type": "boolean", "const": False},
        "status": {"type": "integer"},
        "error": {"type": "string", "description": "what went wrong and what to do"},
    },
}
HIDDEN = frozenset({"static"})
DESCRIPTION = "bd4m_openapi"


@openapi.get("/openapi.json")
def document() -> Response:
    """The OpenAPI 3.1 description of this server's HTTP API."""
    if DESCRIPTION not in current_app.extensions:  # the routes never change once the app serves
        current_app.extensions[DESCRIPTION] = api_description(current_app)
    return jsonify(current_app.extensions[DESCRIPTION])


def api_description(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every route of ``app``."""
    spec = APISpec(
        title="BD4M Data Innovation Directory",
        version=version("bd4m-kg"),
        openapi_version="3.1.0",
        info={
            "description": "SPARQL, linked data, harvesting and curation of the directory's knowledge graph."
        },
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in HIDDEN:
            continue
        path, parameters = _path(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(app, rule, method, parameters)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _path(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    """The OpenAPI path template of a rule and its path parameters."""
    parameters = [
        {
            "name": match["name"],
            "in": "path",
            "required": True,
            "schema": _schema(match["converter"], match["arguments"]),
        }
        for match in PARAMETER.finditer(rule.rule)
    ]
    return PARAMETER.sub(lambda m: "{" + m["name"] + "}", rule.rule), parameters


def _schema(converter: str | None, arguments: str | None) -> dict[str, Any]:
    """The schema of a path parameter: ``any(json, csv)`` is an enumeration of its choices."""
    if converter == "any" and arguments:
        return {"type": "string", "enum": [choice.strip() for choice in arguments.split(",")]}
    return TYPES.get(converter or "", {"type": "string"})


def _operation(app: Flask, rule: Rule, method: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    view = inspect.unwrap(app.view_functions[rule.endpoint])
    summary, _, description = (inspect.getdoc(view) or rule.endpoint).partition("\n")
    operation: dict[str, Any] = {
        "operationId": f"{method.lower()} {rule.rule}",
        "summary": summary.strip(),
        "tags": [rule.endpoint.split(".", 1)[0]],
        "parameters": parameters,
        "responses": {
            "200": {"description": "the answer, in the negotiated format"},
            "default": {
                "description": "an error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
    if description.strip():
        operation["description"] = description.strip()
    role = getattr(app.view_functions[rule.endpoint], "required_role", None)  # set by auth.needs
    if role:
        operation["security"] = [{"bearer": []}]
        operation["x-role"] = role
        operation["responses"]["401"] = {"description": "no token, or an unknown or revoked one"}
        operation["responses"]["403"] = {"description": f"the token's role is below {role}"}
    return operation


def init_app(app: Flask) -> None:
    """Register /openapi.json."""
    app.register_blueprint(openapi)
