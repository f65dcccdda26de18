"""Who may run the publication (django-rules): the public notice, objections, publishing.

Built from the predicates of accounts; views ask the named permissions through
`core.access.permission_required_or_404`, and anyone refused gets 404.
"""

import rules

from accounts.rules import is_organiser

# The public notice, the decisions on freed places, and publishing the results.
rules.add_perm("publication.publish", is_organiser)
# Read an objection and its evidence, resolve it, and act on its consequence.
rules.add_perm("publication.handle_objections", is_organiser)
