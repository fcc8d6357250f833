"""Step 5: blocks of a page in, finished HTML out, for any adapter.

``settings`` (typed options), ``syntax`` (the one tokenizer of blocks and inline stats), ``blocks``
(the engine), ``cache`` (finished fragments keyed by their inputs and retroblog's code) and
``worker`` (the process that computes blocks while a build goes on). Imports no site generator.
"""
