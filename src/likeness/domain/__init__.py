"""Entities and values of Likeness: plain Python, standard library only.

Nothing here knows about databases, HTTP, YAML or pydantic; adapters translate at the edge.
"""
