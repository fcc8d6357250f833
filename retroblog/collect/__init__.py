"""``retroblog collect``: merged PRs from remote sources and local history into dataset files.

``http`` (the client: retries, rate limits, the token never written), ``github``, ``gitlab``, ``azure``,
``git/`` (local history), ``merge`` (into an existing dataset, nothing dropped), ``redact`` (keyed
pseudonyms) and ``state`` (resumable runs). Imports ``data`` for the schema and the readers.
"""
