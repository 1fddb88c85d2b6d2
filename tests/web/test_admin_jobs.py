"""The admin's background jobs page: events that kept failing are listed with their error,
and Retry hands them to a worker again (once); other failed RQ jobs are listed too."""

import re

import pytest
from rq import SimpleWorker

from app import jobs
from app.models import OutboxEvent
from app.services import events
from tests.conftest import login, make_user
from tests.services.test_outbox import ATTEMPTS, flaky_event, run_jobs  # noqa: F401 - fixture


@pytest.fixture
def admin(client, db):
    user = make_user("root@example.com", role="admin", display_name="Ada Admin")
    login(client, user.email)
    return user


def test_an_event_that_keeps_failing_is_listed_and_an_admin_retries_it(
    client,
    db,
    admin,
    flaky_event,  # noqa: F811 - the fixture imported above
):
    jobs.queue("ai").empty()
    flaky_event[0] = 99  # the LLM stays down
    athlete = make_user()
    event = events.record("workout.completed", {"workout_id": 41, "user_id": athlete.id})
    db.session.commit()
    run_jobs("ai")
    tries = 1 if jobs.in_process() else 3  # in-process jobs aren't retried; RQ retries twice
    assert len(ATTEMPTS) == tries

    page = client.get("/admin/jobs").get_data(as_text=True)
    row = re.search(rf'<li id="event-{event.id}".*?</li>', page, re.S).group(0)
    assert "workout.completed" in row and f"user_id {athlete.id}" in row
    assert "ConnectionError: LLM endpoint unreachable" in row
    assert f"after {tries} {'try' if tries == 1 else 'tries'}" in row
    assert re.search(r"<dt>Failed</dt><dd>1</dd>", page)
    in_process_note = "jobs run inside web requests" in page
    assert in_process_note is jobs.in_process()  # no "Jobs waiting in RQ" without Redis

    flaky_event[0] = 0  # the LLM is back
    response = client.post(f"/admin/jobs/events/{event.id}/retry", follow_redirects=True)
    assert f"Event #{event.id} is queued again." in response.get_data(as_text=True)
    run_jobs("ai")
    assert len(ATTEMPTS) == tries + 1  # handled once more, and only once
    db.session.expire_all()
    handled = db.session.get(OutboxEvent, event.id)
    assert handled.done_at is not None and handled.failed_at is None and handled.error is None
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "No failed events." in page and re.search(r"<dt>Done</dt><dd>1</dd>", page)

    again = client.post(f"/admin/jobs/events/{event.id}/retry", follow_redirects=True)
    assert "isn&#39;t failed any more" in again.get_data(as_text=True)
    assert len(ATTEMPTS) == tries + 1


def test_other_failed_jobs_are_listed_and_requeued(client, db, admin):
    if jobs.in_process():
        pytest.skip("without Redis nothing is queued, so nothing is left failed")
    queue = jobs.queue("default")
    queue.empty()
    for job_id in queue.failed_job_registry.get_job_ids():
        queue.failed_job_registry.remove(job_id, delete_job=True)
    job = queue.enqueue("tests.services.test_outbox.push_service_down", 7, job_id="push-test-7")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)

    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Other failed jobs" in page and "default · push-test-7" in page
    assert "TimeoutError: push service timed out for user 7" in page

    response = client.post("/admin/jobs/default/push-test-7/retry", follow_redirects=True)
    assert "Job push-test-7 is back on the default queue." in response.get_data(as_text=True)
    assert queue.job_ids == [job.id]
    assert "push-test-7" not in queue.failed_job_registry.get_job_ids()
    assert client.post("/admin/jobs/default/push-test-7/retry").status_code == 303
    assert client.post("/admin/jobs/nosuch/push-test-7/retry").status_code == 404
    queue.empty()


def test_only_admins_see_the_jobs_page(client, db):
    coach = make_user(role="coach")
    login(client, coach.email)
    assert client.get("/admin/jobs").status_code == 404
    assert client.post("/admin/jobs/events/1/retry").status_code == 404


def test_an_event_job_is_retried_as_an_event_not_as_a_job(client, db, admin):
    if jobs.in_process():
        pytest.skip("without Redis there are no RQ jobs to retry")
    from rq.job import Job

    queue = jobs.queue("ai")
    Job.create(
        "workers.events.handle_event", args=(1,), id="event-1", connection=queue.connection
    ).save()
    assert client.post("/admin/jobs/ai/event-1/retry").status_code == 404
