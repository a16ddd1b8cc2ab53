"""Work that need not wait for, nor hold up, the one thread the sockets' ORM calls share."""

from asgiref.sync import sync_to_async
from django.db import connection


def off_thread(function):
    """The cache calls (Redis) off the one thread the sockets' ORM calls share: 300 sockets
    may open at once."""
    return sync_to_async(function, thread_sensitive=False)


def _giving_back(function):
    """`function`, after which the thread's database connection goes back (to PostgreSQL's
    pool; SQLite opens a file), so a thread that comes and goes or waits holds none."""

    def run(*args):
        try:
            return function(*args)
        finally:
            # Inside a transaction it is not ours to give back (a test's, around the request).
            if not connection.in_atomic_block:
                connection.close()

    return run


def then_give_back(function):
    """Sync work of an async view on the request's own thread, whose connection goes back
    after it: a view that then waits (a PDF download, up to minutes) or computes (a file being
    read) holds none of the pool's few connections meanwhile."""
    return sync_to_async(_giving_back(function))


def db_off_thread(function):
    """Database reads on a worker thread, not on the one thread every socket's ORM calls
    wait for: a room of 300 sockets opening at once (who they are, whether they may stay) or
    a 1,000-card map read for its PDF does not queue in front of anyone."""
    return sync_to_async(_giving_back(function), thread_sensitive=False)
