"""``retroblog collect git``: merged PRs from local git history.

``run`` runs git and turns its failures into errors, ``parse`` reads what git writes, ``collect``
walks each repository's main line, ``clones`` counts lines of given commits for the API collectors.
"""

from retroblog.collect.git.clones import commit_counts, fill_from_clones
from retroblog.collect.git.collect import GitCollection, Identities, collect_git
from retroblog.collect.git.parse import DEFAULT_EXCLUDES, Excludes, classify, parse_remote

__all__ = [
    "DEFAULT_EXCLUDES",
    "Excludes",
    "GitCollection",
    "Identities",
    "classify",
    "collect_git",
    "commit_counts",
    "fill_from_clones",
    "parse_remote",
]
