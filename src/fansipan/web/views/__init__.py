"""Page views, one module per page group; each is parse → service → render."""
