"""The engine a process runs is chosen by its settings, and bad settings are refused."""

from __future__ import annotations

import pyarrow as pa
import pytest

from fansipan.analytics.clickhouse import ClickHouseEngine
from fansipan.analytics.engine import DuckDBEngine
from fansipan.analytics.engines import make_analytics_engine
from fansipan.errors import ConfigurationError
from fansipan.settings import Settings


def test_the_setting_chooses_the_engine() -> None:
    assert isinstance(make_analytics_engine(**Settings.from_env({}).analytics_engine_options()),
                      DuckDBEngine)
    settings = Settings.from_env({"FANSIPAN_ANALYTICS_ENGINE": "ClickHouse"})
    engine = make_analytics_engine(**settings.analytics_engine_options())
    try:
        assert isinstance(engine, ClickHouseEngine)
        assert engine.query("SELECT 1 + 1 AS two").column("two").to_pylist() == [2]
    finally:
        engine.close()


@pytest.mark.parametrize(("env", "named"), [
    ({"FANSIPAN_ANALYTICS_ENGINE": "spark"}, "FANSIPAN_ANALYTICS_ENGINE"),
    ({"FANSIPAN_CLICKHOUSE_DATABASE": "x; DROP"}, "FANSIPAN_CLICKHOUSE_DATABASE"),
    ({"FANSIPAN_CLICKHOUSE_CLUSTER": "a-b"}, "FANSIPAN_CLICKHOUSE_CLUSTER"),
    ({"FANSIPAN_CLICKHOUSE_URL": "tcp://u:secretpw@h:9000"}, "FANSIPAN_CLICKHOUSE_URL"),
])
def test_bad_engine_settings_are_refused_by_name(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env(env)
    assert named in str(refused.value)
    assert "secretpw" not in str(refused.value)  # a password in a URL is never echoed


def test_changes_are_absorbed_after_the_memory_is_read() -> None:
    engine = DuckDBEngine()
    engine.execute("CREATE TABLE delta (ind INTEGER)")
    assert engine.memory_bytes() >= 0
    engine.append("delta", pa.table({"ind": pa.array([7], pa.int32())}))
    assert engine.query("SELECT ind FROM delta").column("ind").to_pylist() == [7]
