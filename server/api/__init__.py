"""The JSON API under /api/v1/: the same resources and permissions as the HTML pages."""
