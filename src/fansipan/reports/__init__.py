"""Writers of files people open: spreadsheets and CSV (later DOCX and PDF reports)."""
