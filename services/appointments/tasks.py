"""Background jobs of appointments (listed in config/worker.py TASK_MODULES).

`mark_no_shows` carries a `schedule` label (every five minutes) for a taskiq scheduler; it is
safe to run at any time, as only bookings still open past their slot change.
"""

from __future__ import annotations

from config.jobs import broker
from services.appointments.service import appointments


@broker.task(task_name="appointments.mark_no_shows", schedule=[{"cron": "*/5 * * * *"}])
async def mark_no_shows() -> int:
    """Marks bookings missed without check-in and pauses booking for repeat no-shows."""
    return (await appointments.mark_no_shows()).marked


@broker.task(task_name="appointments.send_reminders", schedule=[{"cron": "*/5 * * * *"}])
async def send_reminders() -> int:
    """Reminds bookings the day before and an hour before (each once: notify de-duplicates)."""
    return await appointments.send_reminders()
