import asyncio
from datetime import datetime

from server.mcp.tools.current_time import CurrentTime, current_time, rfc3339_offset


def test_offsets_are_written_as_rfc3339_hours_and_minutes():
    assert rfc3339_offset(8 * 3600) == "+08:00"
    assert rfc3339_offset(0) == "+00:00"
    assert rfc3339_offset(-(3 * 3600 + 30 * 60)) == "-03:30"
    assert rfc3339_offset(5 * 3600 + 45 * 60) == "+05:45"


def test_the_answer_matches_the_local_clock_and_its_own_schema():
    before = datetime.now().astimezone().replace(microsecond=0)
    result = asyncio.run(current_time(None, None))  # type: ignore[arg-type]
    after = datetime.now().astimezone()
    structured = result.structured
    assert structured is not None
    CurrentTime.model_validate(structured)  # the declared outputSchema holds
    stamp = datetime.fromisoformat(structured["time"])
    assert before <= stamp <= after
    assert stamp.utcoffset() == before.utcoffset()
    assert structured["utc_offset"] == before.isoformat()[-6:]
    assert structured["weekday"] == stamp.strftime("%A")
    assert structured["unix"] == int(stamp.timestamp())
    text = f"{structured['time']} ({structured['weekday']}, {structured['timezone']})"
    assert result.content == [{"type": "text", "text": text}]
