"""Every URL the portal answers, built from the resolver (so a new URL is walked without a rule)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import translation


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the path when the pattern has no name
    template: str  # "/en/my/nominations/<slug:code>/", with converters as written
    callback: object
    parameters: tuple[str, ...]  # the converters' names, in order

    def fill(self, **values) -> str:
        path = self.template
        for parameter in self.parameters:
            path = re.sub(rf"<(?:\w+:)?{parameter}>", str(values[parameter]), path, count=1)
        return path


def _walk(patterns, prefix: str, namespace: str):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner.strip(":"))
        elif isinstance(entry, URLPattern):
            if not isinstance(entry.pattern, RoutePattern):
                continue  # regex patterns (a few in the admin) are walked with their path twins
            template = "/" + prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else template
            parameters = tuple(re.findall(r"<(?:\w+:)?(\w+)>", template))
            yield Route(name, template, entry.callback, parameters)


def all_routes(language: str = "en") -> list[Route]:
    with translation.override(language):
        return list(_walk(get_resolver().url_patterns, "", ""))
