"""Whole sites: ``scaffold`` (``retroblog new`` and its ``templates/``) and ``publish`` (GitHub Pages)."""
