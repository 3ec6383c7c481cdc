"""Running in production: gunicorn (`fieldwork serve`), backups and restores (docs/deploy.md)."""
