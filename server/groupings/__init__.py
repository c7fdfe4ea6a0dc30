"""Faction, caucus and platform rules that need no database: allowances, formation, petitions."""
