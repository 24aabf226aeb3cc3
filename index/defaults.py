"""Where the index and the corpus are when nobody says: folders relative to the current
one. The CLI's ``--index`` / ``--corpus`` defaults, the update of an index that does
not record its corpus, and the hints that name a command all read them here."""

from __future__ import annotations

import os

DEFAULT_INDEX = os.path.join("var", "index")
DEFAULT_CORPUS = "corpus"
