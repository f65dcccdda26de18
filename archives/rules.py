"""Who may build and download an edition's archive (django-rules): the secretariat.

Downloading asks for the second factor again as well (archives/views.py).
"""

import rules

from accounts.rules import is_organiser

rules.add_perm("archives.keep_archives", is_organiser)
