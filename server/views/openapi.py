"""``/openapi.json``: the HTTP API described from the app's own routes (apispec, OpenAPI 3.1).

Each route becomes a path; each method an operation whose summary and description are the view's
docstring, grouped by blueprint; path parameters come from the URL converters. Everything else an
operation takes and answers is written beside the code that reads it: YAML after a ``---`` line
of the view's docstring, keyed by method (the apispec convention), naming the shared parts of
:mod:`bd4m_kg.server.http.api_components` (a view made in code, a browse listing, is described
there). What holds for whole groups is added here: an operation of a view guarded by
``auth.needs("<role>")`` carries the bearer security requirement, names the role and answers
401 and 403; one with path parameters 404; a rate-limited one 429; one with a body 413; every one
503 when the store is busy. Errors share one JSON shape.
"""

from __future__ import annotations

import copy
import inspect
import re
from importlib.metadata import version
from typing import Any

from apispec import APISpec
from apispec.yaml_utils import load_operations_from_docstring
from flask import Blueprint, Flask, Response, current_app, jsonify
from werkzeug.routing import Rule

from bd4m_kg.server.http import api_components as parts
from bd4m_kg.server.middleware.rate_limits import LIMITED

openapi = Blueprint("openapi", __name__)
PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>")
TYPES = {"int": {"type": "integer", "minimum": 0}, "float": {"type": "number", "minimum": 0}}
HIDDEN = frozenset({"static"})
DESCRIPTION = "bd4m_openapi"


@openapi.get("/openapi.json")
def document() -> Response:
    """The OpenAPI 3.1 description of this server's HTTP API.

    ---
    get:
      responses:
        200:
          description: this document
          content: {application/json: {schema: {type: object, required: [openapi, info, paths]}}}
    """
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
    for name, schema in parts.SCHEMAS.items():
        spec.components.schema(name, copy.deepcopy(schema))
    for name, parameter in parts.PARAMETERS.items():
        spec.components.parameter(name, parameter["in"], copy.deepcopy(parameter))
    for name, response in parts.RESPONSES.items():
        spec.components.response(name, copy.deepcopy(response))
    built = parts.built_operations()
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in HIDDEN:
            continue
        path, parameters = _path(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = _operation(app, rule, method, copy.deepcopy(parameters), built)
            paths.setdefault(path, {})[method.lower()] = operation
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


def _operation(
    app: Flask, rule: Rule, method: str, parameters: list[Any], built: dict[str, Any]
) -> dict[str, Any]:
    view = inspect.unwrap(app.view_functions[rule.endpoint])
    docstring = inspect.getdoc(view) or rule.endpoint
    text = re.split(r"^---\s*$", docstring, maxsplit=1, flags=re.MULTILINE)[0].strip()
    summary, _, description = text.partition("\n")
    described = built.get(rule.endpoint) or load_operations_from_docstring(docstring)
    given = copy.deepcopy(described.get(method.lower(), {}))
    operation: dict[str, Any] = {
        "operationId": f"{method.lower()} {rule.rule}",
        "summary": summary.strip(),
        "tags": [rule.endpoint.split(".", 1)[0]],
        "parameters": parameters + given.pop("parameters", []),
        "responses": {str(code): answer for code, answer in given.pop("responses", {}).items()},
        **given,
    }
    if description.strip():
        operation["description"] = description.strip()
    if isinstance(operation.get("requestBody"), str):
        operation["requestBody"] = copy.deepcopy(parts.REQUEST_BODIES[operation["requestBody"]])
    _common_answers(app, rule, operation)
    return operation


def _common_answers(app: Flask, rule: Rule, operation: dict[str, Any]) -> None:
    """What holds for groups of operations: tokens and roles, rate limits, bodies, a busy store."""
    answers = operation["responses"]
    if not answers:  # the view has not said: an answer, or an error
        answers["200"] = {"description": "the answer, in the negotiated format"}
        answers["default"] = "BadRequest"
    role = getattr(app.view_functions[rule.endpoint], "required_role", None)  # set by auth.needs
    if role:
        operation["security"] = [{"bearer": []}]
        operation["x-role"] = role
        answers.setdefault("401", "Unauthorized")
        answers.setdefault("403", parts.forbidden(role))
    if rule.arguments:  # a value the route's converter refuses matches no route
        answers.setdefault("404", "NotFound")
    if rule.endpoint in LIMITED:
        answers.setdefault("429", "TooManyRequests")
    if "requestBody" in operation:
        answers.setdefault("413", "TooLarge")
    if any(_named(p) == "timeout" for p in operation.get("parameters", [])):
        answers.setdefault("400", "BadRequest")  # a timeout under its minimum
    answers.setdefault("503", "Unavailable")


def _named(parameter: object) -> str | None:
    """A parameter's name, whether written out or a reference to a shared one."""
    if isinstance(parameter, dict):
        reference = str(parameter.get("$ref", ""))
        return parameter.get("name") or reference.rsplit("/", 1)[-1] or None
    return str(parameter)


def init_app(app: Flask) -> None:
    """Register /openapi.json."""
    app.register_blueprint(openapi)
