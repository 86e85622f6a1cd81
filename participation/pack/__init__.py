"""The review pack: what each audience may read for one review, on the web and as a PDF."""
