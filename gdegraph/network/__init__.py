"""The exemplar-follower pairing network: extraction, metrics, exports, pictures."""
