from whys.cli import entry

entry()
