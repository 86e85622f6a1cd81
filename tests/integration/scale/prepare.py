"""Run as `python -m tests.integration.scale.prepare` with the shared services' environment:
makes the S3 bucket, migrates the shared PostgreSQL database, loads the demo council, gives
Jay, Sami and Mia their picture code, and prints (last line, JSON) what the test needs.

A separate process, so that the test process never binds the app's database object to the
shared database (the rest of the suite keeps its own).
"""

from __future__ import annotations

import json
import os

from sqlalchemy import select

CODE = ["star", "fish", "car"]


def main() -> None:
    import boto3

    from participation import create_app, migrate
    from participation.caseload.service import next_review
    from participation.child import service as space_service
    from participation.db import db
    from participation.demo import load_demo
    from participation.models import Child, StaffMember

    s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"], region_name="eu-west-2")
    s3.create_bucket(
        Bucket=os.environ["S3_BUCKET"],
        CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
    )
    app = create_app(
        {
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "MEDIA_STORAGE": os.environ["MEDIA_STORAGE"],
            # The servers' key: it also seals the demo staff's authenticator secrets.
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "TASK_QUEUE": "memory://",
        }
    )
    migrate.upgrade(app)
    # A request context: some of the demo's words go through the translations.
    with app.test_request_context():
        session = db.session()
        load_demo(session)
        found: dict[str, str] = {}
        for name, keyworker in (("Jay", "tom"), ("Sami", "tom"), ("Mia", "priya")):
            child = session.scalar(select(Child).where(Child.preferred_name == name))
            staff = session.scalar(
                select(StaffMember).where(StaffMember.email.startswith(keyworker + "."))
            )
            assert child is not None and staff is not None, "the demo council has changed"
            space_service.set_picture_code(session, child, CODE, staff)
            found[name] = child.public_id
        jay = session.scalar(select(Child).where(Child.public_id == found["Jay"]))
        assert jay is not None
        review = next_review(jay)
        assert review is not None, "Jay has no review planned in the demo council"
        found["jay_review"] = review.public_id
        db.session.remove()
    app.extensions["database_engine"].dispose()
    print(json.dumps(found))


if __name__ == "__main__":
    main()
