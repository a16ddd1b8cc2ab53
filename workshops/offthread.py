"""Work that need not wait for, nor hold up, the one thread Django's sync views share."""

from asgiref.sync import sync_to_async
from django.db import connection


def off_thread(function):
    """The cache calls (Redis) off the one thread the ORM calls share: 300 sockets may open
    at once, and the HTTP views wait on that thread."""
    return sync_to_async(function, thread_sensitive=False)


def db_off_thread(function, *, keep_connection: bool = True):
    """Database reads on a worker thread with a connection of its own, not on the one thread
    every HTTP view waits for: a room of 300 sockets opening at once (who they are, whether
    they may stay) or a 1,000-card map read for its PDF does not queue in front of anyone's
    edit. The worker's connection stays open for the next call (opening one cost a sixth of
    a join storm), unless an error broke it or the caller is rare enough to close it."""

    def run(*args):
        try:
            return function(*args)
        finally:
            if connection.errors_occurred or not keep_connection:
                connection.close()

    return sync_to_async(run, thread_sensitive=False)
