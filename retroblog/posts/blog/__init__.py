"""What the blog needs at build time: lenient front matter of copied-in posts, complete feeds."""
