"""Production settings plus one bare view for the benchmarks (never used in production).

pages.py measures the portal's pages next to the cheapest response Django can give on the same
server, through the same middleware: that view lives in benchmarks/bare_urls.py, a URLconf that
adds /bench/bare/ in front of the portal's own. Everything else is wnevc.settings unchanged.
"""

from wnevc.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bare_urls"
