"""Operations: backups and restores, the health check, and the request log."""
