"""Publishing: deterministic dumps, the VoID/DCAT dataset description, the 360Giving package."""
