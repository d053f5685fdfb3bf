"""Open311 GeoReport v2 at /open311/v2/: thin views that parse, call the service and render JSON or XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from aduan.services import open311
from aduan.services.open311 import NewRequest, Open311Error

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# The spec's XML wraps every list in a plural element holding singular ones (the Spark convention).
_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}
# Characters XML 1.0 cannot carry at all (a pasted control character must not break a client's parser).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list):
        item_tag = _ITEM_TAGS.get(tag, "item")
        for item in value:
            element.append(_element(item_tag, item))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
    return element


def to_xml(root: str, data: Any) -> bytes:
    body = ET.tostring(_element(root, data), encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def render(data: Any, fmt: str, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), status=status, content_type=XML_TYPE)
    body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=JSON_TYPE)


def render_error(error: Open311Error, fmt: str) -> HttpResponse:
    response = render(error.payload(), fmt, "errors", error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    """The format from the extension (JSON without one), the method check, and errors as the spec's
    list in that format."""

    def wrap(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def handle(request: HttpRequest, *args: Any, fmt: str | None = None, **kwargs: Any) -> HttpResponse:
            fmt = fmt or "json"
            allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())
            if request.method not in allowed:
                refused = Open311Error(405, [("method", f"Gunakan {' atau '.join(methods)}.")])
                response = render_error(refused, fmt)
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, fmt, *args, **kwargs)
            except Open311Error as error:
                return render_error(error, fmt)

        return handle

    return wrap


def _params(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "") for key in request.GET}


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(open311.discovery(), fmt, "discovery")


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(open311.services(), fmt, "services")


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return render(open311.service_definition(code), fmt, "service_definition")


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        new, api_key = _submission(request)
        key = open311.authenticate(api_key)
        return render([open311.create_request(new, key)], fmt, "service_requests")
    return render(open311.find_requests(open311.parse_query(_params(request))), fmt, "service_requests")


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, ticket: str) -> HttpResponse:
    extensions = open311.wants_extensions(_params(request))
    return render([open311.get_request(ticket, extensions)], fmt, "service_requests")


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    return render([open311.token_request(token)], fmt, "service_requests")


@endpoint("GET", "POST")
def not_found(request: HttpRequest, fmt: str, rest: str) -> HttpResponse:
    raise Open311Error(404, [("url", f"'{request.path}' bukan sumber GeoReport v2; lihat discovery.json.")])


_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _submission(request: HttpRequest) -> tuple[NewRequest, str]:
    """The POST's fields (form-encoded as the spec says, or a JSON object) and its api_key.

    Fields may also come in the query string (the spec's swagger lists them there); the body wins."""
    raw: dict[str, list[str]] = {key: request.GET.getlist(key) for key in request.GET}
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise Open311Error(400, [("body", "Isi permintaan bukan JSON yang sah.")]) from None
        if not isinstance(body, dict):
            raise Open311Error(400, [("body", "Isi permintaan harus berupa objek JSON.")])
        for key, value in body.items():
            if key == "attribute" and isinstance(value, dict):
                for code, given in value.items():
                    raw[f"attribute[{code}]"] = _json_values(f"attribute[{code}]", given)
            else:
                raw[key] = _json_values(key, value)
    else:
        raw.update({key: request.POST.getlist(key) for key in request.POST})
    fields: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    for key, values in raw.items():
        match = _ATTRIBUTE.match(key)
        if match:
            attributes.setdefault(match.group(1), []).extend(values)
        elif len(values) > 1:
            raise Open311Error(400, [(key, "Hanya boleh diisi sekali.")])
        else:
            fields[key] = values[0] if values else ""
    return NewRequest(fields, attributes), fields.get("api_key", "").strip()


def _json_values(key: str, value: Any) -> list[str]:
    if value is None:
        return [""]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise Open311Error(400, [(key, "Harus berupa teks atau angka.")])


_FORMAT = r"(?:\.(?P<fmt>json|xml))?$"

urlpatterns = [
    re_path(rf"^discovery{_FORMAT}", discovery, name="open311-discovery"),
    # The spec suggests serving the discovery document at the endpoint's root too.
    re_path(r"^$", discovery),
    re_path(rf"^services{_FORMAT}", services, name="open311-services"),
    re_path(rf"^services/(?P<code>[^/]+?){_FORMAT}", service_definition, name="open311-service"),
    re_path(rf"^requests{_FORMAT}", requests, name="open311-requests"),
    re_path(rf"^requests/(?P<ticket>[^/]+?){_FORMAT}", request_detail, name="open311-request"),
    # The spec's swagger spells the single request singular; the spec's text plural. Both work.
    re_path(rf"^request/(?P<ticket>[^/]+?){_FORMAT}", request_detail),
    re_path(rf"^tokens/(?P<token>[^/]+?){_FORMAT}", token, name="open311-token"),
    re_path(r"^(?P<rest>.*?)(?:\.(?P<fmt>json|xml))?$", not_found),
]
