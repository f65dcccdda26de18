"""{% cache_empty_form form seconds vary… %}…{% endcache_empty_form %}: an empty form, cached.

The nomination form is the costliest page to render: about forty fields through crispy-forms,
some 50 ms of Python, where the rest of the page takes a few. For a new nomination the fields
are the same for everyone who reads the page in one language: no values, no errors. So the
enclosed part is cached per template, language and the given values (the edition and the query
string, which may preselect a category). Only a view that says so (`cache_empty_form` in the
context) gets the cached copy: a page extending the template may put personal things in the
block (an expert's remaining quota). A bound form or a form of an existing row is rendered as
usual, every time. The CSRF token must stay outside the block.

The edition's `updated_at` in the vary values drops the copy when the edition is edited; a
renamed technical direction shows within `seconds`.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


class EmptyFormCacheNode(template.Node):
    def __init__(self, nodelist, form, seconds, vary_on):
        self.nodelist, self.form, self.seconds, self.vary_on = nodelist, form, seconds, vary_on

    def render(self, context):
        form = self.form.resolve(context)
        instance = getattr(form, "instance", None)
        if (
            not context.get("cache_empty_form")
            or form.is_bound
            or getattr(instance, "pk", None) is not None
        ):
            return self.nodelist.render(context)
        parts = [context.template.name if context.template else "", get_language() or ""]
        parts += [str(value.resolve(context)) for value in self.vary_on]
        key = "empty-form:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, str(html), self.seconds.resolve(context))
        # bandit B308, B703: our own template's output, escaped when it was rendered.
        return mark_safe(html)  # noqa: S308  # nosec B308, B703


@register.tag
def cache_empty_form(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a form, a number of seconds and optional values to vary on."
        )
    nodelist = parser.parse(("endcache_empty_form",))
    parser.delete_first_token()
    form, seconds, *vary_on = (parser.compile_filter(bit) for bit in bits[1:])
    return EmptyFormCacheNode(nodelist, form, seconds, vary_on)
