"""The service's tests (a package, so tests can share helpers from conftest)."""
