"""Survey statistics: pure NumPy/SciPy functions, no Flask, no database."""
