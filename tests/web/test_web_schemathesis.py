"""A short schemathesis run against /api/openapi.json over an index of corpus/: every
check (no 5xx, status codes, content types, response schemas, schema-valid requests
accepted and invalid ones refused). Slow: `python3 dev.py test` (CI) runs it; the long
run with 10,000 fuzzed requests is bench/fuzz_api.py."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the test extra: pip install -e '.[test]'")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from web import create_app  # noqa: E402
from webfixtures import *  # noqa: F401,F403,E402  (pytest fixtures)
from webfixtures import APP_SETTINGS  # noqa: E402


@pytest.mark.slow
def test_api_conforms_to_its_openapi_document(corpus_index):
    app = create_app({**APP_SETTINGS, "index": str(corpus_index)})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call()
            # A q the schema allows can still be a query the engine refuses as written
            # (only exclusions, too many terms, year:abc): that is the documented 400
            # bad_query, naming what is wrong, not a schema-valid request wrongly
            # rejected. Every other check applies to it; every other 4xx still fails.
            refused_query = (response.status_code == 400 and (case.query or {}).get("q")
                             and response.json().get("error", {}).get("code") == "bad_query")
            case.validate_response(response, excluded_checks=[positive_data_acceptance] if refused_query else None)

        check()
