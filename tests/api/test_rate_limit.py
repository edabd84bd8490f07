"""429 when a token calls the API too often; other tokens are not affected."""

from workflow import create_app


def test_api_rate_limit_per_token(app):
    limited = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        DOCUMENT_STORE=app.config["DOCUMENT_STORE"],
        API_RATE_LIMIT="3 per minute",
    )
    client = limited.test_client()
    tokens = app.config["TEST_TOKENS"]
    first = {"Authorization": "Bearer " + tokens["perancang1@harmoni.test"]}
    second = {"Authorization": "Bearer " + tokens["perancang2@harmoni.test"]}
    assert [client.get("/api/v1/processes", headers=first).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/processes", headers=first)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert client.get("/api/v1/processes", headers=second).status_code == 200
    with limited.app_context():
        from workflow.extensions import db

        db.engine.dispose()
