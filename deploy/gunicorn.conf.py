"""gunicorn settings for one Harmoni app server (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Every server of a deployment runs the same file; what they share (database, document store,
Redis, secret key) comes from the environment (deploy/harmoni.env). The app holds no state of its
own between requests, so servers and workers can be added freely.
"""

import multiprocessing
import os

bind = os.environ.get("HARMONI_BIND", "127.0.0.1:8000")  # nginx in front, on the same machine
# gthread: a request waiting on PostgreSQL does not hold a whole process; 2 workers per core
workers = int(os.environ.get("HARMONI_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("HARMONI_THREADS", 4))
# PDF rendering (WeasyPrint) of long minutes takes seconds; uploads are up to 20 MB
timeout = 120
graceful_timeout = 30
keepalive = 5
# recycle workers now and then (memory of long-lived WeasyPrint font caches), spread out
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"  # only nginx on this machine may set X-Forwarded-*
accesslog = "-"  # to journald through stdout
errorlog = "-"
loglevel = "info"
# each worker imports the app itself: no database connection is ever opened before the fork and
# then shared by several processes
preload_app = False
