"""The analyst key's attempt limiter: per session, per client address, a window, a lockout, and a log."""

from __future__ import annotations

import logging

import pytest

from vmdash.roles import KeyAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def attempts(clock) -> KeyAttempts:
    return KeyAttempts(per_session=5, per_address=12, window_s=600, lockout_s=300, clock=clock)


def test_five_wrong_keys_are_allowed_the_sixth_locks_the_session(attempts):
    for _ in range(5):
        assert attempts.failed("s1", "10.0.0.1") == 0
        assert attempts.retry_after("s1", "10.0.0.1") == 0
    assert attempts.failed("s1", "10.0.0.1") == 300
    assert attempts.retry_after("s1", "10.0.0.1") == 300
    # Another session from the same address is not locked by this one's failures alone.
    assert attempts.retry_after("s2", "10.0.0.1") == 0


def test_the_lockout_ends(attempts, clock):
    for _ in range(6):
        attempts.failed("s1", "10.0.0.1")
    clock.now += 299
    assert attempts.retry_after("s1", "10.0.0.1") == pytest.approx(1)
    clock.now += 1
    assert attempts.retry_after("s1", "10.0.0.1") == 0


def test_new_sessions_from_one_address_are_limited_by_the_address(attempts):
    # 150 guesses in 44 s, each from a fresh session: the address stops them after 12.
    locked_at = None
    for n in range(150):
        if attempts.retry_after(f"s{n}", "203.0.113.9"):
            locked_at = n
            break
        attempts.failed(f"s{n}", "203.0.113.9")
    assert locked_at == 13
    assert attempts.retry_after("fresh", "203.0.113.9") == 300
    assert attempts.retry_after("fresh", "198.51.100.1") == 0


def test_old_failures_leave_the_window(attempts, clock):
    for _ in range(5):
        attempts.failed("s1", "a")
    clock.now += 601
    for _ in range(5):
        assert attempts.failed("s1", "a") == 0


def test_a_right_key_restarts_the_session_count_not_the_address(attempts):
    for _ in range(5):
        attempts.failed("s1", "a")
    attempts.succeeded("s1")
    assert attempts.failed("s1", "a") == 0
    for _ in range(6):
        attempts.failed("s1", "a")
    assert attempts.retry_after("s9", "a") == 0  # 12 address failures allowed: 12 so far
    attempts.failed("s9", "a")
    assert attempts.retry_after("s9", "a") == 300


def test_failures_are_logged_without_the_key(attempts, caplog):
    caplog.set_level(logging.INFO, logger="vmdash.access")
    for _ in range(6):
        attempts.failed("s1", "192.0.2.7")
    messages = [r.getMessage() for r in caplog.records if r.name == "vmdash.access"]
    assert len(messages) == 7
    assert messages[0] == (
        "analyst key refused: session s1, client 192.0.2.7 (1 wrong in this session, 1 from this client, last 10 min)"
    )
    assert messages[-1] == "analyst sign-in locked for 300 s: session s1, client 192.0.2.7"
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name == "vmdash.access")


def test_tracking_is_bounded(clock):
    attempts = KeyAttempts(max_tracked=100, clock=clock)
    for n in range(1000):
        attempts.failed(f"s{n}", f"a{n}")
    assert len(attempts._failures) <= 102  # the cap, plus the two keys of the latest failure
