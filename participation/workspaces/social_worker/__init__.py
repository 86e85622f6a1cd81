"""The social worker's workspace: what waits on them across their children."""
