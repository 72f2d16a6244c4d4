"""Input hygiene every domain shares: which characters a typed value may not hold.

A leaf (it imports nothing of ours), so stock, households and the API types check text the
same way without one domain importing another (decision 0018).
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

NOT_ALLOWED = _l("contains characters that are not allowed")


def has_control_characters(value: str) -> bool:
    """Control, surrogate, private-use and unassigned characters: nothing a person types."""
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in value)
