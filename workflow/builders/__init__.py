"""Builders: one module per output kind made from the statements (PDF, web edition, cards)."""
