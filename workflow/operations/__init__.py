"""Every state change: mutate, flush, audit; never commit (the caller commits once)."""
