"""Beat's schedule when BEAT_EVERY_SECONDS is set (a test or a demo): the sweeps on the clock.

Production keeps the schedule in settings.CELERY_BEAT_SCHEDULE; settings.py gives its
every-few-minutes sweeps this one instead only when asked to.
"""

from datetime import datetime

from celery.schedules import schedstate, schedule


class OnTheClock(schedule):
    """Every `run_every` seconds, at the same moments of the wall clock (whole multiples of it).

    Any two beats running it send each task at the same moment, so a second beat started by
    mistake races the first as hard as it can: the case the sweeps' claims must withstand.
    """

    def is_due(self, last_run_at: datetime) -> schedstate:
        period = self.seconds
        now = self.now().timestamp()
        last = self.maybe_make_aware(last_run_at).timestamp()
        return schedstate(now // period > last // period, period - now % period)
