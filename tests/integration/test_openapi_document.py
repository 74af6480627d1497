"""The OpenAPI document says what each operation can answer, and how to authenticate."""

from __future__ import annotations

PROBLEM = "application/problem+json"


async def test_every_operation_documents_its_problems_and_writes_their_bearer_scheme(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "a token with the `append` or `admin` scope"
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("400", "500"):
                assert PROBLEM in responses[status]["content"], (method, path, status)
            if path != "/health":
                assert PROBLEM in responses["503"]["content"], (method, path)
            if method == "get" and path != "/events/live":  # a stream has no ETag
                assert "304" in responses, path
            if method == "get" and "{" in path:
                assert "404" in responses, (method, path)
            if method == "post":
                assert operation["security"] == [{"bearerAuth": []}]
                assert {"401", "403"} <= set(responses)
    append = schema["paths"]["/streams/{stream_id}/events"]["post"]["responses"]
    assert {"200", "201", "409", "413", "422"} <= set(append)


async def test_request_bodies_forbid_unknown_fields_and_keep_their_ranges(client):
    components = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    assert components["AppendRequest"]["additionalProperties"] is False
    assert components["EventBody"]["additionalProperties"] is False
    integer, word = components["AppendRequest"]["properties"]["expected_version"]["oneOf"]
    assert (integer["minimum"], integer["maximum"]) == (0, 2**31 - 1)
    assert word["enum"] == ["no_stream", "exists", "any"]
