"""Kernel models; each part lives in its own module and is re-exported here."""
