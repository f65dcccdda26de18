"""`{% public_nav_state as published %}`: what the public navigation links to (the notice while
it is open, the results once published); loaded on every page by includes/public_nav.html."""

from django import template

from portal.public_state import nav_state_for

register = template.Library()


@register.simple_tag(takes_context=True)
def public_nav_state(context) -> dict:
    return nav_state_for(context.get("request"))
