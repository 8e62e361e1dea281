"""Citizens: field reports (Open311) and their workflow, public-service dossiers, and the
indicators counted from both."""
