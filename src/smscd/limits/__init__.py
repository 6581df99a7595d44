"""Rate limits (error 9), the in-flight cap and IP blocking (error 4); docs/protection.md."""
