"""The internal bulletin: assembling an issue into one PDF."""
