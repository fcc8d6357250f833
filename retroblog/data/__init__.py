"""Step 1 of the flow: dataset files in, validated records out.

``schema`` (columns and their aliases), ``loaders`` (CSV, JSON, YAML, Parquet, Notion; rows keep file and
line), ``validate``, ``dataset`` (the registry and the loaded frame) and ``career`` (``career.yml``).
Imports nothing of retroblog but ``errors`` and ``util``.
"""
