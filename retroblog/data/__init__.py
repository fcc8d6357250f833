"""Step 1 of the flow: dataset files in, validated records out.

``schema`` (columns and their aliases), ``loaders`` (CSV, JSON, YAML, Parquet, Notion; rows keep file and
line), ``validate``, ``dataset`` (the registry and the loaded frame), ``career`` (``career.yml``) and
``sample`` (the seeded invented datasets of the example site and of ``retroblog new``).
Imports nothing of retroblog but ``errors`` and ``util``.
"""
