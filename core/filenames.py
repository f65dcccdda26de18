"""File names people upload, made safe to keep, show and send back.

Browsers and the multipart parser already drop most folder parts, but a name can still carry
backslashes, quotes that end a Content-Disposition value, control characters (NUL, CR/LF) and
invisible format characters such as U+202E RIGHT-TO-LEFT OVERRIDE, which makes
"报告\u202efdp.exe" read as "报告exe.pdf". Files are stored under generated names whatever
happens here; this cleans the name we keep for display and for the download's file name.
"""

import re
import unicodedata

MAX_LENGTH = 150
_FOLDERS = re.compile(r"[\\/]")


def clean_file_name(name: str, *, fallback: str = "file") -> str:
    name = unicodedata.normalize("NFC", str(name or ""))
    name = _FOLDERS.split(name)[-1]
    # Unicode categories C*: controls (NUL, CR, LF, ESC), formats (bidi overrides), unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = name.replace('"', "").replace(";", " ")
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_LENGTH - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:MAX_LENGTH]
    return name or fallback
