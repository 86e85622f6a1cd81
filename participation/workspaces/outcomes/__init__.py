""" "You said, we did": the child's view of their last review's decisions and whether they
happened, and the actions flagged to the IRO. The blueprint lives in routes.py."""
