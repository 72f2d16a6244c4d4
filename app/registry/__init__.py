"""The register's use cases, above cards and the desk (decision 0026): a household with its card
and its visits. Registration that issues the first card, search that finds by card, the
household page and the API that show the card and the visits (read_model), the import's save
and its pages. households/ below holds the models, rules, names, duplicates and changes."""
