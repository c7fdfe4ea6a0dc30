"""The HTML pages, grouped by what the member looks at."""
