"""The replica's replay lag as the checks measure it: the age of the oldest WAL position of the
primary that the replica has not replayed; an idle primary is no lag, however long ago the
last write was."""

from service.read_routing import ReplayLag


def test_an_idle_primary_and_a_caught_up_replica_show_no_lag_however_long_they_stay_idle():
    lag = ReplayLag()
    for second in range(0, 600, 1):
        lag.primary_at(1000, now=second)  # nothing written: the position stays
        assert lag.replayed(1000, now=second + 0.01) == 0.0


def test_a_replica_that_keeps_up_with_writes_shows_at_most_the_time_between_looks():
    lag = ReplayLag()
    for second in range(10):
        lag.primary_at(1000 + 100 * second, now=second)
        # asked a moment later, it has replayed all but what was written meanwhile
        assert lag.replayed(1000 + 100 * second - 5, now=second + 0.01) <= 0.01 + 1e-9
        assert lag.replayed(1000 + 100 * second, now=second + 0.02) == 0.0


def test_a_replica_that_stops_replaying_lags_from_the_first_write_it_missed():
    lag = ReplayLag()
    lag.primary_at(1000, now=0)
    assert lag.replayed(1000, now=0) == 0.0
    for second in range(1, 31):
        lag.primary_at(1000 + second, now=second)
        assert lag.replayed(1000, now=second) == second - 1
    # it replays part of the backlog: the lag is the age of the oldest position still missing
    assert lag.replayed(1010, now=30) == 30 - 11
    assert lag.replayed(1030, now=30) == 0.0


def test_a_position_seen_again_keeps_the_time_it_was_first_seen():
    lag = ReplayLag()
    lag.primary_at(2000, now=5)
    lag.primary_at(2000, now=9)
    assert lag.replayed(1999, now=10) == 5.0


def test_it_keeps_a_bounded_number_of_positions():
    lag = ReplayLag(kept=3)
    for second in range(10):
        lag.primary_at(second + 1, now=second)
    assert lag.replayed(0, now=10) == 10 - 7  # the oldest kept
