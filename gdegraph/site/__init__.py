"""The linked-data site: page model, views, templates, static assets."""
