"""Files in and out: the scenario/world format of SPEC §9 (YAML, of which JSON is a subset)."""
