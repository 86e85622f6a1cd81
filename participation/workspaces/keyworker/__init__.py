"""The keyworker's workspace: caseload, monthly summaries, the report for the review, action
notes. The blueprint lives in routes.py, the rules in service.py."""
