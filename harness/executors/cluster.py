"""The ``dask`` executor: students are graded by the workers of a Dask cluster.

Each student is one task. A worker opens the job's run once, the first time a task of the
job reaches it (its own sandbox pools, reference cache and doctor check: nothing live
travels), and closes it when the run ends or the worker stops (:class:`JobOnWorker`, a
worker plugin). The client opens the run on one worker first, for its record (sandbox, seed
secret: part of the result store's keys, which the client computes). A student travels as
their folder's bytes (:mod:`harness.executors.packing`) with their answers as read here and the
questions to grade; the result comes back as JSON, is validated here, and is saved in the store
here: workers never write it.
Why bytes and not a path: see :mod:`~harness.executors.packing`.

When a worker dies mid-student, the scheduler runs the task again on another worker (up to
Dask's ``allowed-failures``); the base class keeps one result per student. This module (and
``distributed``, ``pip install genai-harness[cluster]``) is imported only when the executor is
asked for by name.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
import uuid
from collections.abc import Generator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed, get_worker
from distributed.scheduler import KilledWorker

from harness.errors import HarnessError
from harness.executors.base import Executor, ExecutorRun
from harness.executors.job import GradingJob, open_job
from harness.executors.packing import check_size, pack_folder, unpack_folder
from harness.grading.runner import GradingPlan, GradingTask, grade_student
from harness.kinds.lifecycle import RunRecord
from harness.results import StudentResult
from harness.submissions import Submission

CONNECT_TIMEOUT = "20s"  # how long a client waits for the scheduler before saying it cannot reach it
IN_FLIGHT_PER_THREAD = 4  # tasks queued per worker thread: enough to keep workers busy, bounded memory


class DaskExecutor(Executor):
    name = "dask"
    description = "the workers of a Dask cluster (--scheduler ADDRESS; without one, a local cluster of processes)"
    takes_scheduler = True

    @contextmanager
    def _open(self, job: GradingJob, scheduler: str | None) -> Iterator[ExecutorRun]:
        with _client(scheduler) as client:
            plugin = JobOnWorker(job, run=uuid.uuid4().hex[:12])
            client.register_plugin(plugin, name=plugin.name)
            try:
                yield DaskRun(client, plugin.name, _record_of_run(client, plugin.name))
            finally:
                client.unregister_worker_plugin(plugin.name)  # each worker closes its run


class DaskRun(ExecutorRun):
    """The job's run on a cluster: each worker opens it at its first task (see :class:`JobOnWorker`)."""

    def __init__(self, client: Client, plugin_name: str, record: RunRecord) -> None:
        super().__init__(record)
        self._client = client
        self._plugin_name = plugin_name

    def _grade(self, tasks: list[GradingTask]) -> Generator[StudentResult, None, None]:
        for task in tasks:  # refuse before anything is sent
            check_size(task.submission.folder)
        yield from _run_tasks(self._client, self._plugin_name, tasks)


@dataclass(frozen=True)
class Parcel:
    """A student as sent to a worker: their submission (folder named, not located), their
    files, and which of their questions to grade (``None``: every one)."""

    submission: Submission
    files: bytes
    only: frozenset[str] | None = None

    @classmethod
    def of(cls, task: GradingTask) -> Parcel:
        folder = task.submission.folder
        return cls(replace(task.submission, folder=Path(folder.name)), pack_folder(folder), task.only)


def open_on_worker(plugin_name: str) -> dict[str, Any]:
    """The first task of a run: open it on a worker and send back its record as JSON data
    (``{"record": ...}``), or ``{"refused": why}`` when this worker cannot open it."""
    try:
        plan = _job_plugin(plugin_name).plan()
    except HarnessError as exc:  # sent back as text: the client says why
        return {"refused": str(exc)}
    return {"record": asdict(plan.resources.record())}


def grade_on_worker(plugin_name: str, parcel: Parcel) -> dict[str, Any]:
    """The task a worker runs for one student: ``{"student": ...}`` as JSON data, or
    ``{"refused": why}`` when this worker cannot open the job's run."""
    try:
        plan = _job_plugin(plugin_name).plan()
    except HarnessError as exc:
        return {"refused": str(exc)}
    with tempfile.TemporaryDirectory(prefix="harness-student-") as tmp:
        folder = unpack_folder(parcel.files, Path(tmp) / parcel.submission.folder.name)
        result = grade_student(plan, replace(parcel.submission, folder=folder), parcel.only)
    return {"student": result.model_dump(mode="json")}


def _job_plugin(plugin_name: str) -> JobOnWorker:
    plugin = get_worker().plugins[plugin_name]
    assert isinstance(plugin, JobOnWorker), plugin
    return plugin


class JobOnWorker(WorkerPlugin):
    """A worker plugin: the job's run, opened on first use in each worker, closed on teardown.

    Registered for the run and unregistered at its end (which tears it down on every worker);
    a worker that joins mid-run (one restarted after a crash) gets it too. Opening is left to
    the first student because it can take seconds (loading banks, the sandbox doctor), which
    ``setup`` would spend on the worker's event loop.
    """

    def __init__(self, job: GradingJob, run: str) -> None:
        self.job = job
        self.name = f"harness-job-{job.key()}-{run}"  # two runs of one job on one cluster stay apart

    def setup(self, worker: object) -> None:
        self._lock = threading.Lock()  # a worker's threads grade at once; one opens the run
        self._stack = ExitStack()
        self._plan: GradingPlan | None = None

    def plan(self) -> GradingPlan:
        with self._lock:
            if self._plan is None:
                self._plan = self._stack.enter_context(open_job(self.job))
            return self._plan

    def teardown(self, worker: object) -> None:
        with self._lock:
            self._plan = None
            self._stack.close()


def _record_of_run(client: Client, plugin_name: str) -> RunRecord:
    """Open the run on one worker (the others open it at their first student) and return what
    it records: the client keys the store with it before sending anyone.

    Raises:
        HarnessError: the worker cannot open the run, or dies each time it tries.
    """
    future = client.submit(open_on_worker, plugin_name, key=f"{plugin_name}-open", pure=False)
    try:
        data = future.result()
    except KilledWorker:
        raise HarnessError(
            "opening the run took down every Dask worker it was sent to (see the workers' logs)"
        ) from None
    finally:
        future.release()
    if "refused" in data:
        raise HarnessError(f"a Dask worker cannot grade this run: {data['refused']}")
    return RunRecord(**data["record"])


def _run_tasks(client: Client, plugin_name: str, tasks: list[GradingTask]) -> Iterator[StudentResult]:
    """Submit the students a few at a time per worker thread; yield each result as it comes."""
    queue = iter(tasks)
    window = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
    pending: dict[str, tuple[Future[Any], str]] = {}  # task key -> (its future, its student)
    numbers = itertools.count()

    def submit() -> Future[Any] | None:
        task = next(queue, None)
        if task is None:
            return None
        key = f"{plugin_name}-student-{next(numbers)}"
        future = client.submit(grade_on_worker, plugin_name, Parcel.of(task), key=key)
        pending[key] = (future, task.submission.student_id)
        return future

    futures = as_completed([f for f in (submit() for _ in range(window)) if f is not None])
    try:
        for future in futures:
            _, student_id = pending.pop(future.key)
            yield _received(future, student_id)
            future.release()
            follow = submit()
            if follow is not None:
                futures.add(follow)
    finally:  # stopped early (an error, Ctrl-C): nobody else is graded
        client.cancel([f for f, _ in pending.values()])


def _received(future: Future[Any], student_id: str) -> StudentResult:
    """A task's answer checked and typed; a task that failed for good is one clear line."""
    try:
        data = future.result()
    except KilledWorker:
        raise HarnessError(
            f"grading {student_id!r} took down every worker it was sent to (see the workers' logs); "
            "nothing of this student was recorded"
        ) from None
    if "refused" in data:
        raise HarnessError(f"a Dask worker cannot grade this run: {data['refused']}")
    result = StudentResult.model_validate(data["student"])
    if result.student_id != student_id:
        raise HarnessError(f"the task for {student_id!r} came back as {result.student_id!r}")
    return result


# No dashboard, and the scheduler's HTTP server (which distributed starts even without one) on
# a free port: on its default, 8787, a notebook's or another run's cluster would collide.
QUIET_SCHEDULER: dict[str, Any] = {
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": ":0", "dashboard": False},
}


@contextmanager
def _client(scheduler: str | None) -> Iterator[Client]:
    """A client of ``scheduler``, or of a cluster of worker processes started for this run."""
    if scheduler is None:
        cpus = os.cpu_count() or 1
        cluster = LocalCluster(n_workers=cpus, threads_per_worker=1, processes=True, **QUIET_SCHEDULER)
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise HarnessError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client
