"""Step 5: blocks of a page in, finished HTML out, for any adapter.

``settings`` (the site's typed settings), ``syntax`` (the one tokenizer of blocks and inline stats, and
the one list of block languages), ``options`` (a block's typed, checked options), ``blocks`` (the
engine: keys, futures, dispatch), ``career`` (data/career.yml in pages), ``results`` (what a block
comes to: ``ChartResult``, ``PendingChart``, the worker's outcomes), ``cache`` (finished fragments keyed
by their inputs and retroblog's code) and ``worker`` (the process that computes blocks while a build
goes on). Imports no site generator.
"""
