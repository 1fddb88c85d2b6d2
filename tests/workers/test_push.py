"""A meet reminder delivered by a real RQ worker process, then pushed by it (a second job on
the 'reminders' queue) to a local push service, where the browser's keys decrypt it."""

from datetime import timedelta

from sqlalchemy import select

from app.models import Notification, OutboxEvent, Reminder
from app.models.types import utcnow
from app.services import push, reminders
from tests.push_service import Browser, running_push_service, vapid_settings
from tests.services.test_reminders import run_worker, saved_meet
from tests.services.test_training import athlete


def test_a_worker_delivers_a_due_reminder_in_app_and_as_a_push(app_factory, db_url, redis_url, db):
    settings = vapid_settings()
    app = app_factory(REDIS_URL=redis_url, **settings)
    with running_push_service() as service, app.app_context():
        user = athlete()
        browser, endpoint = Browser(), service.endpoint()
        push.subscribe(user, browser.subscription(endpoint))
        saved_meet(user)
        [event] = db.session.scalars(select(OutboxEvent).filter_by(name="meet.changed")).all()
        assert reminders.on_meet_changed(event) == 3  # the event's job: all three scheduled
        reminder = db.session.scalar(select(Reminder).filter_by(kind="weeks-1"))
        reminder.due_at = utcnow().replace(microsecond=0) - timedelta(minutes=1)  # due now
        reminder.enqueued_at = None
        db.session.commit()
        assert reminders.on_meet_changed(event) == 1  # moved: handed to RQ again, due now

        worker = run_worker(redis_url, db_url, **settings)

        assert worker.returncode == 0, worker.stderr
        notification = db.session.scalar(select(Notification).filter_by(user_id=user.id))
        assert notification is not None
        [message] = service.to(endpoint)
        assert browser.read(message.body) == {
            "title": notification.title,
            "body": notification.body,
            "url": "/planner",
            "tag": notification.dedupe_key,
        }
