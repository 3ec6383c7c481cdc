"""Background jobs: scanning batches, report versions, exports and imports off the request thread.

A job is a row in ``jobs`` (kind, parameters, status, progress, result) and a handler registered
by the feature that owns the work (``fieldwork.<feature>.tasks``). Where it runs is a setting:
at once in the caller (tests), on in-process worker threads (the default: no other service), or
on RQ workers sharing Redis, the database and the data folder (``REDIS_URL``, ``fieldwork
worker``). A worker claims a job with one conditional UPDATE, keeps a heartbeat while it runs,
and a job whose worker died is claimed again once its heartbeat is stale; handlers are
restartable (scanning skips pages already stored) or commit their work and the job's end in one
transaction, so a resumed job neither loses nor repeats anything.
"""
