"""whys: audit Five Whys root-cause analyses against the code and history they cite."""

__version__ = "0.1.0"
