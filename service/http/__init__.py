"""Thin HTTP controllers, their request and response Structs, and problem details."""
