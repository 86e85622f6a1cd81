"""A child's records as a whole: everything about one child exported for a subject access
request, and the council's retention rules applied when a child has left care."""
