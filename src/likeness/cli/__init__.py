"""The ``likeness`` command line: thin over the services."""
