"""Sites: the model and finding one by its code (below stock, context and the domains)."""
