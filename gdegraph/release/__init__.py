"""A release in one run: the dumps and the static site from one build (``gdegraph publish --site``)."""
