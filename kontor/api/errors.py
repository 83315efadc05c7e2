"""How the API answers when something goes wrong. Every error is JSON with a `detail` field:

    401, 403, 404, 413  {"detail": "A sentence for a human."}
    409                 {"detail": "A sentence.", "version": <the version stored now>}
    422                 {"detail": [{"loc": ["body", "emails", 0, "value"], "msg": "A sentence.",
                                     "type": "invalid"}, ...]}

A 422 names the place of each problem as a path: its first element says where the input was
("body", "query" or "path"), the rest walks into it (field names and list positions). The same
shape comes out whether the schema refused the input or an action did, so a client handles one.

The OpenAPI document lists these answers on every operation (see `document_common_answers`), so a
client generated from it expects them everywhere, as they can indeed come from everywhere: 401 for a
missing key, 403 for a role, 404 for an id of another account, 422 for an id that is no number, 429
past the rate limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from kontor.history.actions import StaleEntry
from kontor.records.actions import StaleEdit, TagNameError

Loc = list[str | int]
# The names the views give their body and query schema parameters (see _schema_error).
SCHEMA_PARAMETERS = {"payload", "filters", "params"}


class ErrorOut(Schema):
    detail: str


class StaleOut(Schema):
    detail: str
    version: int


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class InvalidInputOut(Schema):
    detail: list[FieldErrorOut]


class InvalidInput(Exception):
    """Bad input found by a route or an action rather than by the schema: answered with 422."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


def field_error(loc: Sequence[str | int], msg: str | Promise, type: str = "invalid") -> dict[str, Any]:
    return {"loc": list(loc), "msg": str(msg), "type": type}


def _body_loc(key: str) -> Loc:
    """An action's error key ("last_name", "addresses.2") as a path into the request body."""
    if key == NON_FIELD_ERRORS:
        return ["body"]
    return ["body", *(int(part) if part.isdigit() else part for part in key.split("."))]


def errors_from_django(error: DjangoValidationError,
                       locate: Callable[[str], Loc | None] | None = None) -> list[dict[str, Any]]:
    """Turns an action's ValidationError into the API's list of field errors. `locate` may name a
    different place for a key (the actions keep all contact details in one list, the API in four)."""
    if not hasattr(error, "error_dict"):
        return [field_error(["body"], message) for message in error.messages]
    errors: list[dict[str, Any]] = []
    for key, messages in error.message_dict.items():
        loc = (locate(key) if locate else None) or _body_loc(key)
        errors.extend(field_error(loc, message) for message in messages)
    return errors


@contextmanager
def locating(places: dict[str, Loc]) -> Iterator[None]:
    """Runs an action, reporting its ValidationErrors at the given places in the request body."""
    try:
        yield
    except DjangoValidationError as error:
        raise InvalidInput(errors_from_django(error, places.get)) from None


def _schema_error(error: dict[str, Any]) -> dict[str, Any]:
    """Ninja's error as ours: without the name of the view's parameter, and with only loc, msg, type.

    Ninja may place an error under the parameter's name ("body", "payload", "last_name"), which
    says nothing to a client; the views here name their schema parameters as listed below."""
    loc = list(error.get("loc", ()))
    if len(loc) >= 2 and loc[1] in SCHEMA_PARAMETERS:
        del loc[1]
    return field_error(loc, error.get("msg", ""), error.get("type", "invalid"))


# The answers any operation may give beside those it declares itself: (description, schema).
COMMON_ANSWERS: dict[int, tuple[str, type[Schema]]] = {
    401: ("No valid API key was sent.", ErrorOut),
    403: ("The key's role does not allow this.", ErrorOut),
    404: ("No such object in the key's account (another account's object looks the same).", ErrorOut),
    422: ("The input does not fit: each problem with its place.", InvalidInputOut),
    429: ("Too many requests with this key; try again after `Retry-After` seconds.", ErrorOut),
}
SCHEMA_REFS = "#/components/schemas/{model}"


def _add_common_answers(document: OpenAPISchema) -> OpenAPISchema:
    """Declares COMMON_ANSWERS on every operation of the document that does not declare them."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for _code, (_text, model) in COMMON_ANSWERS.items():
        definition = model.model_json_schema(ref_template=SCHEMA_REFS)
        components.update(definition.pop("$defs", {}))
        components.setdefault(model.__name__, definition)
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, (text, model) in COMMON_ANSWERS.items():
                operation["responses"].setdefault(str(code), {"description": text, "content": {
                    "application/json": {"schema": {"$ref": SCHEMA_REFS.format(model=model.__name__)}}}})
    return document


def document_common_answers(api: NinjaAPI) -> None:
    """Makes the API's OpenAPI document list the common answers on every operation, including the
    operations of routers added after this call (the document is built on each request for it)."""
    build = api.get_openapi_schema

    def get_openapi_schema(*, path_prefix: str | None = None, path_params: dict | None = None) -> OpenAPISchema:
        return _add_common_answers(build(path_prefix=path_prefix, path_params=path_params))

    # Ninja has no hook for the finished document; urls.py builds a plain NinjaAPI, so this one
    # instance's method is replaced (mypy refuses assigning to a method on principle).
    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]


class NotAnObject(ValueError):
    """A JSON body that is a list or a bare value."""


class ObjectBodyParser(Parser):
    """Reads a JSON body only when it is an object: every body the API accepts is one, and a list
    or a bare value would otherwise reach routes whose fields all have defaults as "nothing sent"."""

    def parse_body(self, request: HttpRequest) -> dict:
        # Only a body that was sent is parsed: an empty one is "nothing sent". `null` is no object
        # either: the document says every body is one (a PATCH of nothing sends `{}`).
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject("The request body is not a JSON object.")
        return data


def install(api: NinjaAPI) -> None:
    """Registers the handlers that turn every expected failure into its JSON answer, and lists the
    answers every operation may give in the document."""
    api.parser = ObjectBodyParser()
    document_common_answers(api)

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, {"detail": _(
            "Please send a valid API key, as “Authorization: Bearer KEY” or “X-apikey: KEY”.")}, 401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, {"detail": str(exc) or _("Your role does not allow this.")}, 403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # One body for every miss: another account's object must look exactly like a missing one.
        return respond(request, {"detail": _("Not found.")}, 404)

    @api.exception_handler(StaleEdit)
    def stale_record(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
        return respond(request, {"detail": _("Someone else changed this in the meantime. Load it again, "
                                             "apply your change and send the new version."),
                                 "version": exc.record.version}, 409)

    @api.exception_handler(StaleEntry)
    def stale_entry(request: HttpRequest, exc: StaleEntry) -> HttpResponse:
        return respond(request, {"detail": _("Someone else changed this note in the meantime. Load it again, "
                                             "apply your change and send the new version."),
                                 "version": exc.entry.version}, 409)

    @api.exception_handler(SchemaValidationError)
    def invalid_schema(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        return respond(request, {"detail": [_schema_error(e) for e in exc.errors]}, 422)

    @api.exception_handler(InvalidInput)
    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return respond(request, {"detail": exc.errors}, 422)

    @api.exception_handler(DjangoValidationError)
    def invalid_in_action(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, {"detail": errors_from_django(exc)}, 422)

    @api.exception_handler(TagNameError)
    def invalid_tag(request: HttpRequest, exc: TagNameError) -> HttpResponse:
        return respond(request, {"detail": [field_error(["body", "tags"], str(exc))]}, 422)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, {"detail": _("The request is too large.")}, 413)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, NotAnObject):
            return respond(request, {"detail": [field_error(["body"], _(
                "The request body must be a JSON object."), "model_type")]}, 422)
        if exc.status_code == 400:  # ninja could not parse the body: bad input like any other
            return respond(request, {"detail": [field_error(["body"], _(
                "The request body is not valid JSON."), "json_invalid")]}, 422)
        return respond(request, {"detail": str(exc)}, exc.status_code)
