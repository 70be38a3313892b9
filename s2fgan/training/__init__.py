"""Training: losses (pure functions), EMA and the Accelerate loop. Never imported by models/."""
