"""``python -m incident_map`` runs the command line."""

from incident_map.cli import main

main()
