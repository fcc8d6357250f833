"""Step 2: validated records in, exact statistics out (``compute``). Imports ``data`` only."""
