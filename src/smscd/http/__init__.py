"""Shared HTTP plumbing: parameters, charsets, authentication, replies."""
