"""Running the portal on servers: moving documents to object storage, backup and restore."""
