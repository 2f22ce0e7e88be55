"""pytest plugin of the testing kit (fixtures and hypothesis profiles)."""
