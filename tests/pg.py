"""The throwaway PostgreSQL cluster of the tests (it lives in the package for the benchmarks)."""

from fieldwork.deploy.pgcluster import Cluster  # noqa: F401
