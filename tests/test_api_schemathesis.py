"""schemathesis against the service's own OpenAPI description, on SQLite and on PostgreSQL:
generated requests (valid and invalid) to every operation, and not one server error (5xx).

The operations are driven with their hypothesis strategies in one test per backend (the
schemathesis pytest plugin needs the schema at collection time, and ours comes from the live
server); every failure is collected and reported together."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from api_support import SAMPLES, backend, live, upload, wait_done  # noqa: F401  (fixtures)

EXAMPLES = 20  # per operation and mode: 13 operations × 2 modes × 20 ≈ 520 requests per backend


@pytest.fixture(scope="module")
def api_schema(live):
    with live.client(live.tokens["admin"]) as c:  # something to find: a corrected document and an approved one
        ids = [d["id"] for d in upload(c, SAMPLES / "school-meal-2023.pdf", SAMPLES / "farmland-2021.xlsx").json()["documents"]]
        for i in ids:
            wait_done(c, i)
        etag = c.get(f"/documents/{ids[0]}").headers["etag"]
        c.patch(f"/documents/{ids[0]}/fields", headers={"If-Match": etag},
                json={"corrections": [{"pointer": "/records/0/meta/title/value", "value": "x", "reason": "seed"}]})  # fmt: skip
        c.post(f"/documents/{ids[1]}/approve")
    return schemathesis.openapi.from_url(f"{live.url}/openapi.json")


def test_no_server_error(live, api_schema):
    headers = {"Authorization": f"Bearer {live.tokens['admin']}"}
    failures: list[str] = []
    operations = [r.ok() for r in api_schema.get_all_operations()]
    assert len(operations) >= 13
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            @given(case=op.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=live.url, headers=headers, checks=[not_a_server_error])

            try:
                run()
            except Exception as e:  # noqa: BLE001  (collected, reported below)
                failures.append(f"{op.method.upper()} {op.path} [{mode.value}]: {str(e)[:1500]}")
    assert not failures, "\n\n".join(failures)
