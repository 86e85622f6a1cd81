"""The IRO's workspace: caseload, meeting the child, how the child took part, decisions and
actions, circulation. The blueprint lives in routes.py, the rules in service.py and codes.py."""
