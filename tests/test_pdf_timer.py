"""The PDF page timer (ingest/pdf.py) holds even when its first alarm is swallowed.

CI once read the 20-/Contents PDF bomb to the end: the alarm fired inside a garbage-collector callback (installed by
another test's library), where Python prints the exception and carries on, so the page ran unwatched.
"""
import signal
import threading
import time

import pytest

from ttdn_analysis.ingest import pdf as pdf_mod

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer") or threading.current_thread()
                                is not threading.main_thread(), reason="POSIX interval timers in the main thread")


def test_a_swallowed_alarm_fires_again():
    before = signal.getsignal(signal.SIGALRM)
    swallowed = 0
    t0 = time.monotonic()
    with pytest.raises(pdf_mod._Overtime), pdf_mod._alarm(0.05) as armed:
        assert armed
        while time.monotonic() - t0 < 5:
            try:
                while time.monotonic() - t0 < 5:
                    pass
            except pdf_mod._Overtime:
                if swallowed:  # the second alarm is let through
                    raise
                swallowed += 1  # as a gc callback would: the first alarm is lost
    assert swallowed == 1 and time.monotonic() - t0 < 1.0
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # disarmed afterwards
    assert signal.getsignal(signal.SIGALRM) is before  # and the handler given back


def test_the_timer_is_disarmed_after_a_page_that_ends_in_time():
    before = signal.getsignal(signal.SIGALRM)
    with pdf_mod._alarm(5.0) as armed:
        assert armed
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0 and signal.getsignal(signal.SIGALRM) is before
    time.sleep(0.1)  # no late alarm arrives
