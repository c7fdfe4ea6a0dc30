"""The SQL Plenary runs, one small function a query, grouped by what they read or write."""
