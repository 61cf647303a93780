"""The Qt layer: thin views over :mod:`explorer.core`."""
