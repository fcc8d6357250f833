"""``retroblog collect git``: merged PRs from local git history."""
