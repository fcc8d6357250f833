"""Step 4: chart specs in, markup out: static SVG (``svg``, vl-convert), HTML (``html``), browser
files (``vendor``, ``assets/``). The only layer that writes markup.
"""
