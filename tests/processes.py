"""Real concurrency for tests: OS processes, each with its own application, connection pool and
HTTP stack on the test database, released together by a barrier.

The children come from multiprocessing's "forkserver": a fresh interpreter, started once per test
process, that imports Harmoni's modules (and WeasyPrint, pyHanko, SQLAlchemy...) and then forks a
child per job. A child so inherits imported code and nothing else: no app, no connection, no
lock of the parent's, as with "spawn"; but it starts in a fraction of a second, where a spawned
interpreter spent about 3 s of CPU importing the same modules again (8 children a test).

A test passes a module-level `work(app, wait, *args)` function (the "spawn" context imports it by
name): it warms up, calls `wait()` to meet the others at the barrier, does its work and returns a
picklable outcome. `run_together` fails, never hangs, when a child raises, dies or stalls.
"""

import multiprocessing
import queue as queue_module
import sys
import traceback

from workflow.extensions import db

BARRIER_TIMEOUT = 120  # seconds for every child to build its app and reach the barrier
JOIN_TIMEOUT = 180  # a hang fails the test instead of blocking the run
EXIT_TIMEOUT = 60  # for a child that has reported to exit (interpreter shutdown on a loaded machine)


def _child_main(work, config, barrier, results, worker, args):
    try:
        from workflow import create_app

        app = create_app(
            "config.TestConfig", SQLALCHEMY_DATABASE_URI=config["database_url"], DOCUMENT_STORE=config["document_store"]
        )
        outcome = work(app, lambda: barrier.wait(BARRIER_TIMEOUT), *args)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        results.put((worker, outcome, None))
    except BaseException:  # noqa: BLE001  (report everything to the parent, which asserts)
        try:
            barrier.abort()  # release the others instead of letting them wait for us
        except Exception:  # noqa: BLE001
            pass
        results.put((worker, None, traceback.format_exc()))


def release_database(app) -> None:
    """Commit and close everything the parent holds, so no child waits on the parent's locks."""
    with app.app_context():
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def run_together(app, work, jobs: list[tuple]) -> list:
    """Run work(app, wait, *job) in one spawned process per job, released together; the outcomes
    in job order."""
    release_database(app)
    mp = _context()
    barrier, results = mp.Barrier(len(jobs)), mp.Queue()
    config = {"database_url": app.config["SQLALCHEMY_DATABASE_URI"], "document_store": app.config["DOCUMENT_STORE"]}
    processes = [
        mp.Process(
            target=_child_main,
            args=(work, config, barrier, results, worker, job),
            name=f"harmoni-worker-{worker}",
            daemon=True,
        )
        for worker, job in enumerate(jobs)
    ]
    for p in processes:
        p.start()
    outcomes, errors = {}, []
    try:
        for _ in processes:
            try:
                worker, outcome, error = results.get(timeout=JOIN_TIMEOUT)
            except queue_module.Empty:
                break
            if error:
                errors.append(f"worker {worker}:\n{error}")
            else:
                outcomes[worker] = outcome
        for p in processes:
            p.join(timeout=EXIT_TIMEOUT if len(outcomes) + len(errors) == len(processes) else 10)
    finally:
        hung = [p for p in processes if p.is_alive()]
        for p in hung:
            p.kill()
            p.join(timeout=10)
        results.close()
        results.join_thread()
    assert not hung, f"{len(hung)} worker(s) still running ({len(outcomes) + len(errors)} reported): a hang"
    text = "\n".join(errors)
    assert "database is locked" not in text, "SQLite 'database is locked' under concurrency:\n" + text
    assert not errors, text
    assert sorted(outcomes) == list(range(len(jobs))), f"missing outcomes: {sorted(outcomes)}"
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]
    return [outcomes[i] for i in range(len(jobs))]


def _context():
    """The forkserver context, its server importing every module of Harmoni (and of the tests)
    the parent has imported so far: with the `app` fixture's app built, that is all create_app
    and the requests need. Set once: the server starts with the first child and serves the rest."""
    mp = multiprocessing.get_context("forkserver")
    if not _context.preloaded:
        mp.set_forkserver_preload(sorted(name for name in list(sys.modules) if name.split(".")[0] == "workflow"))
        _context.preloaded = True
    return mp


_context.preloaded = False  # type: ignore[attr-defined]


def api_client(app, token):
    """A test client and the bearer headers for `token`, warmed up (imports, pool, token lookup)."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    warm = client.get("/api/v1/requests?per_page=1", headers=headers)
    if warm.status_code != 200:
        raise AssertionError(f"warm-up answered {warm.status_code}: {warm.get_data(as_text=True)}")
    return client, headers
