"""What the JSON API and the web pages share: dependencies, who is asking, refusals
audited, errors translated, uploads spooled. Neither front end imports the other."""
