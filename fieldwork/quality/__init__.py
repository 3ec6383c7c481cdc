"""Data quality: the re-check (phúc tra) of approved sheets and the integrity-signals report."""
