"""Who is owed what: rate tables, pay lines and streaming residuals (SPEC §6)."""
