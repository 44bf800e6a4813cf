"""Letters and notices generated from templates each council can edit, as HTML and PDF."""
