"""One reader per source format of ``retroblog import``: Jekyll, Hashnode, DEV, Medium, plain text."""
