"""Step 3: statistics in, chart specs out. The only layer that imports Altair.

``builtin`` (the catalogue of chart types), ``career`` (the career timeline), ``theme`` (palette and
fonts), ``user`` (a site's own charts: spec files and Altair functions, and the privacy check),
``embedded`` (checks of the data a user's own chart embeds).
"""
