"""/api/v1/threads and /api/v1/messages: one APIView per operation. Every read
goes through the scoped selectors: a conversation one is not part of is 404."""
