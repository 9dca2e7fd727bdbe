"""Infrastructure every stage shares: errors and exit codes, atomic writes, paths, media types."""
