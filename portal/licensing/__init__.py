"""LSP licensing (flow 6): what the licensing steps record beyond documents (the access code)."""
