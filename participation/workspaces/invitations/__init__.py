"""The social worker's invitations: the list from the child's wishes and staff answers, as CSV
and as letters, and marking them sent. The blueprint lives in routes.py."""
