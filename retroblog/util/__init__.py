"""Small helpers every layer may use: safe file writes (``files``) and numbers in words (``words``)."""
