"""Business rules as plain functions: no request objects, unit-tested directly."""
