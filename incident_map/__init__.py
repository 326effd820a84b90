"""incident_map package."""
