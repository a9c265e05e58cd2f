"""Privacy: export, erasure with a receipt, the retention schedule
(docs/privacy.md). This app reads every app's data, so it sits above all of
them but the API (docs/architecture.md, "Dependency direction")."""
