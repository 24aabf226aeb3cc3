"""The options a search takes, with their bounds: the page size, the sorts and the
groupings. Kept apart from the engine so that the CLI's options (and the web settings)
are made from them without loading the index machinery."""

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SORTS = ("relevance", "year")
GROUPS = ("none", "report")
