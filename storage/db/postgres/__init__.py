"""The second engine: the store on PostgreSQL, for deployments that outgrow one SQLite file."""
