"""One function per member action. Each checks who may do it, then calls the repositories.

Views and the JSON API call these and nothing below them, so a permission is checked in
exactly one place whichever door the request came through.
"""
