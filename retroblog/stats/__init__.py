"""Step 2: validated records in, exact statistics out. Imports ``data`` only.

``filters`` (which PRs a block covers), ``compute`` (the statistics), ``keys`` (stat keys looked up
and formatted for prose).
"""
