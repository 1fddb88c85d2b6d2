"""Domain verbs over the database. A public service function owns its transaction."""
