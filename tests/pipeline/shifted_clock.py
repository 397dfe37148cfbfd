"""Run a Python module as a program with its wall clock moved on: `python shifted_clock.py SECONDS
MODULE ARGS...`, e.g. `python shifted_clock.py 86400 celery -A feedback_portal worker`.

Reminders and digests go out on business days only, and time-machine moves the clock only in
the process that starts it. The scale-out test starts each web process, worker and beat through
this launcher with the same shift as its own, so that on a weekend every process agrees that it
is a weekday. With 0 the clock is left alone. Monotonic clocks (gunicorn's worker timeouts,
socket timeouts) are never moved; the processes a program forks keep the shift.
"""

import runpy
import sys
import time

import time_machine

if __name__ == "__main__":
    shift, module, *args = sys.argv[1:]
    if float(shift):
        time_machine.travel(time.time() + float(shift), tick=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
