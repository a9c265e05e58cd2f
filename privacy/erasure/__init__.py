"""Close and erase my account (docs/privacy.md, "Erasure"): the plan (what
happens to every column that names a person), the request and cancel
services, the hourly erasure job, its receipt, the pages and the API."""
