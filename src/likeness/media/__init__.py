"""Adapters for media (SPEC §13): decoding images, video and audio, face and voice embeddings,
the vector index, and C2PA credentials. Services reach these only through the ports they
define; the composition root (``bootstrap``) wires them in."""
